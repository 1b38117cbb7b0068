//! Enumerations stored as short upper-case text, portable between SQLite and PostgreSQL.

use sea_orm::Iterable;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Kind of district-level unit (thành phố / thị xã / huyện).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DistrictKind {
    #[sea_orm(string_value = "CITY")]
    City,
    #[sea_orm(string_value = "TOWN")]
    Town,
    #[sea_orm(string_value = "DISTRICT")]
    District,
}

/// Kind of agency; the policy table is keyed on it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgencyKind {
    #[sea_orm(string_value = "HEALTH")]
    Health,
    #[sea_orm(string_value = "POLICE")]
    Police,
    #[sea_orm(string_value = "TRANSPORT")]
    Transport,
    #[sea_orm(string_value = "BORDER_GUARD")]
    BorderGuard,
    #[sea_orm(string_value = "PEOPLES_COMMITTEE")]
    PeoplesCommittee,
    #[sea_orm(string_value = "STEERING_COMMITTEE")]
    SteeringCommittee,
    #[sea_orm(string_value = "ADMINISTRATION")]
    Administration,
    /// A department or sector (education, labour, ...), named by the agency's `sector`.
    #[sea_orm(string_value = "DEPARTMENT")]
    Department,
}

/// Role carried by a token. Ordered: each role can do what the ones before it can.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    #[sea_orm(string_value = "VIEWER")]
    Viewer,
    #[sea_orm(string_value = "EDITOR")]
    Editor,
    #[sea_orm(string_value = "APPROVER")]
    Approver,
    #[sea_orm(string_value = "ADMIN")]
    Admin,
}

impl Role {
    /// The upper-case name used in tokens, the CLI and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "VIEWER",
            Role::Editor => "EDITOR",
            Role::Approver => "APPROVER",
            Role::Admin => "ADMIN",
        }
    }

    /// Parses the upper-case name (case-insensitive).
    pub fn parse(text: &str) -> Option<Role> {
        Role::iter().find(|r| r.as_str().eq_ignore_ascii_case(text))
    }
}

impl AgencyKind {
    /// The upper-case name used in the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::Health => "HEALTH",
            AgencyKind::Police => "POLICE",
            AgencyKind::Transport => "TRANSPORT",
            AgencyKind::BorderGuard => "BORDER_GUARD",
            AgencyKind::PeoplesCommittee => "PEOPLES_COMMITTEE",
            AgencyKind::SteeringCommittee => "STEERING_COMMITTEE",
            AgencyKind::Administration => "ADMINISTRATION",
            AgencyKind::Department => "DEPARTMENT",
        }
    }

    /// Parses the upper-case name (case-insensitive).
    pub fn parse(text: &str) -> Option<AgencyKind> {
        AgencyKind::iter().find(|k| k.as_str().eq_ignore_ascii_case(text))
    }
}

/// Kind of stock movement in the ledger.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StockEventKind {
    #[sea_orm(string_value = "RECEIVED")]
    Received,
    #[sea_orm(string_value = "ADMINISTERED")]
    Administered,
    #[sea_orm(string_value = "WASTED")]
    Wasted,
    #[sea_orm(string_value = "TRANSFER_OUT")]
    TransferOut,
    #[sea_orm(string_value = "TRANSFER_IN")]
    TransferIn,
    #[sea_orm(string_value = "ADJUSTED")]
    Adjusted,
}

/// Where a transfer of doses between districts stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransferStatus {
    #[sea_orm(string_value = "REQUESTED")]
    Requested,
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "DISPATCHED")]
    Dispatched,
    #[sea_orm(string_value = "RECEIVED")]
    Received,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

impl TransferStatus {
    /// The upper-case name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TransferStatus::Requested => "REQUESTED",
            TransferStatus::Approved => "APPROVED",
            TransferStatus::Dispatched => "DISPATCHED",
            TransferStatus::Received => "RECEIVED",
            TransferStatus::Rejected => "REJECTED",
            TransferStatus::Cancelled => "CANCELLED",
        }
    }
}

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name {
            $(#[sea_orm(string_value = $text)] $variant,)+
        }

        impl $name {
            /// The upper-case name used in the API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Parses the upper-case name (case-insensitive).
            pub fn parse(text: &str) -> Option<Self> {
                [$($name::$variant),+].into_iter().find(|v| v.as_str().eq_ignore_ascii_case(text))
            }
        }
    };
}

text_enum!(
    /// Kind of control post.
    CheckpointKind { Road = "ROAD", RailStation = "RAIL_STATION", Airport = "AIRPORT", Seaport = "SEAPORT", InlandWaterway = "INLAND_WATERWAY", BorderGate = "BORDER_GATE" }
);
text_enum!(
    /// Whether a control post is working.
    CheckpointStatus { Open = "OPEN", Paused = "PAUSED", Closed = "CLOSED" }
);
text_enum!(
    /// Into or out of the province.
    Direction { Inbound = "INBOUND", Outbound = "OUTBOUND" }
);
text_enum!(
    /// What the people screened travel in.
    VehicleKind { OnFoot = "ON_FOOT", Motorbike = "MOTORBIKE", Car = "CAR", Bus = "BUS", Truck = "TRUCK", Train = "TRAIN", Boat = "BOAT", Aircraft = "AIRCRAFT", Other = "OTHER" }
);
text_enum!(
    /// COVID-19 test taken at screening.
    TestKind { None = "NONE", RapidAntigen = "RAPID_ANTIGEN", RtPcr = "RT_PCR" }
);
text_enum!(
    /// Outcome of a test.
    TestResult { Negative = "NEGATIVE", Positive = "POSITIVE", Pending = "PENDING" }
);
text_enum!(
    /// What the post decided.
    Decision { Allowed = "ALLOWED", TurnedBack = "TURNED_BACK", Quarantined = "QUARANTINED", ReferredToHealth = "REFERRED_TO_HEALTH" }
);
text_enum!(
    /// Kind of report.
    ReportKind { DailyVaccination = "DAILY_VACCINATION", WeeklyEpidemic = "WEEKLY_EPIDEMIC", VaccinationCensus = "VACCINATION_CENSUS" }
);
text_enum!(
    /// Which level of agency a data call addresses.
    AddresseeLevel { Province = "PROVINCE", District = "DISTRICT", Any = "ANY" }
);
text_enum!(
    /// What a vaccination target measures.
    TargetMeasure { Dose1Adults = "DOSE1_ADULTS", CompletedAdults = "COMPLETED_ADULTS", AdolescentAllocationUsed = "ADOLESCENT_ALLOCATION_USED" }
);
text_enum!(
    /// Where a report stands.
    ReportStatus { Draft = "DRAFT", Submitted = "SUBMITTED", Accepted = "ACCEPTED", Returned = "RETURNED" }
);

/// Kind of commune-level unit: xã (rural commune), phường (urban ward), thị trấn (township).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommuneKind {
    #[sea_orm(string_value = "COMMUNE")]
    Commune,
    #[sea_orm(string_value = "WARD")]
    Ward,
    #[sea_orm(string_value = "TOWNSHIP")]
    Township,
}

impl CommuneKind {
    /// The GSO list's words: `xa`, `phuong`, `thi_tran` (or the English names).
    pub fn parse(text: &str) -> Option<CommuneKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "xa" | "commune" => Some(CommuneKind::Commune),
            "phuong" | "ward" => Some(CommuneKind::Ward),
            "thi_tran" | "township" => Some(CommuneKind::Township),
            _ => None,
        }
    }
}
text_enum!(
    /// Kind of quarantine facility.
    FacilityKind { Concentrated = "CONCENTRATED", Hospital = "HOSPITAL", Hotel = "HOTEL" }
);
text_enum!(
    /// Why a person is in quarantine: a case (F0), a close contact (F1), a returnee, or another reason.
    QuarantineCategory { F0 = "F0", F1 = "F1", Returnee = "RETURNEE", Other = "OTHER" }
);
text_enum!(
    /// Where and how a person is isolated.
    QuarantineKind { Concentrated = "CONCENTRATED", HomeIsolation = "HOME_ISOLATION", SelfMonitoring = "SELF_MONITORING" }
);
text_enum!(
    /// Where a quarantine case stands.
    QuarantineStatus { Open = "OPEN", Released = "RELEASED", TransferredToTreatment = "TRANSFERRED_TO_TREATMENT", Absconded = "ABSCONDED" }
);
text_enum!(
    /// A supervision visit or a violation.
    QuarantineNoteKind { Visit = "VISIT", Violation = "VIOLATION" }
);
text_enum!(
    /// What a quarantined person did wrong.
    ViolationKind { CommitmentBroken = "COMMITMENT_BROKEN", Absconded = "ABSCONDED", Other = "OTHER" }
);
text_enum!(
    /// A person's place on a vessel's crew list.
    CrewRole { Captain = "CAPTAIN", Crew = "CREW" }
);

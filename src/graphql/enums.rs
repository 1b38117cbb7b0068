//! GraphQL faces of the stored enums (the entity crate stays free of GraphQL).

use async_graphql::Enum;

/// Kind of district-level unit: thành phố (CITY), thị xã (TOWN), huyện (DISTRICT).
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "DistrictKind", remote = "entity::DistrictKind")]
pub enum DistrictKind {
    /// Thành phố: a provincial city.
    City,
    /// Thị xã: a town.
    Town,
    /// Huyện: a rural district.
    District,
}

/// Kind of agency; permissions follow from it (see README, "Permissions").
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "AgencyKind", remote = "entity::AgencyKind")]
pub enum AgencyKind {
    /// Department of Health or a district health centre.
    Health,
    /// Police.
    Police,
    /// Department of Transport.
    Transport,
    /// Border guard.
    BorderGuard,
    /// A People's Committee (of a district, or of the province).
    PeoplesCommittee,
    /// The steering committee for epidemic prevention.
    SteeringCommittee,
    /// The office that administers agencies and tokens.
    Administration,
    /// A department or sector (education, labour, industry and trade, ...), named by `sector`: answers
    /// the data calls addressed to it.
    Department,
}

/// Role of a token: VIEWER reads; EDITOR also writes; APPROVER also approves; ADMIN also manages agencies
/// and tokens.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Role", remote = "entity::Role")]
pub enum Role {
    /// Reads.
    Viewer,
    /// Reads and writes.
    Editor,
    /// Reads, writes and approves.
    Approver,
    /// Everything, and manages agencies and tokens (ADMINISTRATION agencies only).
    Admin,
}

/// Kind of stock movement.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "StockEventKind", remote = "entity::StockEventKind")]
pub enum StockEventKind {
    /// An allocation received into the lot.
    Received,
    /// Doses given to people.
    Administered,
    /// Doses lost: broken, spoiled, expired, or short on receipt of a transfer.
    Wasted,
    /// Doses dispatched to another district.
    TransferOut,
    /// Doses arrived from another district.
    TransferIn,
    /// Correction to a physical count.
    Adjusted,
}

/// Where a transfer stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "TransferStatus", remote = "entity::TransferStatus")]
pub enum TransferStatus {
    /// Asked for; nothing reserved yet.
    Requested,
    /// Approved by the Department of Health; the doses are reserved at the source.
    Approved,
    /// On the road; the doses have left the source lot.
    Dispatched,
    /// Arrived; the doses are in a lot of the destination.
    Received,
    /// Refused by the Department of Health.
    Rejected,
    /// Called off before dispatch; any reservation released.
    Cancelled,
}

/// Kind of control post.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "CheckpointKind", remote = "entity::CheckpointKind")]
pub enum CheckpointKind {
    /// On a road.
    Road,
    /// At a railway station.
    RailStation,
    /// At an airport.
    Airport,
    /// At a seaport.
    Seaport,
    /// At an inland waterway dock.
    InlandWaterway,
    /// At a border gate.
    BorderGate,
}

/// Whether a control post is working.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "CheckpointStatus", remote = "entity::CheckpointStatus")]
pub enum CheckpointStatus {
    /// Working: screenings are recorded.
    Open,
    /// Suspended for now.
    Paused,
    /// Shut down.
    Closed,
}

/// Into or out of the province.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Direction", remote = "entity::Direction")]
pub enum Direction {
    /// Entering.
    Inbound,
    /// Leaving.
    Outbound,
}

/// What the people screened travel in.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "VehicleKind", remote = "entity::VehicleKind")]
pub enum VehicleKind {
    /// On foot.
    OnFoot,
    /// Motorbike.
    Motorbike,
    /// Car.
    Car,
    /// Bus or coach.
    Bus,
    /// Truck.
    Truck,
    /// Train.
    Train,
    /// Boat.
    Boat,
    /// Aircraft.
    Aircraft,
    /// Anything else.
    Other,
}

/// COVID-19 test taken at screening.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "TestKind", remote = "entity::TestKind")]
pub enum TestKind {
    /// No test.
    None,
    /// Rapid antigen test.
    RapidAntigen,
    /// RT-PCR test.
    RtPcr,
}

/// Outcome of a test.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "TestResult", remote = "entity::TestResult")]
pub enum TestResult {
    /// Negative.
    Negative,
    /// Positive.
    Positive,
    /// Not known yet.
    Pending,
}

/// What the post decided.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Decision", remote = "entity::Decision")]
pub enum Decision {
    /// Let through.
    Allowed,
    /// Sent back.
    TurnedBack,
    /// Sent to quarantine.
    Quarantined,
    /// Handed to health for follow-up.
    ReferredToHealth,
}

/// Kind of report.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "ReportKind", remote = "entity::ReportKind")]
pub enum ReportKind {
    /// Daily vaccination progress, due 17:00 the same day.
    DailyVaccination,
    /// Weekly epidemic figures, due before Wednesday of the following week; period is the week's Monday.
    WeeklyEpidemic,
    /// A census of adults and their vaccination, answering a report call.
    VaccinationCensus,
}

/// Where a report stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "ReportStatus", remote = "entity::ReportStatus")]
pub enum ReportStatus {
    /// Being written; editable.
    Draft,
    /// Sent to the Department of Health.
    Submitted,
    /// Accepted by the Department of Health; frozen.
    Accepted,
    /// Sent back for correction; editable, then submitted again.
    Returned,
}

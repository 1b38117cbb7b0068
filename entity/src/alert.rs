use sea_orm::entity::prelude::*;

/// Something health must follow up: a screening (a positive test, symptoms, a referral or quarantine), a
/// positive crew test, an overdue test, a broken commitment or abscondment, a full facility.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "alert")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The screening that raised it; null for alerts of crews, quarantine cases and testing plans.
    pub screening_id: Option<i64>,
    /// District whose health centre follows up: the destination, else the checkpoint's district.
    pub district_id: i32,
    /// Comma-separated reasons: POSITIVE_TEST, SYMPTOMS, QUARANTINED, REFERRED_TO_HEALTH,
    /// POSITIVE_CREW_TEST, OVERDUE_TEST, COMMITMENT_BROKEN, ABSCONDED, FACILITY_FULL.
    pub reasons: String,
    pub created_at: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by: Option<String>,
    pub note: Option<String>,
    /// The vessel call whose crew test raised it.
    pub vessel_call_id: Option<i64>,
    /// The quarantine case it concerns.
    pub quarantine_case_id: Option<i64>,
    /// The testing plan whose member is overdue.
    pub testing_plan_id: Option<i64>,
    /// The traveller the alert is about; null for an alert about a whole screening.
    pub traveller_id: Option<i64>,
    /// District of the post that raised it; it sees the alert besides the destination.
    pub post_district_id: Option<i32>,
    /// Destination commune, when the traveller named one.
    pub commune_id: Option<i32>,
    /// Set when the destination lies in another province: an outbound notice, without personal data.
    pub outbound_province_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

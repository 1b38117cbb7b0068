use sea_orm::entity::prelude::*;

/// A screening that health must follow up: a positive test, symptoms, or a referral or quarantine.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "alert")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub screening_id: i64,
    /// District whose health centre follows up: the destination, else the checkpoint's district.
    pub district_id: i32,
    /// Comma-separated reasons: POSITIVE_TEST, SYMPTOMS, QUARANTINED, REFERRED_TO_HEALTH.
    pub reasons: String,
    pub created_at: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by: Option<String>,
    pub note: Option<String>,
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

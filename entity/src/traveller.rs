use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{TestKind, TestResult};

/// How a traveller declared their health before the crossing.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeclarationChannel {
    #[sea_orm(string_value = "TO_KHAI_Y_TE")]
    ToKhaiYTe,
    #[sea_orm(string_value = "NCOVI")]
    Ncovi,
    #[sea_orm(string_value = "BLUEZONE")]
    Bluezone,
    #[sea_orm(string_value = "PC_COVID")]
    PcCovid,
    #[sea_orm(string_value = "PAPER")]
    Paper,
    #[sea_orm(string_value = "NONE")]
    None,
}

/// One person within a screening (a vehicle or a group). Personal fields (name, id number, birth year,
/// phone, destination address, declaration reference) are readable only where the policy allows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "traveller")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub screening_id: i64,
    /// District of the post, kept here for scope filters.
    pub post_district_id: i32,
    /// The screening's time, kept here for the history of one person.
    pub crossed_at: DateTimeUtc,
    pub full_name: Option<String>,
    pub id_number: Option<String>,
    pub birth_year: Option<i32>,
    pub phone: Option<String>,
    pub origin_province_code: Option<String>,
    pub origin_district_code: Option<String>,
    pub origin_commune_code: Option<String>,
    pub origin_text: Option<String>,
    /// As given; may name a district of another province.
    pub destination_district_code: Option<String>,
    /// Set when the destination is a district of this server's province.
    pub destination_district_id: Option<i32>,
    pub destination_commune_code: Option<String>,
    pub destination_address: Option<String>,
    pub declaration_channel: DeclarationChannel,
    pub declaration_reference: Option<String>,
    pub doses_shown: Option<i32>,
    pub test_kind: TestKind,
    pub test_result: Option<TestResult>,
    pub test_taken_at: Option<DateTimeUtc>,
    pub symptoms: bool,
    /// Decided by the register (or marked by the officer).
    pub from_epidemic_area: bool,
    pub marked_by_officer: bool,
    pub matched_area_id: Option<i32>,
    pub matched_area_code: Option<String>,
    pub matched_level: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

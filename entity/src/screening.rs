use sea_orm::entity::prelude::*;

use crate::{Decision, Direction, TestKind, TestResult, VehicleKind};

/// One screening record at a checkpoint. The personal fields (full name, id number, phone, destination
/// address) are optional and readable only where the policy allows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "screening")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub checkpoint_id: i32,
    /// District of the checkpoint, kept here for scope filters.
    pub district_id: i32,
    pub recorded_at: DateTimeUtc,
    pub recorded_by_agency_id: i32,
    pub recorded_by: String,
    pub direction: Direction,
    pub vehicle_plate: Option<String>,
    pub vehicle_kind: VehicleKind,
    pub people_count: i32,
    pub origin_province_code: Option<String>,
    pub origin_district_code: Option<String>,
    pub from_epidemic_area: bool,
    pub health_declared: bool,
    pub test_kind: TestKind,
    pub test_result: Option<TestResult>,
    pub test_taken_at: Option<DateTimeUtc>,
    pub doses_shown: Option<i32>,
    pub symptoms: bool,
    pub decision: Decision,
    pub full_name: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub destination_address: Option<String>,
    pub destination_district_id: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

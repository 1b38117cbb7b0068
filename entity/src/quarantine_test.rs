use sea_orm::entity::prelude::*;

use crate::{TestKind, TestResult};

/// A test of a quarantine case: scheduled (with a due time) or taken besides the schedule.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "quarantine_test")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub due_at: Option<DateTimeUtc>,
    pub kind: TestKind,
    pub result: Option<TestResult>,
    pub taken_at: Option<DateTimeUtc>,
    pub recorded_by: Option<String>,
    /// When its lateness raised an alert; at most once.
    pub alerted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

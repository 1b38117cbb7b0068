use sea_orm::entity::prelude::*;

use crate::{ReportKind, ReportStatus};

/// A report of one district for one period, from one source agency (the district health centre or the
/// district committee), with typed figures. Lateness is derived from `due_at` and `submitted_at`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub district_id: i32,
    pub kind: ReportKind,
    pub period: Date,
    pub source_agency_id: i32,
    pub report_call_id: Option<i32>,
    pub status: ReportStatus,
    pub due_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub reviewed_by: Option<String>,
    pub return_reason: Option<String>,
    pub adults_18_plus: Option<i64>,
    pub adults_dose1: Option<i64>,
    pub adults_full: Option<i64>,
    pub adolescents_15_17_dose1: Option<i64>,
    pub adolescents_15_17_dose2: Option<i64>,
    pub doses_administered_today: Option<i64>,
    pub unvaccinated_contraindicated: Option<i64>,
    pub unvaccinated_deferred: Option<i64>,
    pub unvaccinated_refused: Option<i64>,
    pub unvaccinated_absent: Option<i64>,
    pub unvaccinated_other: Option<i64>,
    pub new_cases_community: Option<i64>,
    pub new_cases_in_quarantine: Option<i64>,
    pub tests_performed: Option<i64>,
    pub patients_in_treatment: Option<i64>,
    pub deaths: Option<i64>,
    pub beds_available: Option<i64>,
    pub people_65_plus: Option<i64>,
    pub people_65_plus_full: Option<i64>,
    pub people_50_plus: Option<i64>,
    pub people_50_plus_full: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

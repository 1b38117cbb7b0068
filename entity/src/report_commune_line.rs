use sea_orm::entity::prelude::*;

/// One commune's figures in a district's weekly epidemic report. Null means "not reported".
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "report_commune_line")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub report_id: i32,
    pub commune_id: i32,
    pub population: Option<i64>,
    pub new_cases_community: Option<i64>,
    pub new_cases_in_quarantine: Option<i64>,
    pub adults_18_plus: Option<i64>,
    pub adults_dose1: Option<i64>,
    pub people_65_plus: Option<i64>,
    pub people_65_plus_full: Option<i64>,
    pub people_50_plus: Option<i64>,
    pub people_50_plus_full: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

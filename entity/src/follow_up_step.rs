use sea_orm::entity::prelude::*;

use crate::FollowUpStatus;

/// One step of a follow-up: the status it took, by whom and when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "follow_up_step")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub follow_up_id: i64,
    pub from_status: Option<FollowUpStatus>,
    pub to_status: FollowUpStatus,
    pub note: Option<String>,
    pub agency_id: Option<i32>,
    pub taken_by: String,
    pub taken_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

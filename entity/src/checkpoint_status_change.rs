use sea_orm::entity::prelude::*;

use crate::CheckpointStatus;

/// One change of a checkpoint's status (append-only history).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "checkpoint_status_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub checkpoint_id: i32,
    pub status: CheckpointStatus,
    pub effective_from: DateTimeUtc,
    pub reason: Option<String>,
    /// "agency-code/subject".
    pub set_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

use crate::{QuarantineNoteKind, ViolationKind};

/// A supervision visit by the commune's team, or a violation recorded by police.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "quarantine_note")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub kind: QuarantineNoteKind,
    pub violation: Option<ViolationKind>,
    pub at: DateTimeUtc,
    /// On a visit: whether the person was there.
    pub present: Option<bool>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

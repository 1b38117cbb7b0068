use sea_orm::entity::prelude::*;

use crate::{CheckpointKind, CheckpointStatus};

/// A control post (road, station, port, border gate) in a district.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "checkpoint")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub district_id: i32,
    pub kind: CheckpointKind,
    /// Route and km marker, e.g. "QL1 Km468+150".
    pub route_marker: Option<String>,
    pub commune: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub status: CheckpointStatus,
    pub status_since: DateTimeUtc,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

use crate::AgencyKind;

/// An agency (health, police, a district committee, ...). `district_id` null means province level.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "agency")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    pub province_id: i32,
    pub district_id: Option<i32>,
    pub version: i32,
    /// When an administrator disabled it; its tokens are refused while set.
    pub disabled_at: Option<DateTimeUtc>,
    /// The sector a DEPARTMENT agency stands for (education, labour, ...); null for other kinds.
    pub sector: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::province::Entity",
        from = "Column::ProvinceId",
        to = "super::province::Column::Id"
    )]
    Province,
    #[sea_orm(
        belongs_to = "super::district::Entity",
        from = "Column::DistrictId",
        to = "super::district::Column::Id"
    )]
    District,
}

impl Related<super::district::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::District.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

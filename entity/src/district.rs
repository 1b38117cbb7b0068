use sea_orm::entity::prelude::*;

use crate::DistrictKind;

/// A district-level unit, keyed by its GSO code (e.g. "380"). Names are not unique.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "district")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// Lower-case name without diacritics, for search ("thanh hoa" finds "Thanh Hóa").
    pub search_name: String,
    pub kind: DistrictKind,
    pub province_id: i32,
    pub population: Option<i64>,
    pub population_year: Option<i32>,
    /// True when the population is an illustrative demo value, not an official figure.
    pub population_illustrative: bool,
    pub adults_18_plus: Option<i64>,
    pub treatment_beds: Option<i32>,
    pub intensive_care_beds: Option<i32>,
    pub version: i32,
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
}

impl Related<super::province::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Province.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

/// A lot of one vaccine held by one district. `doses_on_hand` equals the sum of the lot's stock events;
/// `doses_reserved` is held by approved transfers. The database enforces
/// `0 <= doses_reserved <= doses_on_hand`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "vaccine_lot")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub lot_number: String,
    pub vaccine_id: i32,
    pub district_id: i32,
    pub expires_on: Date,
    pub doses_on_hand: i64,
    pub doses_reserved: i64,
    /// Allocation decision or delivery note the lot arrived under.
    pub allocation_ref: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::vaccine::Entity",
        from = "Column::VaccineId",
        to = "super::vaccine::Column::Id"
    )]
    Vaccine,
    #[sea_orm(
        belongs_to = "super::district::Entity",
        from = "Column::DistrictId",
        to = "super::district::Column::Id"
    )]
    District,
}

impl Related<super::vaccine::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Vaccine.def()
    }
}

impl Related<super::district::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::District.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

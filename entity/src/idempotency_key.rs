use sea_orm::entity::prelude::*;

/// The first result of a creating request sent with an idempotency key, so a retry returns it instead of
/// creating a second record. Keys are per agency.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_key")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i32,
    pub key: String,
    pub operation: String,
    /// Hash of the request's input: the same key with another input is a conflict.
    pub request_hash: String,
    pub result_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

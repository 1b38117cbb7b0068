use sea_orm::entity::prelude::*;

/// An operation registered by an administrator for the operation allow-list, found by the SHA-256 of its
/// text (the hash clients send as `extensions.persistedQuery.sha256Hash`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "persisted_operation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Lower-case hex SHA-256 of `query`.
    #[sea_orm(unique)]
    pub hash: String,
    pub name: String,
    pub query: String,
    pub registered_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

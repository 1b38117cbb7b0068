use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersistedOperation {
    Table,
    Id,
    Hash,
    Name,
    Query,
    RegisteredBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PersistedOperation::Table)
                    .if_not_exists()
                    .col(pk_auto(PersistedOperation::Id))
                    .col(string_len_uniq(PersistedOperation::Hash, 64))
                    .col(string_len(PersistedOperation::Name, 200))
                    .col(text(PersistedOperation::Query))
                    .col(string_len(PersistedOperation::RegisteredBy, 300))
                    .col(timestamp_with_time_zone(PersistedOperation::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PersistedOperation::Table).to_owned())
            .await
    }
}

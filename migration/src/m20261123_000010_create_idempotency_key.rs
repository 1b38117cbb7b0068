use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    Id,
    AgencyId,
    Key,
    Operation,
    RequestHash,
    ResultId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKey::Table)
                    .if_not_exists()
                    .col(big_pk_auto(IdempotencyKey::Id))
                    .col(integer(IdempotencyKey::AgencyId))
                    .col(string_len(IdempotencyKey::Key, 128))
                    .col(string_len(IdempotencyKey::Operation, 64))
                    .col(string_len(IdempotencyKey::RequestHash, 64))
                    .col(big_integer(IdempotencyKey::ResultId))
                    .col(timestamp_with_time_zone(IdempotencyKey::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_idempotency_key_agency_key")
                    .table(IdempotencyKey::Table)
                    .col(IdempotencyKey::AgencyId)
                    .col(IdempotencyKey::Key)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKey::Table).to_owned())
            .await
    }
}

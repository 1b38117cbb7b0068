use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::timestamps;
use crate::m20261123_000003_create_agency::Agency;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    Jti,
    AgencyId,
    Subject,
    Role,
    IssuedBy,
    IssuedAt,
    ExpiresAt,
    RevokedAt,
    RevokedBy,
    LastUsedAt,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(ApiToken::Table)
            .if_not_exists()
            .col(pk_auto(ApiToken::Id))
            .col(string_len_uniq(ApiToken::Jti, 64))
            .col(integer(ApiToken::AgencyId))
            .col(string_len(ApiToken::Subject, 200))
            .col(string_len(ApiToken::Role, 16))
            .col(string_len(ApiToken::IssuedBy, 300))
            .col(timestamp_with_time_zone(ApiToken::IssuedAt))
            .col(timestamp_with_time_zone(ApiToken::ExpiresAt))
            .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
            .col(string_len_null(ApiToken::RevokedBy, 300))
            .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
            .col(string_len_null(ApiToken::Note, 500))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_api_token_agency")
                    .from(ApiToken::Table, ApiToken::AgencyId)
                    .to(Agency::Table, Agency::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_token_agency")
                    .table(ApiToken::Table)
                    .col(ApiToken::AgencyId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiToken::Table).to_owned())
            .await
    }
}

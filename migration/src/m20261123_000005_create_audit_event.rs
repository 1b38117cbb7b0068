use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    At,
    AgencyCode,
    Subject,
    Jti,
    Action,
    Entity,
    EntityId,
    Before,
    After,
    RequestId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .if_not_exists()
                    .col(big_pk_auto(AuditEvent::Id))
                    .col(timestamp_with_time_zone(AuditEvent::At))
                    .col(string_len(AuditEvent::AgencyCode, 64))
                    .col(string_len(AuditEvent::Subject, 200))
                    .col(string_len_null(AuditEvent::Jti, 64))
                    .col(string_len(AuditEvent::Action, 64))
                    .col(string_len(AuditEvent::Entity, 64))
                    .col(string_len(AuditEvent::EntityId, 64))
                    .col(json_null(AuditEvent::Before))
                    .col(json_null(AuditEvent::After))
                    .col(string_len_null(AuditEvent::RequestId, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_event_entity")
                    .table(AuditEvent::Table)
                    .col(AuditEvent::Entity)
                    .col(AuditEvent::EntityId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvent::Table).to_owned())
            .await
    }
}

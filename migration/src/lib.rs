//! Schema migrations, portable between SQLite and PostgreSQL. One change per file; never edit one that
//! has landed, add a new one.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20261123_000001_create_province;
mod m20261123_000002_create_district;
mod m20261123_000003_create_agency;
mod m20261123_000004_create_api_token;
mod m20261123_000005_create_audit_event;
mod m20261123_000006_create_vaccine;
mod m20261123_000007_create_vaccine_lot;
mod m20261123_000008_create_transfer;
mod m20261123_000009_create_stock_event;
mod m20261123_000010_create_idempotency_key;
mod m20261123_000011_seed_vaccines;
mod m20261123_000012_create_checkpoint;
mod m20261123_000013_create_checkpoint_status_change;
mod m20261123_000014_create_checkpoint_staff;
mod m20261123_000015_create_screening;
mod m20261123_000016_create_alert;
mod m20261123_000017_create_report_call;
mod m20261123_000018_create_report;
mod m20261123_000019_keyset_indexes;
mod m20261123_000020_create_persisted_operation;
mod m20261202_000021_seed_provinces;
mod m20261202_000022_create_commune;
mod m20261203_000201_create_live_event;
mod m20261203_000202_add_agency_disabled_at;
mod m20261203_000601_create_instance_marker;
mod m20261203_000602_add_api_token_kid;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_province::Migration),
            Box::new(m20261123_000002_create_district::Migration),
            Box::new(m20261123_000003_create_agency::Migration),
            Box::new(m20261123_000004_create_api_token::Migration),
            Box::new(m20261123_000005_create_audit_event::Migration),
            Box::new(m20261123_000006_create_vaccine::Migration),
            Box::new(m20261123_000007_create_vaccine_lot::Migration),
            Box::new(m20261123_000008_create_transfer::Migration),
            Box::new(m20261123_000009_create_stock_event::Migration),
            Box::new(m20261123_000010_create_idempotency_key::Migration),
            Box::new(m20261123_000011_seed_vaccines::Migration),
            Box::new(m20261123_000012_create_checkpoint::Migration),
            Box::new(m20261123_000013_create_checkpoint_status_change::Migration),
            Box::new(m20261123_000014_create_checkpoint_staff::Migration),
            Box::new(m20261123_000015_create_screening::Migration),
            Box::new(m20261123_000016_create_alert::Migration),
            Box::new(m20261123_000017_create_report_call::Migration),
            Box::new(m20261123_000018_create_report::Migration),
            Box::new(m20261123_000019_keyset_indexes::Migration),
            Box::new(m20261123_000020_create_persisted_operation::Migration),
            Box::new(m20261202_000021_seed_provinces::Migration),
            Box::new(m20261202_000022_create_commune::Migration),
            Box::new(m20261203_000201_create_live_event::Migration),
            Box::new(m20261203_000202_add_agency_disabled_at::Migration),
            Box::new(m20261203_000601_create_instance_marker::Migration),
            Box::new(m20261203_000602_add_api_token_kid::Migration),
        ]
    }
}

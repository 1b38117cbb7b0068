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
mod m20261203_000101_create_epidemic_area;
mod m20261203_000102_create_traveller;
mod m20261203_000103_create_follow_up;
mod m20261203_000104_create_follow_up_step;
mod m20261203_000105_add_alert_traveller_id;
mod m20261203_000106_add_alert_post_district_id;
mod m20261203_000107_add_alert_commune_id;
mod m20261203_000108_add_alert_outbound_province_code;
mod m20261203_000201_create_live_event;
mod m20261203_000202_add_agency_disabled_at;
mod m20261203_000301_add_report_age_group_figures;
mod m20261203_000302_create_report_commune_line;
mod m20261203_000303_create_epidemic_rule_table;
mod m20261203_000304_create_epidemic_level_declaration;
mod m20261203_000305_create_epidemic_level_declared_unit;
mod m20261203_000401_make_alert_screening_optional;
mod m20261203_000402_add_alert_origins;
mod m20261203_000403_create_quarantine_facility;
mod m20261203_000404_create_quarantine_case;
mod m20261203_000405_create_quarantine_test;
mod m20261203_000406_create_quarantine_note;
mod m20261203_000407_create_vessel_call;
mod m20261203_000408_create_crew_member;
mod m20261203_000409_create_crew_test;
mod m20261203_000410_create_testing_plan;
mod m20261203_000411_create_cohort_member;
mod m20261203_000412_create_cohort_test;
mod m20261203_000501_add_agency_sector;
mod m20261203_000502_create_form;
mod m20261203_000503_create_data_call;
mod m20261203_000504_create_call_answer;
mod m20261203_000505_create_compilation;
mod m20261203_000506_create_target;
mod m20261203_000507_create_responsible_head;
mod m20261203_000601_create_instance_marker;
mod m20261203_000602_add_api_token_kid;
mod m20261203_000701_add_report_adolescents_dose2;
mod m20261203_000702_create_adolescent_allocation;
mod m20261204_000101_create_auth_epoch;

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
            Box::new(m20261203_000101_create_epidemic_area::Migration),
            Box::new(m20261203_000102_create_traveller::Migration),
            Box::new(m20261203_000103_create_follow_up::Migration),
            Box::new(m20261203_000104_create_follow_up_step::Migration),
            Box::new(m20261203_000105_add_alert_traveller_id::Migration),
            Box::new(m20261203_000106_add_alert_post_district_id::Migration),
            Box::new(m20261203_000107_add_alert_commune_id::Migration),
            Box::new(m20261203_000108_add_alert_outbound_province_code::Migration),
            Box::new(m20261203_000201_create_live_event::Migration),
            Box::new(m20261203_000202_add_agency_disabled_at::Migration),
            Box::new(m20261203_000301_add_report_age_group_figures::Migration),
            Box::new(m20261203_000302_create_report_commune_line::Migration),
            Box::new(m20261203_000303_create_epidemic_rule_table::Migration),
            Box::new(m20261203_000304_create_epidemic_level_declaration::Migration),
            Box::new(m20261203_000305_create_epidemic_level_declared_unit::Migration),
            Box::new(m20261203_000401_make_alert_screening_optional::Migration),
            Box::new(m20261203_000402_add_alert_origins::Migration),
            Box::new(m20261203_000403_create_quarantine_facility::Migration),
            Box::new(m20261203_000404_create_quarantine_case::Migration),
            Box::new(m20261203_000405_create_quarantine_test::Migration),
            Box::new(m20261203_000406_create_quarantine_note::Migration),
            Box::new(m20261203_000407_create_vessel_call::Migration),
            Box::new(m20261203_000408_create_crew_member::Migration),
            Box::new(m20261203_000409_create_crew_test::Migration),
            Box::new(m20261203_000410_create_testing_plan::Migration),
            Box::new(m20261203_000411_create_cohort_member::Migration),
            Box::new(m20261203_000412_create_cohort_test::Migration),
            Box::new(m20261203_000501_add_agency_sector::Migration),
            Box::new(m20261203_000502_create_form::Migration),
            Box::new(m20261203_000503_create_data_call::Migration),
            Box::new(m20261203_000504_create_call_answer::Migration),
            Box::new(m20261203_000505_create_compilation::Migration),
            Box::new(m20261203_000506_create_target::Migration),
            Box::new(m20261203_000507_create_responsible_head::Migration),
            Box::new(m20261203_000601_create_instance_marker::Migration),
            Box::new(m20261203_000602_add_api_token_kid::Migration),
            Box::new(m20261203_000701_add_report_adolescents_dose2::Migration),
            Box::new(m20261203_000702_create_adolescent_allocation::Migration),
            Box::new(m20261204_000101_create_auth_epoch::Migration),
        ]
    }
}

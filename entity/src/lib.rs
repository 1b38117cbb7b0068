//! SeaORM entities of lienthong: one module per table, plus the enums stored as text.
//! Plain data only; rules, finders and permission checks live in the server's domain services.

pub mod agency;
pub mod alert;
pub mod api_token;
pub mod audit_event;
pub mod checkpoint;
pub mod checkpoint_staff;
pub mod checkpoint_status_change;
pub mod commune;
pub mod district;
pub mod enums;
pub mod epidemic_level_declaration;
pub mod epidemic_level_declared_unit;
pub mod epidemic_rule_table;
pub mod idempotency_key;
pub mod persisted_operation;
pub mod province;
pub mod report;
pub mod report_call;
pub mod report_commune_line;
pub mod screening;
pub mod stock_event;
pub mod transfer;
pub mod vaccine;
pub mod vaccine_lot;

pub use enums::*;
pub use epidemic_level_declared_unit::LevelUnitKind;

//! SeaORM entities of lienthong: one module per table, plus the enums stored as text.
//! Plain data only; rules, finders and permission checks live in the server's domain services.

pub mod agency;
pub mod alert;
pub mod api_token;
pub mod audit_event;
pub mod call_answer;
pub mod checkpoint;
pub mod checkpoint_staff;
pub mod checkpoint_status_change;
pub mod cohort_member;
pub mod cohort_test;
pub mod commune;
pub mod compilation;
pub mod crew_member;
pub mod crew_test;
pub mod data_call;
pub mod district;
pub mod enums;
pub mod epidemic_area;
pub mod follow_up;
pub mod follow_up_step;
pub mod form;
pub mod idempotency_key;
pub mod persisted_operation;
pub mod province;
pub mod quarantine_case;
pub mod quarantine_facility;
pub mod quarantine_note;
pub mod quarantine_test;
pub mod report;
pub mod report_call;
pub mod responsible_head;
pub mod screening;
pub mod stock_event;
pub mod target;
pub mod testing_plan;
pub mod transfer;
pub mod traveller;
pub mod vaccine;
pub mod vaccine_lot;
pub mod vessel_call;

pub use enums::*;
pub use epidemic_area::{AreaKind, AreaSource};
pub use follow_up::FollowUpStatus;
pub use traveller::DeclarationChannel;

//! lienthong: one permissioned, audited GraphQL API over the epidemic-response data that a province's
//! health, police and transport agencies, district committees and steering committee share.

pub mod admin;
pub mod areas;
pub mod audit;
pub mod auth;
pub mod checkpoints;
pub mod cli;
pub mod clock;
pub mod config;
mod csv_lines;
pub mod datacalls;
pub mod db;
pub mod demo;
pub mod districts;
pub mod error;
pub mod events;
pub mod followups;
pub mod graphql;
pub mod http_error;
pub mod http_import;
pub mod idempotency;
pub mod keyset;
pub mod kit;
pub mod levels;
pub mod live;
pub mod operation_text;
pub mod policy;
pub mod ports;
pub mod quarantine;
pub mod ratelimit;
pub mod reports;
pub mod runtime;
pub mod schema_version;
pub mod server;
pub mod state;
pub mod stock;
pub mod targets;
pub mod telemetry;
pub mod timeout_cause;
pub mod transfers;
pub mod travellers;

pub use graphql::{build_schema, sdl};
pub use server::build_app;
pub use state::AppState;

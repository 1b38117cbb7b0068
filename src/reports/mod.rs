//! Reports, report calls, deadlines, reconciliation between sources, epidemic levels.

pub mod csv;
pub mod graphql;
pub mod levels;
pub mod service;

//! Checkpoints, their status history and staffing, screenings, and the alerts screenings raise.

pub mod graphql;
pub mod loaders;
pub mod service;

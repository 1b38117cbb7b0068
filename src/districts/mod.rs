//! Districts: the reference list of district-level units and their health-system profile.

pub mod communes;
pub mod graphql;
pub mod import;
pub mod lookup;
pub mod service;

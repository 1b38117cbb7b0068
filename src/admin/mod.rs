//! Administration: agencies, access tokens and the audit log.

pub mod graphql;
pub mod operations;
pub mod service;

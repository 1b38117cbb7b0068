//! Vaccines, vaccine lots and the stock ledger.

pub mod graphql;
pub mod loaders;
pub mod service;

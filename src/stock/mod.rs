//! Vaccines, vaccine lots and the stock ledger.

pub mod service;

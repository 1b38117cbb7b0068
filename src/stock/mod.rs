//! Vaccines, vaccine lots and the stock ledger.
//!
//! - `catalog`: the vaccine products, read once at start-up.
//! - `lots`: allocations received into a district, and the lot a district holds under a number.
//! - `ledger`: every change to a lot's balance (doses given, wasted, counted, moved by transfers).
//! - `reads`: lots, ledger rows, stock per district, lots close to expiry.

pub mod catalog;
pub mod graphql;
pub mod ledger;
pub mod loaders;
pub mod lots;
pub mod reads;

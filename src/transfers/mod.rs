//! Transfers of doses between districts, and suggestions for moving surplus to shortage.

pub mod graphql;
pub mod rebalance;
pub mod service;

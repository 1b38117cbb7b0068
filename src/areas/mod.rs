//! Epidemic areas: the reference list of units an area or an origin names (`units`), the register of
//! areas with their levels and lockdowns and the rule that matches an origin against it (`register`),
//! and their GraphQL face.

pub mod graphql;
pub mod register;
pub mod units;

pub use register::record_declared;

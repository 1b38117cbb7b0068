//! Vaccination targets and accountability: targets per district and milestone, the heads answerable
//! for each district, reported coverage and its pace, and the milestone report.
//!
//! - `allocation`: the doses allocated for ages 15 to 17 and the share used
//! - `coverage`: each district's reported coverage and 7-day pace (also used by rebalancing)
//! - `settings`: setting targets and responsible heads
//! - `progress`: the milestone report and its CSV
//! - `graphql`: the GraphQL face

pub mod allocation;
pub mod coverage;
pub mod graphql;
pub mod progress;
pub mod settings;

//! Quarantine and isolation under supervision: facilities and their free places (`facilities`), cases
//! with their commitments and test schedules (`cases`), their tests and the overdue sweep (`schedule`),
//! supervision visits and violations (`supervision`), counts for the steering committee (`summary`),
//! the rules in force (`rules`), and their GraphQL face.

pub mod cases;
pub mod facilities;
pub mod graphql;
pub mod loaders;
pub mod rules;
pub mod schedule;
pub mod summary;
pub mod supervision;

//! Checkpoints: the posts with their status history and staff (`posts`), the screenings recorded at them
//! and who may read their personal fields (`screenings`), the alerts screenings raise for health
//! (`alerts`), the posts' figures (`stats`), and their GraphQL face.

pub mod alerts;
pub mod graphql;
pub mod loaders;
pub mod posts;
pub mod screenings;
pub mod stats;

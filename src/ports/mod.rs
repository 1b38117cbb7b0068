//! The port gate: vessel calls at seaport and inland-waterway checkpoints with their crews and tests
//! (`calls`), the cargo release derived from them (`release`), and cohort testing of port workers
//! (`cohorts`); their GraphQL face.

pub mod calls;
pub mod cohorts;
pub mod graphql;
pub mod release;

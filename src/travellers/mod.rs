//! Travellers: the people of a screening (a vehicle or a group). Checking and writing them with their
//! screening and matching their origin against the epidemic-area register (`record`), who may read their
//! personal fields (`personal`), one person's crossings across posts (`history`), the loaders of what
//! nests under them, and their GraphQL face.

pub mod graphql;
pub mod history;
pub mod identity;
pub mod loaders;
pub mod personal;
pub mod record;

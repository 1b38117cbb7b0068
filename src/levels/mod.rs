//! Epidemic levels (Resolution 128/NQ-CP, Decision 4800/QĐ-BYT) per commune, district and for the
//! province, per week: computed from the reports by the rule table in force, and declared by the
//! People's Committee. Every agency reads every unit's levels and their non-personal inputs.
//!
//! - `rules`: a rule table (dated data) and the pure computation of one level
//! - `rule_tables`: the tables in force over time; loading a province's own table
//! - `compute`: gathering the inputs of every unit for a week, the hold carried forward, counts and
//!   differences between computed and declared levels
//! - `declarations`: declared levels (`declareEpidemicLevels`) and the declaration in force
//! - `commune_lines`: the commune lines of a weekly report
//! - `graphql`: the GraphQL face

pub mod commune_lines;
pub mod compute;
pub mod declarations;
pub mod graphql;
pub mod rule_tables;
pub mod rules;

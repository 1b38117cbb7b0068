//! Reports: districts' figures by kind and period from two sources, their due times and workflow, report
//! calls, and the read models over them (reporting status, reconciliation, province summary). Epidemic
//! levels computed from these figures live in `crate::levels`.
//!
//! - `figures`: the table of the figures and their validation
//! - `deadlines`: due times and lateness
//! - `workflow`: save, submit, accept, return
//! - `calls`: report calls
//! - `read`: reports within the caller's reach
//! - `summary`: reporting status and the province summary
//! - `reconciliation`: where the two sources disagree
//! - `csv`, `export`: CSV import and export, and the `/export/reports.csv` route
//! - `graphql`: the GraphQL face

pub mod calls;
pub mod csv;
pub mod deadlines;
pub mod export;
pub mod figures;
pub mod graphql;
pub mod read;
pub mod reconciliation;
pub mod summary;
pub mod workflow;

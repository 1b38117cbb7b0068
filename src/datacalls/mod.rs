//! Data calls: forms as data, calls addressing a form to agencies of any kind and sector, their
//! answers, completeness and timeliness, the compiling agency's aggregate, and CSV per form.
//!
//! - `rules`: cross-field rules (`a + b <= c`)
//! - `forms`: forms and their validation; the built-in report kinds as forms
//! - `calls`: issuing calls and who they address
//! - `answers`: save, submit, accept, return
//! - `status`: completeness and timeliness per call, and the compiler's deliverable
//! - `compilation`: the aggregate built from the accepted answers, frozen when sent
//! - `csv`: answers as CSV, export and import
//! - `graphql`: the GraphQL face

pub mod answers;
pub mod calls;
pub mod compilation;
pub mod csv;
pub mod forms;
pub mod graphql;
pub mod rules;
pub mod status;

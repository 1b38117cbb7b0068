//! Administration: agencies, access tokens, the audit log and the persisted-operation allow-list, and
//! the command-line operator who administers them without a token.

pub mod agencies;
pub mod agency_status;
pub mod allow_list;
pub mod audit_log;
pub mod graphql;
pub mod operators;
pub mod token_rotation;
pub mod tokens;

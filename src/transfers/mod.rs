//! Transfers of doses between districts, and suggestions for moving surplus to shortage.
//!
//! - `request`: a request for doses, which opens a transfer.
//! - `workflow`: the steps after the request, one state machine.
//! - `reads`: lists, one transfer, its timeline, what a subscriber watches.
//! - `suggestions`: rebalancing suggestions (figures gathered here, decided in `rebalance`), and a
//!   suggestion turned into a request; `suggestion_id` is the id that links the two.

pub mod graphql;
pub mod reads;
pub mod rebalance;
pub mod request;
pub mod suggestion_id;
pub mod suggestions;
pub mod workflow;

//! The API test suite: every test goes through the real HTTP router (or a real socket), on SQLite, and on
//! PostgreSQL when `LIENTHONG_TEST_DATABASE_URL` is set.

// A test binary: a failed expectation should panic with its message.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod abuse;
mod admin;
mod agency_status;
mod auth;
mod authz_walk;
mod board;
mod checkpoints;
mod cli;
mod crash;
mod datacalls;
mod districts;
mod fast_path;
mod graphiql;
mod helpers;
mod http_media;
mod hygiene;
mod introspection;
mod key_rotation;
mod levels;
mod live;
mod live_node;
mod live_processes;
mod node_clients;
mod operations;
mod outage;
mod paging;
mod ports;
mod privacy;
mod production;
mod quarantine;
mod races;
mod reports;
mod returnees;
mod returnees_outbound;
mod returnees_quarantine;
mod revalidation;
mod schema;
mod security;
mod shutdown;
mod slow_clients;
mod statements;
mod stock;
mod targets;
mod template;
mod token_battery;
mod token_cache;
mod transfers;
mod ws;

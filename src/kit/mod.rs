//! The kit every domain service is built from: the context a service works in ([`Ctx`]: database,
//! events, clock, configuration, caller), the write transaction that carries its audit rows and events
//! to commit together ([`Write`]), finding a record by id or code, the versioned update, scoped reads
//! by id, scoped lists, and the checks of free text. One place for each of these, so that no service
//! writes its own.

mod context;
mod find;
mod list;
mod scoped;
mod text;
mod versioned;
mod write;

pub use context::Ctx;
pub use find::{Coded, Record, by_code, by_code_from, by_id, find_by, with_code};
pub(crate) use list::scoped_list;
pub use list::{Listing, ScopedList, list};
pub use scoped::get_scoped;
pub use text::{Text, text};
pub use versioned::{Versioned, check_version};
pub use write::Write;

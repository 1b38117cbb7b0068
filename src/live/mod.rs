//! What keeps subscriptions whole: the event log that numbers every event (cursors, replay after a
//! reconnect) and the registry of open sockets (limits per token, closing on revocation).

pub mod log;
pub mod sockets;

//! The open sockets of this process, by token: how many a token may hold, and the switch that closes
//! them when the token is revoked. Revocations travel as events (on PostgreSQL, through the same
//! notification path as every event), so every process closes its own sockets of that token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

use super::log;
use crate::error::{AppError, AppResult};
use crate::events::{DomainEvent, EventBus, Signal};

/// The sockets of one token: each socket's number, its token's agency and the switch that closes it.
type Held = Vec<(u64, i32, watch::Sender<bool>)>;

/// Open sockets by token id (jti).
#[derive(Debug, Default)]
pub struct Sockets {
    open: Mutex<HashMap<String, Held>>,
    next: std::sync::atomic::AtomicU64,
}

/// One registered socket; dropping it unregisters. [`SocketSlot::revoked`] resolves when its token is
/// revoked or its agency disabled.
#[derive(Debug)]
pub struct SocketSlot {
    sockets: Arc<Sockets>,
    jti: String,
    id: u64,
    revoked: watch::Receiver<bool>,
}

impl Sockets {
    /// Registers a socket of token `jti` of agency `agency_id`; LIMIT_EXCEEDED when the token holds
    /// `max` already.
    pub fn open(self: &Arc<Self>, jti: &str, agency_id: i32, max: usize) -> AppResult<SocketSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let held = open.entry(jti.to_owned()).or_default();
        if held.len() >= max {
            return Err(AppError::LimitExceeded(format!(
                "this token holds {max} open sockets already, the most allowed"
            )));
        }
        let id = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (sender, revoked) = watch::channel(false);
        held.push((id, agency_id, sender));
        metrics::gauge!("live_sockets_open").increment(1.0);
        Ok(SocketSlot {
            sockets: self.clone(),
            jti: jti.to_owned(),
            id,
            revoked,
        })
    }

    /// Closes every socket of token `jti` in this process.
    pub fn revoke(&self, jti: &str) {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        for (_, _, switch) in open.get(jti).into_iter().flatten() {
            let _ = switch.send(true);
        }
    }

    /// Closes every socket of every token of agency `agency_id` in this process.
    pub fn disable_agency(&self, agency_id: i32) {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        for (_, agency, switch) in open.values().flatten() {
            if *agency == agency_id {
                let _ = switch.send(true);
            }
        }
    }

    /// Follows revocations on the bus for as long as the process runs; after lost notifications, reads
    /// the revocations it missed from the event log.
    /// Where the log stands is read before this returns, so that no statement of this follower runs
    /// after the state is built, until a notification is lost.
    pub async fn follow(self: &Arc<Self>, bus: &EventBus, db: sea_orm::DatabaseConnection) {
        let mut receiver = bus.subscribe();
        let sockets = self.clone();
        let mut last = log::last_id(&db).await.unwrap_or(0);
        // PostgreSQL numbers skip on rolled-back writes, and its notifications carry every process's
        // events; SQLite numbers do not skip.
        let gaps_are_other_writers = db.get_database_backend() == sea_orm::DbBackend::Sqlite;
        tokio::spawn(async move {
            loop {
                match receiver.recv().await {
                    // With SQLite, events of other processes (the command line) reach no bus:
                    // a gap before this event's number is theirs, read from the log.
                    Ok(Signal::Event(logged)) if gaps_are_other_writers && logged.id > last + 1 => {
                        last = sockets.catch_up(&db, last).await.max(logged.id);
                        sockets.apply(&logged.event);
                    }
                    Ok(Signal::Event(logged)) => {
                        last = last.max(logged.id);
                        sockets.apply(&logged.event);
                    }
                    Ok(Signal::Resync) | Err(RecvError::Lagged(_)) => {
                        last = sockets.catch_up(&db, last).await;
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        });
    }

    /// Applies the logged events after `last`; returns the number of the last one read.
    async fn catch_up(&self, db: &sea_orm::DatabaseConnection, mut last: i64) -> i64 {
        match log::after(db, last, u32::MAX).await {
            Ok(missed) => {
                for logged in missed {
                    last = last.max(logged.id);
                    self.apply(&logged.event);
                }
            }
            Err(e) => tracing::warn!(error = %e, "revocations not re-read"),
        }
        last
    }

    fn apply(&self, event: &DomainEvent) {
        match event {
            DomainEvent::TokenRevoked { jti } => self.revoke(jti),
            DomainEvent::AgencyDisabled { agency_id } => self.disable_agency(*agency_id),
            _ => {}
        }
    }
}

impl SocketSlot {
    /// Resolves once the token of this socket is revoked.
    pub async fn revoked(&mut self) {
        let _ = self.revoked.wait_for(|revoked| *revoked).await;
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut open = self.sockets.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(held) = open.get_mut(&self.jti) {
            held.retain(|(id, _, _)| *id != self.id);
            if held.is_empty() {
                open.remove(&self.jti);
            }
        }
        metrics::gauge!("live_sockets_open").decrement(1.0);
    }
}

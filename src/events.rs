//! Domain events for subscriptions. Every event is first written to the event log (`crate::live::log`),
//! which numbers it; on PostgreSQL it is then sent with `pg_notify` inside the writing transaction, so it
//! is delivered exactly when (and only if) the change commits, to every server process that LISTENs, this
//! one included. On SQLite (one process) it is handed to local subscribers after commit. When the LISTEN
//! connection is lost (or, quiet, fails a probe), subscribers are told to [`Signal::Resync`] from the log
//! once it is back.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::error::{AppError, AppResult};

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "lienthong_events";

/// Something subscribers may want to hear about. Carries ids only: subscribers load what they may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DomainEvent {
    Transfer {
        transfer_id: i32,
        from_district_id: i32,
        to_district_id: i32,
    },
    Alert {
        alert_id: i64,
        district_id: i32,
        /// The district of the post that raised it, when another: its subscribers hear of it too.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        post_district_id: Option<i32>,
    },
    /// A follow-up was opened or took a step, at the destination district.
    FollowUp {
        follow_up_id: i64,
        district_id: i32,
    },
    Report {
        report_id: i32,
        district_id: i32,
    },
    /// The People's Committee declared epidemic levels.
    EpidemicLevelDeclared {
        declaration_id: i32,
    },
    /// A token was revoked: its open sockets close, on every server process.
    TokenRevoked {
        jti: String,
    },
    /// An agency was disabled: the open sockets of all its tokens close, on every server process.
    AgencyDisabled {
        agency_id: i32,
    },
}

/// An event with its number in the event log (commit order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    pub id: i64,
    pub event: DomainEvent,
}

/// What the bus carries to subscribers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    Event(Logged),
    /// Notifications may have been lost (the LISTEN connection dropped and is back): read the log
    /// after the last event seen.
    Resync,
}

/// Fan-out to this process's subscribers. Slow subscribers lose the oldest events rather than slowing
/// writers.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Signal>,
    through_postgres: bool,
    auth: AuthChanges,
}

/// What the bus knows of changes that can end a token's validity (revocations, agencies disabled),
/// for the verified-token cache (`crate::auth::cache`): a generation moved by each one heard, and
/// whether every one is heard (false on PostgreSQL while the notification connection is down).
#[derive(Debug, Clone)]
pub struct AuthChanges(Arc<(AtomicU64, AtomicBool)>);

impl AuthChanges {
    pub fn generation(&self) -> u64 {
        self.0.0.load(Ordering::Acquire)
    }

    pub fn heard_all(&self) -> bool {
        self.0.1.load(Ordering::Acquire)
    }

    pub fn bump(&self) {
        self.0.0.fetch_add(1, Ordering::AcqRel);
    }

    fn hearing(&self, all: bool) {
        self.0.1.store(all, Ordering::Release);
        self.bump();
    }

    fn heard(&self, event: &DomainEvent) {
        if matches!(
            event,
            DomainEvent::TokenRevoked { .. } | DomainEvent::AgencyDisabled { .. }
        ) {
            self.bump();
        }
    }
}

impl EventBus {
    pub fn new(backend: DatabaseBackend) -> EventBus {
        let through_postgres = backend == DatabaseBackend::Postgres;
        EventBus {
            sender: broadcast::channel(1024).0,
            through_postgres,
            // On PostgreSQL other processes' changes are heard only once `listen` is up.
            auth: AuthChanges(Arc::new((
                AtomicU64::new(0),
                AtomicBool::new(!through_postgres),
            ))),
        }
    }

    pub fn auth_changes(&self) -> AuthChanges {
        self.auth.clone()
    }

    /// Inside the writing transaction: on PostgreSQL, queue the notification for commit.
    pub async fn stage(&self, txn: &DatabaseTransaction, event: &Logged) -> AppResult<()> {
        if self.through_postgres {
            let payload = serde_json::to_string(event)
                .map_err(|e| AppError::Internal(format!("event: {e}")))?;
            let notify = Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            );
            txn.execute_raw(notify).await?;
        }
        Ok(())
    }

    /// After commit: on SQLite, deliver to this process's subscribers (PostgreSQL delivers by itself).
    /// Also after commit: this process's token cache hears its own revocations at once, whatever the
    /// backend.
    pub fn committed(&self, event: Logged) {
        self.auth.heard(&event.event);
        if !self.through_postgres {
            self.deliver(Signal::Event(event));
        }
    }

    fn deliver(&self, signal: Signal) {
        if let Signal::Event(logged) = &signal {
            self.auth.heard(&logged.event);
        }
        // No subscriber is not an error.
        let _ = self.sender.send(signal);
    }

    fn resync(&self) {
        tracing::info!("event listener back: subscribers catch up from the event log");
        metrics::counter!("live_listener_reconnects_total").increment(1);
        self.deliver(Signal::Resync);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.sender.subscribe()
    }

    /// On PostgreSQL: LISTEN now (so nothing committed from here on is missed), then relay notifications
    /// to local subscribers in the background. After a lost connection the listener connects and LISTENs
    /// again, then signals [`Signal::Resync`] so subscribers read what they missed from the log. It keeps
    /// a connection of its own, outside the request pool.
    pub async fn listen(&self, database_url: &str) -> AppResult<()> {
        if !self.through_postgres {
            return Ok(());
        }
        let mut listener = listener(database_url).await?;
        self.auth.hearing(true);
        let bus = self.clone();
        let url = database_url.to_owned();
        tokio::spawn(async move {
            loop {
                let lost = tokio::select! {
                    received = listener.try_recv() => match received {
                        Ok(Some(note)) => {
                            match serde_json::from_str::<Logged>(note.payload()) {
                                Ok(event) => bus.deliver(Signal::Event(event)),
                                Err(e) => tracing::warn!(error = %e, "unreadable event notification"),
                            }
                            continue;
                        }
                        Ok(None) => "connection lost".to_owned(),
                        Err(e) => e.to_string(),
                    },
                    // Quiet for a while: ask the connection itself, so that one that died without a
                    // word from the network is known lost within PROBE_EVERY + PROBE_WITHIN.
                    () = tokio::time::sleep(PROBE_EVERY) => match probe(&mut listener).await {
                        Ok(()) => continue,
                        Err(lost) => lost,
                    },
                };
                // Notifications may be lost from here until a new connection LISTENs: the token cache
                // stays off meanwhile, and subscribers read what they missed from the log after.
                bus.auth.hearing(false);
                tracing::warn!(error = %lost, "event listener interrupted; reconnecting");
                listener = relisten(&url).await;
                bus.auth.hearing(true);
                bus.resync();
            }
        });
        Ok(())
    }
}

/// How long the notification connection may stay quiet before it is probed, and how long the probe may
/// take.
const PROBE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
const PROBE_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

/// One trivial statement on the LISTEN connection; an error or no answer in time means it is lost.
async fn probe(listener: &mut sea_orm::sqlx::postgres::PgListener) -> Result<(), String> {
    let asked = sea_orm::sqlx::query("SELECT 1").execute(&mut *listener);
    match tokio::time::timeout(PROBE_WITHIN, asked).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer to a probe within {PROBE_WITHIN:?}")),
    }
}

async fn listener(database_url: &str) -> AppResult<sea_orm::sqlx::postgres::PgListener> {
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect(database_url)
        .await
        .map_err(|e| AppError::Internal(format!("listen: {e}")))?;
    listener
        .listen(CHANNEL)
        .await
        .map_err(|e| AppError::Internal(format!("listen: {e}")))?;
    Ok(listener)
}

/// A new LISTEN connection, retried until the database answers.
async fn relisten(database_url: &str) -> sea_orm::sqlx::postgres::PgListener {
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        match listener(database_url).await {
            Ok(listener) => return listener,
            Err(e) => tracing::warn!(error = %e, "event listener still down"),
        }
    }
}

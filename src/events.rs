//! Domain events for subscriptions. On PostgreSQL an event is sent with `pg_notify` inside the writing
//! transaction, so it is delivered exactly when (and only if) the change commits, to every server process
//! that LISTENs, this one included. On SQLite (one process) it is handed to local subscribers after
//! commit.

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
    },
    Report {
        report_id: i32,
        district_id: i32,
    },
}

/// Fan-out to this process's subscribers. Slow subscribers lose the oldest events rather than slowing
/// writers.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<DomainEvent>,
    through_postgres: bool,
}

impl EventBus {
    pub fn new(backend: DatabaseBackend) -> EventBus {
        EventBus {
            sender: broadcast::channel(1024).0,
            through_postgres: backend == DatabaseBackend::Postgres,
        }
    }

    /// Inside the writing transaction: on PostgreSQL, queue the notification for commit.
    pub async fn stage(&self, txn: &DatabaseTransaction, event: &DomainEvent) -> AppResult<()> {
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
    pub fn committed(&self, event: DomainEvent) {
        if !self.through_postgres {
            self.deliver(event);
        }
    }

    fn deliver(&self, event: DomainEvent) {
        // No subscriber is not an error.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<DomainEvent> {
        self.sender.subscribe()
    }

    /// On PostgreSQL: LISTEN now (so nothing committed from here on is missed), then relay notifications
    /// to local subscribers in the background; the listener reconnects by itself after a lost connection.
    /// It keeps a connection of its own, outside the request pool.
    pub async fn listen(&self, database_url: &str) -> AppResult<()> {
        if !self.through_postgres {
            return Ok(());
        }
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect(database_url)
            .await
            .map_err(|e| AppError::Internal(format!("listen: {e}")))?;
        listener
            .listen(CHANNEL)
            .await
            .map_err(|e| AppError::Internal(format!("listen: {e}")))?;
        let bus = self.clone();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(note) => match serde_json::from_str::<DomainEvent>(note.payload()) {
                        Ok(event) => bus.deliver(event),
                        Err(e) => tracing::warn!(error = %e, "unreadable event notification"),
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "event listener interrupted; reconnecting");
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                }
            }
        });
        Ok(())
    }
}

//! Database connection, migrations and write transactions, the same on SQLite and PostgreSQL.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::config::Config;
use crate::error::AppResult;

/// Opens the pool. Acquiring a connection waits at most `db_acquire_timeout`, then fails, so a request
/// answers UNAVAILABLE quickly instead of hanging.
pub async fn connect(config: &Config) -> AppResult<DatabaseConnection> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.db_max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(config.db_acquire_timeout)
        .idle_timeout(Duration::from_secs(300))
        // The pool's default pings every connection it hands out: a round trip per statement, a third
        // of a one-statement request's exchanges with the database. Only a connection left idle long
        // enough for a proxy or firewall to have dropped it is checked; one that broke while in use
        // fails its statement, answers UNAVAILABLE and is closed (see `error::is_unavailable`).
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        })
        .map_sqlx_postgres_opts(with_planner_costs);
    Ok(Database::connect(options).await?)
}

/// How long a pooled connection may sit unused before it is pinged on its way out of the pool.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(10);

/// The cost PostgreSQL's planner gives a page read out of order, for this server's sessions. Its
/// default, 4, models a spinning disk; with it, the nested lists' reads (the first lots of each of 30
/// districts) walk the primary key and filter out 28 of every 29 rows, because lots of different
/// districts interleave by id, instead of reading each district's range of its (district, id) index:
/// the database spent twice the CPU per request. 1.1 is the usual figure for SSDs and for a working set
/// held in memory. A `random_page_cost` the database URL's `options` sets is kept.
const PG_RANDOM_PAGE_COST: &str = "1.1";

fn with_planner_costs(
    options: sea_orm::sqlx::postgres::PgConnectOptions,
) -> sea_orm::sqlx::postgres::PgConnectOptions {
    if options
        .get_options()
        .is_some_and(|set| set.contains("random_page_cost"))
    {
        return options;
    }
    options.options([("random_page_cost", PG_RANDOM_PAGE_COST)])
}

/// Brings the schema up to date. Safe to run at every start and from several processes in turn.
pub async fn migrate(db: &DatabaseConnection) -> AppResult<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// A write transaction. Derefs to the transaction; commit it, or drop it to roll back.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    // Held until the transaction ends: SQLite writers of this process queue here.
    _turn: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    pub async fn commit(self) -> AppResult<()> {
        Ok(self.txn.commit().await?)
    }

    pub async fn rollback(self) -> AppResult<()> {
        Ok(self.txn.rollback().await?)
    }
}

/// One queue per SQLite file. SQLite has one writer at a time; writers that find the lock taken sleep
/// and retry with growing pauses, which under load gives long tails. Queuing them here instead hands the
/// lock over in order, at once. (Other processes on the same file still meet the busy timeout.)
fn sqlite_writer_queue(db: &DatabaseConnection) -> Option<Arc<Mutex<()>>> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return None;
    }
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_path_buf();
    static QUEUES: OnceLock<std::sync::Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>> = OnceLock::new();
    let mut queues = QUEUES.get_or_init(Default::default).lock().ok()?;
    Some(queues.entry(file).or_default().clone())
}

/// Begins a write transaction. On SQLite it is IMMEDIATE: it takes the write lock up front, so a
/// read-then-write transaction cannot fail half-way with SQLITE_BUSY in WAL mode.
pub async fn begin_write(db: &DatabaseConnection) -> AppResult<WriteTxn> {
    let turn = match sqlite_writer_queue(db) {
        Some(queue) => Some(queue.lock_owned().await),
        None => None,
    };
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    Ok(WriteTxn {
        txn: db.begin_with_options(options).await?,
        _turn: turn,
    })
}

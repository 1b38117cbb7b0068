//! Application state, built once at start-up and cloned (cheaply) into every handler.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::DatabaseConnection;

use crate::auth::cache::TokenCache;
use crate::auth::{Actor, Keys, TokenUsage};
use crate::clock::Clock;
use crate::config::Config;
use crate::error::AppResult;
use crate::events::EventBus;
use crate::kit::Ctx;
use crate::live::sockets::Sockets;
use crate::ratelimit::RateLimiter;
use crate::stock::catalog::VaccineCatalog;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
    pub token_usage: Arc<TokenUsage>,
    /// Tokens verified before, with their actors (`auth::cache`).
    pub tokens: Arc<TokenCache>,
    pub rate_limiter: Arc<RateLimiter>,
    pub events: EventBus,
    pub clock: Clock,
    pub vaccines: Arc<VaccineCatalog>,
    /// SQL statements executed through the pool since start (exported as `db_statements_total`).
    pub sql_statements: Arc<AtomicU64>,
    /// Open `/graphql/ws` sockets of this process, by token.
    pub sockets: Arc<Sockets>,
}

impl AppState {
    /// Connects, migrates and loads the signing keys.
    pub async fn build(config: Config) -> AppResult<AppState> {
        let db = crate::db::connect(&config).await?;
        crate::db::migrate(&db).await?;
        AppState::with_db(config, db).await
    }

    /// State over an open, migrated connection; starts listening for events on PostgreSQL.
    pub async fn with_db(config: Config, db: DatabaseConnection) -> AppResult<AppState> {
        let state = AppState::open(config, db).await?;
        state.events.listen(&state.config.database_url).await?;
        // Where the token change counter stands before any token is verified (SQLite).
        state.tokens.refresh(&state.db).await?;
        state.sockets.follow(&state.events, state.db.clone()).await;
        Ok(state)
    }

    /// State over an open, migrated connection that does not listen for other processes' events: for
    /// the command line, which writes and exits.
    pub async fn open(config: Config, mut db: DatabaseConnection) -> AppResult<AppState> {
        let sql_statements = Arc::new(AtomicU64::new(0));
        let counter = sql_statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let keys = Keys::load(&config)?;
        let vaccines = VaccineCatalog::load(&db).await?;
        let rate_limiter = RateLimiter::per_minute(config.rate_limit_per_minute);
        let events = EventBus::new(db.get_database_backend());
        let tokens = TokenCache::new(&events);
        Ok(AppState {
            db,
            config: Arc::new(config),
            keys: Arc::new(keys),
            token_usage: Arc::new(TokenUsage::default()),
            tokens,
            rate_limiter: Arc::new(rate_limiter),
            events,
            clock: Clock::default(),
            vaccines: Arc::new(vaccines),
            sql_statements,
            sockets: Arc::new(Sockets::default()),
        })
    }
}

impl AppState {
    /// The context in which `actor`'s work runs.
    pub fn ctx<'a>(&'a self, actor: &'a Actor) -> Ctx<'a> {
        Ctx {
            db: &self.db,
            events: &self.events,
            clock: &self.clock,
            config: &self.config,
            actor,
        }
    }

    /// SQL statements executed through the pool so far.
    pub fn statements_executed(&self) -> u64 {
        self.sql_statements.load(Ordering::Relaxed)
    }
}

//! Application state, built once at start-up and cloned (cheaply) into every handler.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::{Keys, TokenUsage};
use crate::config::Config;
use crate::error::AppResult;
use crate::events::EventBus;
use crate::ratelimit::RateLimiter;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
    pub token_usage: Arc<TokenUsage>,
    pub rate_limiter: Arc<RateLimiter>,
    pub events: EventBus,
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
        let keys = Keys::load(&config)?;
        let rate_limiter = RateLimiter::per_minute(config.rate_limit_per_minute);
        let events = EventBus::new(db.get_database_backend());
        events.listen(&config.database_url).await?;
        Ok(AppState {
            db,
            config: Arc::new(config),
            keys: Arc::new(keys),
            token_usage: Arc::new(TokenUsage::default()),
            rate_limiter: Arc::new(rate_limiter),
            events,
        })
    }
}

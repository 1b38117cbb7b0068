//! Tokens verified before, remembered with their actor, so that a request with a known token costs no
//! signature check and no query. Nothing here may outlive a revocation:
//!
//! - every change that can end a token's validity (a revocation, an agency disabled) moves a generation
//!   counter, and an entry counts only for the generation it was loaded in;
//! - this process's own changes move it as they commit ([`EventBus::committed`]), before the response
//!   that reports them;
//! - other processes' changes: on PostgreSQL they arrive as notifications, and while the notification
//!   connection is down nothing is served from the cache; on SQLite (where the only other writer is the
//!   command line) a trigger counts every such change in `auth_epoch`, read on each request in place of
//!   the token query;
//! - an entry lapses at its token's expiry.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use super::Actor;
use crate::error::AppResult;
use crate::events::{AuthChanges, EventBus};

/// Tokens remembered at most; past it, entries of old generations go, then all.
const CAPACITY: usize = 4096;

#[derive(Debug)]
struct Entry {
    actor: Actor,
    /// The token's `exp` (seconds since the epoch).
    expires: i64,
    generation: u64,
}

/// The verified-token cache of one server process.
#[derive(Debug)]
pub struct TokenCache {
    entries: RwLock<HashMap<Box<str>, Entry>>,
    changes: AuthChanges,
    /// SQLite: the last value of `auth_epoch` read.
    epoch: AtomicI64,
}

/// Where a request stands with the cache: the generation its lookup saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    generation: u64,
}

impl TokenCache {
    pub fn new(events: &EventBus) -> Arc<TokenCache> {
        Arc::new(TokenCache {
            entries: RwLock::new(HashMap::new()),
            changes: events.auth_changes(),
            epoch: AtomicI64::new(i64::MIN),
        })
    }

    /// The generation as this process knows it, without asking the database.
    pub fn current(&self) -> Lookup {
        Lookup {
            generation: self.changes.generation(),
        }
    }

    /// Brings the cache up to date with other processes' changes (on SQLite, one read of the counter;
    /// on PostgreSQL they arrive by themselves) and returns where the request stands. A cached entry
    /// counts only if this equals the lookup it was found with.
    pub async fn refresh(&self, db: &DatabaseConnection) -> AppResult<Lookup> {
        if db.get_database_backend() == DatabaseBackend::Sqlite {
            let epoch = read_epoch(db).await?;
            if self.epoch.swap(epoch, Ordering::AcqRel) != epoch {
                self.changes.bump();
            }
        }
        Ok(self.current())
    }

    /// The actor of `token`, if it was verified in this generation and has not expired.
    pub fn get(&self, token: &str, at: Lookup) -> Option<Actor> {
        if !self.changes.heard_all() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(token)?;
        (entry.generation == at.generation && entry.expires > Utc::now().timestamp())
            .then(|| entry.actor.clone())
    }

    /// Remembers `token`, verified and loaded since `at`, unless something changed meanwhile.
    pub fn put(&self, token: &str, actor: &Actor, expires: i64, at: Lookup) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        // Checked under the lock: a change that lands after this check is a new generation, which
        // this entry does not count for.
        if !self.changes.heard_all() || self.changes.generation() != at.generation {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.retain(|_, entry| entry.generation == at.generation);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        let mut actor = actor.clone();
        actor.request_id = None;
        entries.insert(
            token.into(),
            Entry {
                actor,
                expires,
                generation: at.generation,
            },
        );
    }
}

async fn read_epoch(db: &DatabaseConnection) -> AppResult<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT value FROM auth_epoch WHERE id = 1",
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get_by_index::<i64>(0)?,
        None => 0,
    })
}

#[cfg(test)]
mod tests {
    use entity::{AgencyKind, Role};
    use sea_orm::DatabaseBackend;

    use super::*;

    fn actor() -> Actor {
        let mut actor = Actor::for_tests(AgencyKind::Health, Role::Viewer, 1, None);
        actor.jti = Some("jti-1".into());
        actor
    }

    fn now() -> i64 {
        Utc::now().timestamp()
    }

    fn lookup(cache: &TokenCache) -> Lookup {
        cache.current()
    }

    #[test]
    fn a_token_counts_until_a_change_or_its_expiry() {
        let events = EventBus::new(DatabaseBackend::Sqlite);
        let cache = TokenCache::new(&events);
        let at = lookup(&cache);
        assert_eq!(cache.get("t", at), None);
        cache.put("t", &actor(), now() + 60, at);
        assert_eq!(cache.get("t", at), Some(actor()));
        assert_eq!(cache.get("other", at), None);

        // Any revocation or disabled agency heard ends every entry.
        events.auth_changes().bump();
        let after = lookup(&cache);
        assert_eq!(cache.get("t", after), None);

        // An expired token is never served.
        cache.put("t", &actor(), now() - 1, after);
        assert_eq!(cache.get("t", after), None);
    }

    #[test]
    fn a_token_loaded_across_a_change_is_not_kept() {
        let events = EventBus::new(DatabaseBackend::Sqlite);
        let cache = TokenCache::new(&events);
        let before = lookup(&cache);
        // The change lands between the token's query and its entry.
        events.auth_changes().bump();
        cache.put("t", &actor(), now() + 60, before);
        assert_eq!(cache.get("t", lookup(&cache)), None);
        assert!(cache.entries.read().unwrap().is_empty());
    }

    #[test]
    fn nothing_is_served_until_postgres_notifications_are_heard() {
        // On PostgreSQL the bus hears other processes only once it listens; until then (and while the
        // connection is down) the cache neither serves nor keeps.
        let events = EventBus::new(DatabaseBackend::Postgres);
        let cache = TokenCache::new(&events);
        let at = lookup(&cache);
        cache.put("t", &actor(), now() + 60, at);
        assert_eq!(cache.get("t", at), None);
        assert!(cache.entries.read().unwrap().is_empty());
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let events = EventBus::new(DatabaseBackend::Sqlite);
        let cache = TokenCache::new(&events);
        let at = lookup(&cache);
        for i in 0..CAPACITY + 10 {
            cache.put(&format!("t{i}"), &actor(), now() + 60, at);
        }
        let held = cache.entries.read().unwrap().len();
        assert!(held <= CAPACITY, "{held}");
        assert_eq!(cache.get(&format!("t{}", CAPACITY + 9), at), Some(actor()));
    }
}

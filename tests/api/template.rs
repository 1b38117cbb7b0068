//! Fixture templates: each fixture is migrated and loaded once per test process, into a SQLite file or a
//! PostgreSQL database, and every test starts from a copy of it (a file copy, or `CREATE DATABASE ...
//! TEMPLATE`). The demo tokens are issued in the template, signed with the test secret, and kept here in
//! plain text.
//!
//! A process marks its templates as its own with a lock it holds until it ends (a file lock on SQLite, a
//! session advisory lock on PostgreSQL); building a template first removes the templates of processes
//! that have ended.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;
use lienthong::{AppState, db, demo};
use sea_orm::sqlx::{self, Connection};
use sea_orm::{ConnectionTrait, Database};

use crate::helpers::test_config;

/// What a test starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fixture {
    /// Migrations, the demo's districts and agencies, and the demo tokens.
    Places,
    /// The whole demo set: the places, stock and transfers, checkpoints and screenings, reports.
    Demo,
}

impl Fixture {
    fn name(self) -> &'static str {
        match self {
            Fixture::Places => "places",
            Fixture::Demo => "demo",
        }
    }

    /// Loads the fixture into a migrated, empty database and returns the demo tokens by agency code.
    pub async fn load(self, state: &AppState) -> HashMap<String, String> {
        demo::seed_places(state, "test").await.expect("places");
        if self == Fixture::Demo {
            demo::seed_activity(state).await.expect("demo activity");
        }
        demo::issue_tokens(state, "test")
            .await
            .expect("tokens")
            .into_iter()
            .map(|t| (t.agency, t.token))
            .collect()
    }
}

/// A loaded fixture to copy from.
pub struct Template {
    /// The SQLite file, or the PostgreSQL database's name.
    pub source: String,
    pub tokens: HashMap<String, String>,
}

/// Where a test's database lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Server {
    Sqlite,
    /// The administration URL of a PostgreSQL server.
    Postgres(String),
}

/// The template of `fixture` for today (the demo is dated relative to the day it is loaded), built on
/// first use. Blocks the calling thread while it is built.
pub fn template(server: &Server, fixture: Fixture) -> Arc<Template> {
    type Cells = HashMap<(Server, Fixture, NaiveDate), Arc<OnceLock<Arc<Template>>>>;
    static CELLS: OnceLock<Mutex<Cells>> = OnceLock::new();
    let key = (server.clone(), fixture, lienthong::clock::today());
    let cell = CELLS
        .get_or_init(Default::default)
        .lock()
        .expect("templates")
        .entry(key.clone())
        .or_default()
        .clone();
    cell.get_or_init(|| {
        // The build needs a runtime of its own: the caller is a test's runtime thread.
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(build(&key.0, key.1, key.2))
        })
        .join()
        .expect("template built")
    })
    .clone()
}

/// This process's mark, in template names.
fn process_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| uuid::Uuid::new_v4().simple().to_string()[..12].to_owned())
}

async fn build(server: &Server, fixture: Fixture, day: NaiveDate) -> Arc<Template> {
    let label = format!(
        "{}_{}_{}",
        process_id(),
        fixture.name(),
        day.format("%Y%m%d")
    );
    let (url, source) = match server {
        Server::Sqlite => {
            let path = sqlite_dir().join(format!("{label}.db"));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            (url, path.display().to_string())
        }
        Server::Postgres(admin_url) => {
            claim_postgres(admin_url);
            let name = format!("lienthong_tpl_{label}");
            on_server(admin_url, &format!("CREATE DATABASE {name}")).await;
            (database_url(admin_url, &name), name)
        }
    };
    let config = test_config(&url);
    let conn = db::connect(&config).await.expect("connect");
    db::migrate(&conn).await.expect("migrate");
    let state = AppState::open(config, conn).await.expect("app state");
    let tokens = fixture.load(&state).await;
    if *server == Server::Sqlite {
        // Everything into the main file, so that a copy of that file alone is the whole database.
        state
            .db
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .expect("checkpoint");
    }
    let AppState { db, .. } = state;
    db.close().await.expect("close");
    Arc::new(Template { source, tokens })
}

/// Runs one statement on the PostgreSQL server of `admin_url` (creating a database, say).
pub async fn on_server(admin_url: &str, sql: &str) {
    let admin = Database::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    admin
        .execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    admin.close().await.ok();
}

/// `admin_url` with its database name replaced by `name`.
pub fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url, |(base, _)| base);
    format!("{base}/{name}")
}

/// The directory of SQLite templates, swept of those whose process has ended; this process's lock
/// file is taken first.
fn sqlite_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join("lienthong-templates");
        std::fs::create_dir_all(&dir).expect("template directory");
        // Held (open and locked) until the process ends.
        static LOCK: OnceLock<std::fs::File> = OnceLock::new();
        let lock = std::fs::File::create_new(dir.join(format!("{}.lock", process_id())))
            .expect("lock file");
        lock.lock().expect("lock");
        LOCK.get_or_init(|| lock);
        sweep_sqlite(&dir);
        dir
    })
    .clone()
}

/// Removes the templates whose process's lock file is no longer locked (and not just made: its process
/// may not have locked it yet).
fn sweep_sqlite(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(owner) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".lock"))
            .map(str::to_owned)
        else {
            continue;
        };
        let settled = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|at| at.elapsed().is_ok_and(|age| age.as_secs() > 60));
        let free = owner != process_id()
            && settled
            && std::fs::File::open(&path).is_ok_and(|file| file.try_lock().is_ok());
        if !free {
            continue;
        }
        for other in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = other.file_name();
            if name.to_string_lossy().starts_with(&format!("{owner}_")) {
                let _ = std::fs::remove_file(other.path());
            }
        }
        let _ = std::fs::remove_file(&path);
    }
}

/// On PostgreSQL, takes this process's advisory lock (on a connection kept open until the process
/// ends) and drops the templates of processes that no longer hold theirs. Runs once per process, before
/// its first template is created.
fn claim_postgres(admin_url: &str) {
    static CLAIMED: OnceLock<()> = OnceLock::new();
    CLAIMED.get_or_init(|| {
        let url = admin_url.to_owned();
        let (done, claimed) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let mut keeper = sqlx::PgConnection::connect(&url)
                    .await
                    .expect("connect to PostgreSQL");
                sqlx::query("SELECT pg_advisory_lock(hashtext($1))")
                    .bind(format!("lienthong_tpl_{}", process_id()))
                    .execute(&mut keeper)
                    .await
                    .expect("advisory lock");
                sweep_postgres(&url).await;
                let _ = done.send(());
                // The lock lives as long as this connection, which lives as long as the process.
                std::future::pending::<()>().await;
                drop(keeper);
            });
        });
        claimed.recv().expect("PostgreSQL claimed");
    });
}

async fn sweep_postgres(admin_url: &str) {
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'lienthong\\_tpl\\_%'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("templates");
    for name in names {
        let Some(owner) = name.get(..26) else {
            continue;
        };
        if owner.ends_with(process_id()) {
            continue;
        }
        let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext($1))")
            .bind(owner)
            .fetch_one(&mut conn)
            .await
            .expect("try lock");
        if free {
            let drop = format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                name.replace('"', "\"\"")
            );
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
                .execute(&mut conn)
                .await;
            let _ = sqlx::query("SELECT pg_advisory_unlock(hashtext($1))")
                .bind(owner)
                .execute(&mut conn)
                .await;
        }
    }
    let _ = conn.close().await;
}

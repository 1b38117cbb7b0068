//! `lienthong-bench`: measures the server as clients see it, over real HTTP on loopback, in a release
//! build. Prints figures; asserts nothing.
//!
//! - `scale`: the province-scale benchmark (cases A to E at each concurrency, case D again at the full
//!   screening count).
//! - `transfers`: transfer cycles on one lot from concurrent clients, per step.
//! - `abuse`: ordinary traffic's latency alone and while abusive requests run.
//! - `peer-token` / `peer-serve`: this server's side of `../shared/bench/peer-bench.sh` (see
//!   `bench/peer.sh`).

mod abuse;
mod abuse_catalog;
mod dataset;
mod scale;
mod server;
mod transfers;

use std::os::unix::process::CommandExt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use lienthong::auth::Keys;
use lienthong::config::Config;
use lienthong::db;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

#[derive(Parser)]
#[command(
    name = "lienthong-bench",
    about = "Load benchmarks for lienthong (release build)"
)]
struct Args {
    #[command(subcommand)]
    case: Case,
}

#[derive(Subcommand)]
enum Case {
    /// Province scale: 30 districts, 3,000 lots, 30,000 transfers, screenings; cases A to E.
    Scale {
        /// PostgreSQL server URL (e.g. postgres://postgres@127.0.0.1:5432/postgres); a database is made
        /// for the run and dropped after. Without it, a fresh SQLite file is used.
        #[arg(long)]
        postgres: Option<String>,
        /// Screenings at the end (case D is measured at 10,000 first, then at this count).
        #[arg(long, default_value_t = 1_000_000)]
        screenings: i64,
        /// Seconds of measured load per case and concurrency.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent clients, one run each.
        #[arg(long, value_delimiter = ',', default_value = "16,64")]
        concurrency: Vec<usize>,
        /// Cases to run, by letter (e.g. `AB`).
        #[arg(long, default_value = "ABCDE")]
        cases: String,
    },
    /// Transfer cycles: request -> approve -> dispatch -> receive, all on one lot.
    Transfers {
        #[arg(long)]
        postgres: Option<String>,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Ordinary traffic's p50/p99 alone, then while attackers send abusive requests back to back.
    Abuse {
        #[arg(long)]
        postgres: Option<String>,
        /// Seconds of each measured run.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Ordinary clients.
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Attackers, each sending the abusive requests one after another.
        #[arg(long, default_value_t = 4)]
        attackers: usize,
    },
    /// Prints the bearer token `peer-serve` accepts (valid for 30 days from today's midnight UTC).
    PeerToken,
    /// Loads database `lienthong_peer` on the peer's cluster (`PEER_PG_URL`) at the peer's scale, then
    /// runs `lienthong serve` on it.
    PeerServe {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
    },
}

const PEER_JTI: &str = "peer-bench";

/// Issue time of the peer token: today's midnight, so the token can be computed before its row exists.
fn peer_issued() -> DateTime<Utc> {
    Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map_or_else(Utc::now, |t| t.and_utc())
}

fn bench_keys() -> Result<Keys, Box<dyn std::error::Error>> {
    let mut config = Config::new("sqlite::memory:");
    config.jwt_secret = Some(dataset::SECRET.into());
    Ok(Keys::load(&config)?)
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// A database made for one run: a SQLite file, or a database on a PostgreSQL server.
pub struct ScratchDb {
    pub url: String,
    pub engine: &'static str,
    admin: Option<(DatabaseConnection, String)>,
}

impl ScratchDb {
    pub async fn create(postgres: Option<&str>) -> Result<ScratchDb, Box<dyn std::error::Error>> {
        let run = uuid::Uuid::new_v4().simple().to_string();
        Ok(match postgres {
            Some(server) => {
                let name = format!("lienthong_bench_{run}");
                ScratchDb {
                    url: create_pg_database(server, &name).await?,
                    engine: "PostgreSQL",
                    admin: Some((Database::connect(server).await?, name)),
                }
            }
            None => {
                let path = std::env::temp_dir().join(format!("lienthong-bench-{run}.db"));
                ScratchDb {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    engine: "SQLite",
                    admin: None,
                }
            }
        })
    }

    pub async fn drop_now(self) {
        match self.admin {
            Some((admin, name)) => {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
            }
            None => {
                let path = self
                    .url
                    .trim_start_matches("sqlite://")
                    .trim_end_matches("?mode=rwc")
                    .to_owned();
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
        }
    }
}

/// (Re)creates database `name` on the server at `server` and returns its URL.
async fn create_pg_database(
    server: &str,
    name: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let admin = Database::connect(server).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await.ok();
    let base = server.trim_end_matches('/');
    let base = match base
        .strip_prefix("postgres://")
        .and_then(|r| r.split_once('/'))
    {
        Some((host, _)) => format!("postgres://{host}"),
        None => base.to_owned(),
    };
    Ok(format!("{base}/{name}"))
}

async fn peer_serve(bind: &str) -> Result<(), Box<dyn std::error::Error>> {
    let cluster = std::env::var("PEER_PG_URL").map_err(|_| "PEER_PG_URL is not set")?;
    let url = create_pg_database(
        &format!("{}/postgres", cluster.trim_end_matches('/')),
        "lienthong_peer",
    )
    .await?;
    let conn = db::connect(&Config::new(url.clone())).await?;
    db::migrate(&conn).await?;
    dataset::load_province(&conn, Utc::now()).await?;
    dataset::store_token(&conn, &bench_keys()?, PEER_JTI, peer_issued()).await?;
    conn.execute_unprepared("ANALYZE").await?;
    conn.close().await.ok();
    let binary = std::env::current_exe()?.with_file_name("lienthong");
    let error = std::process::Command::new(binary)
        .args(["serve", "--database-url", &url, "--bind", bind])
        .env("LIENTHONG_JWT_SECRET", dataset::SECRET)
        .env("LIENTHONG_RATE_LIMIT_PER_MINUTE", "1000000000")
        .env("LIENTHONG_LOG", "warn")
        .exec();
    Err(error.into())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Args::parse().case {
        Case::Scale {
            postgres,
            screenings,
            seconds,
            concurrency,
            cases,
        } => {
            scale::run(scale::Options {
                postgres,
                screenings,
                seconds,
                concurrency,
                cases,
            })
            .await
        }
        Case::Transfers {
            postgres,
            clients,
            seconds,
        } => transfers::run(postgres, clients, seconds).await,
        Case::Abuse {
            postgres,
            seconds,
            clients,
            attackers,
        } => {
            abuse::run(abuse::Options {
                postgres,
                seconds,
                clients,
                attackers,
            })
            .await
        }
        Case::PeerToken => {
            println!(
                "{}",
                dataset::sign(&bench_keys()?, PEER_JTI, peer_issued())?
            );
            Ok(())
        }
        Case::PeerServe { bind } => peer_serve(&bind).await,
    }
}

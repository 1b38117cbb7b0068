//! Transfer cycles (request, approve, dispatch, receive) from concurrent clients against a fresh
//! database loaded with the demo set, all on one lot (the worst case for contention). Reports per step:
//! throughput, p50, p99, errors, and the SQL statements one step executes (authentication included).

use std::sync::Arc;
use std::time::{Duration, Instant};

use lienthong::auth::Actor;
use lienthong::config::Config;
use lienthong::stock::ledger::MAX_DOSES;
use lienthong::stock::lots::{self, ReceiveLot};
use lienthong::{AppState, db, demo, server};
use serde_json::{Value, json};

use crate::scale::Http;
use crate::{ScratchDb, percentile};

const STEPS: [&str; 4] = [
    "requestTransfer",
    "approveTransfer",
    "dispatchTransfer",
    "receiveTransfer",
];

fn operation(step: usize, lot: i32, id: i64) -> (String, Value) {
    let query = match step {
        0 => {
            "mutation($lot: Int!) { requestTransfer(input: { lotId: $lot, toDistrictCode: \"381\", doses: 1 }) { transfer { id } } }"
        }
        1 => "mutation($id: Int!) { approveTransfer(input: { id: $id }) { transfer { id } } }",
        2 => "mutation($id: Int!) { dispatchTransfer(input: { id: $id }) { transfer { id } } }",
        _ => {
            "mutation($id: Int!) { receiveTransfer(input: { id: $id, dosesReceived: 1 }) { transfer { id } } }"
        }
    };
    (query.to_owned(), json!({ "lot": lot, "id": id }))
}

/// Runs one step; returns the transfer id it acted on.
async fn step(http: &Http, step: usize, lot: i32, id: i64) -> Result<i64, String> {
    let (query, vars) = operation(step, lot, id);
    let body = http.query(&query, vars).await?;
    body["data"][STEPS[step]]["transfer"]["id"]
        .as_i64()
        .ok_or_else(|| format!("no id in {body}"))
}

pub async fn run(
    postgres: Option<String>,
    clients: usize,
    seconds: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let scratch = ScratchDb::create(postgres.as_deref()).await?;
    let engine = scratch.engine;
    let run = uuid::Uuid::new_v4().simple().to_string();
    let mut config = Config::new(scratch.url.clone());
    config.jwt_secret = Some(format!("bench-secret-{run}-{run}"));
    config.rate_limit_per_minute = u32::MAX;
    config.db_max_connections = 16;
    let conn = db::connect(&config).await?;
    db::migrate(&conn).await?;
    let state = AppState::with_db(config, conn).await?;
    let tokens = demo::load(&state, "bench").await?;
    let token = tokens
        .iter()
        .find(|t| t.agency == "health")
        .map(|t| t.token.clone())
        .ok_or("no health token")?;
    let health = lienthong::admin::agencies::by_code(&state.db, "health").await?;
    let actor = Actor::acting_as(&health, None, entity::Role::Approver, "bench");
    let receipt = ReceiveLot {
        district_code: "380".into(),
        vaccine_code: "MODERNA".into(),
        lot_number: "BENCH-1".into(),
        expires_on: state.clock.today() + chrono::Duration::days(90),
        doses: MAX_DOSES,
        allocation_ref: None,
        idempotency_key: None,
    };
    let (lot, _) = lots::receive_lot(&state.ctx(&actor), receipt).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server::serve(state.clone(), listener, async move {
        let _ = stopped.await;
    }));
    let http = Arc::new(Http::new(&format!("http://{addr}"), &token, clients));

    // SQL statements of each step, measured alone.
    let mut per_step = [0_u64; 4];
    let mut id = 0;
    for (step_no, count) in per_step.iter_mut().enumerate() {
        let before = state.statements_executed();
        id = step(&http, step_no, lot.id, id).await?;
        *count = state.statements_executed() - before;
    }

    // Warm-up, then the measured run.
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let http = http.clone();
            tokio::spawn(async move {
                let mut latencies: [Vec<Duration>; 4] = Default::default();
                let mut errors = [0_u64; 4];
                while Instant::now() < deadline {
                    let mut id = 0;
                    for step_no in 0..4 {
                        let started = Instant::now();
                        match step(&http, step_no, lot.id, id).await {
                            Ok(next) => {
                                latencies[step_no].push(started.elapsed());
                                id = next;
                            }
                            Err(_) => {
                                errors[step_no] += 1;
                                break;
                            }
                        }
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let started = Instant::now();
    let mut latencies: [Vec<Duration>; 4] = Default::default();
    let mut errors = [0_u64; 4];
    for worker in workers {
        let (l, e) = worker.await?;
        for step in 0..4 {
            latencies[step].extend(&l[step]);
            errors[step] += e[step];
        }
    }
    let elapsed = started.elapsed().as_secs_f64();

    println!(
        "transfer steps on {engine}, {clients} concurrent clients, {seconds} s, release build"
    );
    println!(
        "{:<18} {:>8} {:>9} {:>9} {:>9} {:>7} {:>11}",
        "step", "done", "steps/s", "p50 ms", "p99 ms", "errors", "statements"
    );
    for step in 0..4 {
        let l = &mut latencies[step];
        l.sort();
        println!(
            "{:<18} {:>8} {:>9.0} {:>9.2} {:>9.2} {:>7} {:>11}",
            STEPS[step],
            l.len(),
            l.len() as f64 / elapsed,
            percentile(l, 0.50).as_secs_f64() * 1000.0,
            percentile(l, 0.99).as_secs_f64() * 1000.0,
            errors[step],
            per_step[step]
        );
    }
    println!(
        "(statements: SQL statements one step executes, measured alone, including authentication)"
    );

    let _ = stop.send(());
    let _ = serving.await;
    state.db.clone().close().await.ok();
    scratch.drop_now().await;
    Ok(())
}

//! A `lienthong serve` process killed with SIGKILL while clients write loses no acknowledged write and
//! leaves no transfer half-done. Each cycle starts the real binary, writes from several clients for a
//! random 100-600 ms (transfer requests and steps, lot receipts, stock counts; most idempotency-keyed),
//! kills the process mid-write, then checks the database. The next start retries the keyed writes the
//! kill cut off. Three cycles by default; `LIENTHONG_CRASH_CYCLES=20` for the long run, and
//! `LIENTHONG_CRASH_SEED` (printed by each run) repeats a run's kill delays and client choices.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{ServerProcess, TestApp};

const REQUEST: &str =
    "mutation($i: RequestTransferInput!) { requestTransfer(input: $i) { transfer { id status } } }";
const APPROVE: &str =
    "mutation($id: Int!) { approveTransfer(input: { id: $id }) { transfer { id status } } }";
const DISPATCH: &str =
    "mutation($id: Int!) { dispatchTransfer(input: { id: $id }) { transfer { id status } } }";
const RECEIVE: &str = "mutation($id: Int!, $n: Int!, $r: String) { receiveTransfer(input: { id: $id, dosesReceived: $n, shortfallReason: $r }) { transfer { id status } } }";
const RECEIVE_LOT: &str = "mutation($i: ReceiveLotInput!) { receiveLot(input: $i) { lot { id version } event { id doses } } }";
const ADJUST: &str = "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { lot { id version } event { id doses } } }";

const CLIENTS: usize = 4;
const DESTINATIONS: [&str; 5] = ["380", "381", "382", "386", "390"];

/// A write whose response came back with data and no errors.
#[derive(Debug, Clone)]
enum Ack {
    Request {
        id: i64,
        key: String,
    },
    Step {
        id: i64,
        step: &'static str,
    },
    Stock {
        action: &'static str,
        operation: &'static str,
        event_id: i64,
        lot_id: i64,
        version: i64,
        doses: i64,
        key: String,
    },
}

/// A keyed write the kill cut off: it may or may not have committed.
#[derive(Debug, Clone)]
struct Pending {
    query: &'static str,
    variables: Value,
}

type Client = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    Full<Bytes>,
>;

#[derive(Clone)]
struct Http {
    client: Client,
    addr: std::net::SocketAddr,
    token: Arc<String>,
}

impl Http {
    fn new(addr: std::net::SocketAddr, token: &str) -> Http {
        Http {
            client: hyper_util::client::legacy::Client::builder(
                hyper_util::rt::TokioExecutor::new(),
            )
            .build_http(),
            addr,
            token: Arc::new(token.to_owned()),
        }
    }

    /// The response body, or None when the connection failed (the server is gone).
    async fn gql(&self, query: &str, variables: &Value) -> Option<Value> {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let request = axum::http::Request::post(format!("http://{}/graphql", self.addr))
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {}", self.token))
            .body(Full::new(Bytes::from(body)))
            .expect("request");
        let response = self.client.request(request).await.ok()?;
        let bytes = response.into_body().collect().await.ok()?.to_bytes();
        Some(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn wait_ready(&self) {
        for _ in 0..300 {
            let request = axum::http::Request::get(format!("http://{}/readyz", self.addr))
                .body(Full::new(Bytes::new()))
                .expect("request");
            if let Ok(r) = self.client.request(request).await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server never became ready");
    }
}

fn succeeded(body: &Value) -> bool {
    body.get("errors").is_none() && body["data"].is_object()
}

fn error_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

/// What one client did in one cycle.
#[derive(Default)]
struct Outcome {
    acks: Vec<Ack>,
    pending: Vec<Pending>,
    internal_errors: Vec<String>,
}

struct ClientPlan {
    no: usize,
    cycle: usize,
    seed: u64,
    sources: Arc<Vec<(i64, String)>>,
    /// Transfers this client carries on: (id, status, doses).
    open: Vec<(i64, String, i64)>,
    /// This client's own lot (only it receives into and counts it), once known.
    lot: Option<i64>,
    lot_number: String,
    district: &'static str,
}

fn stock_ack(
    body: &Value,
    field: &str,
    action: &'static str,
    operation: &'static str,
    key: String,
) -> Option<Ack> {
    let node = &body["data"][field];
    Some(Ack::Stock {
        action,
        operation,
        event_id: node["event"]["id"].as_i64()?,
        lot_id: node["lot"]["id"].as_i64()?,
        version: node["lot"]["version"].as_i64()?,
        doses: node["event"]["doses"].as_i64()?,
        key,
    })
}

/// Writes until the server stops answering.
async fn run_client(http: Http, mut plan: ClientPlan) -> Outcome {
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let mut out = Outcome::default();
    let expires = (lienthong::clock::today() + chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    for n in 0.. {
        let key = format!("crash-{}-{}-{n}", plan.cycle, plan.no);
        let pick = rng.random_range(0..10);
        let advance = (3..=6).contains(&pick) && !plan.open.is_empty();
        let (query, variables, keyed) = if advance {
            let i = rng.random_range(0..plan.open.len());
            let (id, status, doses) = plan.open[i].clone();
            match status.as_str() {
                "REQUESTED" => (APPROVE, json!({ "id": id }), false),
                "APPROVED" => (DISPATCH, json!({ "id": id }), false),
                _ if rng.random_bool(0.3) => (
                    RECEIVE,
                    json!({ "id": id, "n": doses - 1, "r": "one vial broken" }),
                    false,
                ),
                _ => (RECEIVE, json!({ "id": id, "n": doses }), false),
            }
        } else if pick <= 6 {
            let (lot, from) = &plan.sources[rng.random_range(0..plan.sources.len())];
            let to = DESTINATIONS
                .iter()
                .find(|d| **d != from.as_str() && rng.random_bool(0.5))
                .unwrap_or(if from == "381" { &"382" } else { &"381" });
            let doses = rng.random_range(2..6);
            let i = json!({ "lotId": lot, "toDistrictCode": to, "doses": doses, "idempotencyKey": key });
            (REQUEST, json!({ "i": i }), true)
        } else if pick <= 8 || plan.lot.is_none() {
            let i = json!({ "districtCode": plan.district, "vaccineCode": "MODERNA", "lotNumber": plan.lot_number, "expiresOn": expires, "doses": rng.random_range(1..50), "idempotencyKey": key });
            (RECEIVE_LOT, json!({ "i": i }), true)
        } else {
            let i = json!({ "lotId": plan.lot, "countedDoses": rng.random_range(0..400), "reason": "crash test count", "idempotencyKey": key });
            (ADJUST, json!({ "i": i }), true)
        };
        let Some(body) = http.gql(query, &variables).await else {
            if keyed {
                out.pending.push(Pending { query, variables });
            }
            return out;
        };
        if !succeeded(&body) {
            let code = error_code(&body);
            if code == "INTERNAL" || code.is_empty() {
                out.internal_errors.push(body.to_string());
            }
            continue;
        }
        let ack = match query {
            REQUEST => {
                let id = body["data"]["requestTransfer"]["transfer"]["id"]
                    .as_i64()
                    .expect("id");
                let doses = variables["i"]["doses"].as_i64().expect("doses");
                plan.open.push((id, "REQUESTED".into(), doses));
                Ack::Request { id, key }
            }
            RECEIVE_LOT => {
                let ack = stock_ack(&body, "receiveLot", "stock.receive", "receiveLot", key)
                    .expect("receipt");
                if let Ack::Stock { lot_id, .. } = ack {
                    plan.lot = Some(lot_id);
                }
                ack
            }
            ADJUST => {
                stock_ack(&body, "adjustStock", "stock.adjust", "adjustStock", key).expect("count")
            }
            _ => {
                let id = variables["id"].as_i64().expect("id");
                let (field, step) = match query {
                    APPROVE => ("approveTransfer", "approve"),
                    DISPATCH => ("dispatchTransfer", "dispatch"),
                    _ => ("receiveTransfer", "receive"),
                };
                let status = body["data"][field]["transfer"]["status"]
                    .as_str()
                    .expect("status")
                    .to_owned();
                let i = plan.open.iter().position(|t| t.0 == id).expect("open");
                if status == "RECEIVED" {
                    plan.open.remove(i);
                } else {
                    plan.open[i].1 = status;
                }
                Ack::Step { id, step }
            }
        };
        out.acks.push(ack);
    }
    out
}

async fn rows(app: &TestApp, sql: &str) -> Vec<sea_orm::QueryResult> {
    let db = &app.state.db;
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .expect(sql)
}

fn rank(status: &str) -> u8 {
    match status {
        "REQUESTED" => 1,
        "APPROVED" => 2,
        "DISPATCHED" => 3,
        "RECEIVED" => 4,
        _ => 0,
    }
}

/// The acknowledged writes missing from the database (or from the audit log), described.
async fn lost_writes(app: &TestApp, acks: &[Ack]) -> Vec<String> {
    let mut transfers = HashMap::new();
    for r in rows(app, "SELECT CAST(id AS BIGINT) AS id, status FROM transfer").await {
        let id: i64 = r.try_get("", "id").expect("id");
        let status: String = r.try_get("", "status").expect("status");
        transfers.insert(id, status);
    }
    let mut events = HashMap::new();
    for r in rows(app, "SELECT CAST(id AS BIGINT) AS id, CAST(lot_id AS BIGINT) AS lot_id, CAST(doses AS BIGINT) AS doses FROM stock_event").await {
        let id: i64 = r.try_get("", "id").expect("id");
        let lot: i64 = r.try_get("", "lot_id").expect("lot");
        let doses: i64 = r.try_get("", "doses").expect("doses");
        events.insert(id, (lot, doses));
    }
    let mut keys = HashMap::new();
    for r in rows(app, "SELECT k.key AS key, k.operation AS operation, CAST(k.result_id AS BIGINT) AS result_id FROM idempotency_key k WHERE k.key LIKE 'crash-%'").await {
        let key: String = r.try_get("", "key").expect("key");
        let operation: String = r.try_get("", "operation").expect("operation");
        let result: i64 = r.try_get("", "result_id").expect("result");
        keys.insert(key, (operation, result));
    }
    // Audit rows by (action, entity id, lot version after; 0 for transfers).
    let mut audited = HashSet::new();
    for r in rows(app, "SELECT action, entity_id, CAST(after AS TEXT) AS after FROM audit_event WHERE action LIKE 'transfer.%' OR action LIKE 'stock.%'").await {
        let action: String = r.try_get("", "action").expect("action");
        let entity: String = r.try_get("", "entity_id").expect("entity");
        let after: Option<String> = r.try_get("", "after").expect("after");
        let version = if action.starts_with("stock.") {
            after
                .and_then(|a| serde_json::from_str::<Value>(&a).ok())
                .and_then(|a| a["version"].as_i64())
                .unwrap_or(-1)
        } else {
            0
        };
        audited.insert((action, entity, version));
    }
    let mut lost = Vec::new();
    for ack in acks {
        let found = match ack {
            Ack::Request { id, key } => {
                transfers.contains_key(id)
                    && keys.get(key) == Some(&("requestTransfer".into(), *id))
                    && audited.contains(&("transfer.request".into(), id.to_string(), 0))
            }
            Ack::Step { id, step } => {
                let needed = match *step {
                    "approve" => 2,
                    "dispatch" => 3,
                    _ => 4,
                };
                transfers.get(id).is_some_and(|s| rank(s) >= needed)
                    && audited.contains(&(format!("transfer.{step}"), id.to_string(), 0))
            }
            Ack::Stock {
                action,
                operation,
                event_id,
                lot_id,
                version,
                doses,
                key,
            } => {
                events.get(event_id) == Some(&(*lot_id, *doses))
                    && keys.get(key) == Some(&((*operation).into(), *event_id))
                    && audited.contains(&((*action).into(), lot_id.to_string(), *version))
            }
        };
        if !found {
            lost.push(format!("{ack:?}"));
        }
    }
    lost
}

/// Transfers made by this test whose rows disagree with their status: ledger rows, step stamps,
/// audit rows, and the idempotency key that made each.
async fn half_done_transfers(app: &TestApp, first_id: i64) -> i64 {
    let audit = |action: &str| {
        format!(
            "(SELECT COUNT(*) FROM audit_event a WHERE a.entity = 'transfer' AND a.action = '{action}' AND a.entity_id = CAST(t.id AS VARCHAR(20)))"
        )
    };
    let ledger = |kind: &str, sign: &str| {
        format!(
            "(SELECT COUNT(*) FROM stock_event e WHERE e.transfer_id = t.id AND e.kind = '{kind}' AND e.doses = {sign}t.doses)"
        )
    };
    let wasted = "(SELECT COALESCE(SUM(-e.doses), 0) FROM stock_event e WHERE e.transfer_id = t.id AND e.kind = 'WASTED')";
    let all_rows = "(SELECT COUNT(*) FROM stock_event e WHERE e.transfer_id = t.id)";
    let sql = format!(
        "SELECT COUNT(*) AS n FROM transfer t WHERE t.id >= {first_id} AND NOT (
            {req} = 1
            AND (SELECT COUNT(*) FROM idempotency_key k WHERE k.operation = 'requestTransfer' AND k.result_id = t.id) = 1
            AND CASE t.status
                WHEN 'REQUESTED' THEN t.approved_at IS NULL AND {approve} = 0 AND {all_rows} = 0
                WHEN 'APPROVED' THEN t.approved_at IS NOT NULL AND t.dispatched_at IS NULL AND {approve} = 1 AND {dispatch} = 0 AND {all_rows} = 0
                WHEN 'DISPATCHED' THEN t.dispatched_at IS NOT NULL AND t.received_at IS NULL AND {approve} = 1 AND {dispatch} = 1 AND {receive} = 0
                    AND {out} = 1 AND {all_rows} = 1
                WHEN 'RECEIVED' THEN t.received_at IS NOT NULL AND t.to_lot_id IS NOT NULL AND {approve} = 1 AND {dispatch} = 1 AND {receive} = 1
                    AND {out} = 1 AND {inn} = 1 AND {wasted} = t.doses - t.doses_received
                    AND {all_rows} = CASE WHEN t.doses_received = t.doses THEN 2 ELSE 3 END
                ELSE 1 = 0
            END)",
        req = audit("transfer.request"),
        approve = audit("transfer.approve"),
        dispatch = audit("transfer.dispatch"),
        receive = audit("transfer.receive"),
        out = ledger("TRANSFER_OUT", "-"),
        inn = ledger("TRANSFER_IN", ""),
    );
    app.scalar(&sql).await
}

/// Keyed writes each landed once: one ledger row per key on the test's lots, one transfer per key.
async fn unkeyed_rows(app: &TestApp, first_id: i64) -> i64 {
    let receipts = app.scalar("SELECT CAST(ABS((SELECT COUNT(*) FROM stock_event e JOIN vaccine_lot l ON l.id = e.lot_id WHERE l.lot_number LIKE 'CRASH-%') - (SELECT COUNT(*) FROM idempotency_key WHERE key LIKE 'crash-%' AND operation IN ('receiveLot', 'adjustStock'))) AS BIGINT) AS n").await;
    let requests = app.scalar(&format!("SELECT CAST(ABS((SELECT COUNT(*) FROM transfer WHERE id >= {first_id}) - (SELECT COUNT(*) FROM idempotency_key WHERE key LIKE 'crash-%' AND operation = 'requestTransfer')) AS BIGINT) AS n")).await;
    receipts + requests
}

/// Re-sends the keyed writes the last kill cut off; each must now answer with its one result.
async fn retry_pending(http: &Http, pending: &[Pending]) -> (Vec<Ack>, Vec<String>) {
    let mut acks = Vec::new();
    let mut problems = Vec::new();
    for p in pending {
        let key = p.variables["i"]["idempotencyKey"]
            .as_str()
            .expect("key")
            .to_owned();
        let body = http.gql(p.query, &p.variables).await.expect("server up");
        if !succeeded(&body) {
            // Refused now (e.g. the stock moved meanwhile) is fine if it never committed; checked below
            // by the one-row-per-key count. An internal error is not.
            let code = error_code(&body);
            if code == "INTERNAL" || code.is_empty() {
                problems.push(format!("retry of {key}: {body}"));
            }
            continue;
        }
        let ack = match p.query {
            REQUEST => body["data"]["requestTransfer"]["transfer"]["id"]
                .as_i64()
                .map(|id| Ack::Request { id, key }),
            RECEIVE_LOT => stock_ack(&body, "receiveLot", "stock.receive", "receiveLot", key),
            _ => stock_ack(&body, "adjustStock", "stock.adjust", "adjustStock", key),
        };
        match ack {
            Some(ack) => acks.push(ack),
            None => problems.push(format!("retry answered without ids: {body}")),
        }
    }
    (acks, problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_killed_with_sigkill_loses_no_acknowledged_write() {
    let cycles: usize = std::env::var("LIENTHONG_CRASH_CYCLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let seed: u64 = std::env::var("LIENTHONG_CRASH_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| rand::rng().random());
    eprintln!("crash seed {seed} (LIENTHONG_CRASH_SEED repeats kill delays and client choices)");
    let mut rng = StdRng::seed_from_u64(seed);
    let app = TestApp::spawn().await;
    let token = app.token("health");
    let first_id = app
        .scalar("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) AS n FROM transfer")
        .await;
    // Far from expiry, so no step of the long run meets an expired lot.
    let fresh = (lienthong::clock::today() + chrono::Duration::days(30)).format("%Y-%m-%d");
    let sources: Vec<(i64, String)> = rows(&app, &format!("SELECT CAST(l.id AS BIGINT) AS id, d.code AS code FROM vaccine_lot l JOIN district d ON d.id = l.district_id WHERE l.expires_on > '{fresh}' AND l.doses_on_hand - l.doses_reserved > 1000 ORDER BY l.doses_on_hand DESC, l.id LIMIT 4")).await
        .iter()
        .map(|r| (r.try_get("", "id").expect("id"), r.try_get("", "code").expect("code")))
        .collect();
    assert_eq!(sources.len(), 4, "the demo set has well-stocked lots");
    let sources = Arc::new(sources);

    let mut acks: Vec<Ack> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut lots: Vec<Option<i64>> = vec![None; CLIENTS];
    let mut problems: Vec<String> = Vec::new();
    let mut half_done = 0;
    let mut lost: Vec<String> = Vec::new();
    let mut cut_off = 0;
    for cycle in 0..=cycles {
        let server = ServerProcess::start(
            &app.db.url,
            // The workload, not the limiter, is under test.
            &["--rate-limit-per-minute", "1000000"],
        );
        let http = Http::new(server.addr, &token);
        http.wait_ready().await;
        let (retried, retry_problems) = retry_pending(&http, &pending).await;
        acks.extend(retried);
        problems.extend(retry_problems);
        cut_off += pending.len();
        pending.clear();
        if cycle == cycles {
            // The last start only retries and is checked below.
            server.kill();
        } else {
            let mut open: Vec<Vec<(i64, String, i64)>> = vec![Vec::new(); CLIENTS];
            for r in rows(&app, &format!("SELECT CAST(id AS BIGINT) AS id, status, CAST(doses AS BIGINT) AS doses FROM transfer WHERE id >= {first_id} AND status IN ('REQUESTED', 'APPROVED', 'DISPATCHED')")).await {
                let id: i64 = r.try_get("", "id").expect("id");
                open[usize::try_from(id).expect("id") % CLIENTS].push((
                    id,
                    r.try_get("", "status").expect("status"),
                    r.try_get("", "doses").expect("doses"),
                ));
            }
            let clients: Vec<_> = open
                .into_iter()
                .enumerate()
                .map(|(no, open)| {
                    let plan = ClientPlan {
                        no,
                        cycle,
                        seed: rng.random(),
                        sources: sources.clone(),
                        open,
                        lot: lots[no],
                        lot_number: format!("CRASH-{no}"),
                        district: DESTINATIONS[no % DESTINATIONS.len()],
                    };
                    tokio::spawn(run_client(http.clone(), plan))
                })
                .collect();
            tokio::time::sleep(Duration::from_millis(rng.random_range(100..=600))).await;
            server.kill();
            for client in clients {
                let out = client.await.expect("client");
                for ack in &out.acks {
                    if let Ack::Stock {
                        operation: "receiveLot",
                        lot_id,
                        key,
                        ..
                    } = ack
                    {
                        let no: usize = key
                            .split('-')
                            .nth(2)
                            .and_then(|n| n.parse().ok())
                            .expect("client no");
                        lots[no] = Some(*lot_id);
                    }
                }
                acks.extend(out.acks);
                pending.extend(out.pending);
                problems.extend(out.internal_errors);
            }
        }
        // Checked with the server down: what the kill left is what the next start finds.
        lost = lost_writes(&app, &acks).await;
        half_done = half_done_transfers(&app, first_id).await;
        let violations = app.stock_violations().await;
        let duplicates = unkeyed_rows(&app, first_id).await;
        assert!(
            lost.is_empty() && half_done == 0 && violations.is_empty() && duplicates == 0,
            "after kill {}: lost {lost:?}, half-done transfers {half_done}, ledger {violations:?}, rows without their key {duplicates}",
            cycle + 1
        );
    }
    assert!(problems.is_empty(), "{problems:#?}");
    println!(
        "kill cycles: {cycles}, acknowledged writes: {}, lost writes: {}, half-done transfers: {half_done}",
        acks.len(),
        lost.len()
    );
    println!("keyed writes cut off by a kill and retried after restart: {cut_off}");
    let steps = acks
        .iter()
        .filter(|a| matches!(a, Ack::Step { .. }))
        .count();
    assert!(
        acks.len() >= cycles * 4 && steps > 0,
        "the workload must write before each kill ({} writes, {steps} transfer steps)",
        acks.len()
    );
}

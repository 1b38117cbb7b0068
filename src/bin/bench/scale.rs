//! The province-scale benchmark: loads the data set, starts `lienthong serve` as its own process, drives it
//! over HTTP with concurrent clients for a fixed time per case, and prints per case and concurrency:
//! requests/s, p50, p99, errors, SQL statements per request (the server's `db_statements_total`), server
//! CPU ms per request and the server's peak RSS.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::Utc;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use lienthong::auth::Keys;
use lienthong::config::Config;
use lienthong::db;
use serde_json::{Value, json};

use crate::dataset::{self, DISTRICTS, SECRET};
use crate::server::Server;
use crate::{ScratchDb, percentile};

pub struct Options {
    pub postgres: Option<String>,
    pub screenings: i64,
    pub seconds: u64,
    pub concurrency: Vec<usize>,
    /// Letters of the cases to run (A to E).
    pub cases: String,
}

impl Options {
    /// Whether the case named `name` (by its first letter) was asked for.
    fn runs(&self, name: &str) -> bool {
        name.chars()
            .next()
            .is_some_and(|case| self.cases.to_ascii_uppercase().contains(case))
    }
}

/// Screenings loaded before the first measurement of case D; the rest are added before the second.
const SMALL_SCREENINGS: i64 = 10_000;

pub const QUERY_A: &str = "query DistrictsWithLots { districts(first: 30) { nodes { code name population adults18Plus vaccineLots(first: 10) { lotNumber vaccine { code } dosesOnHand expiresOn } } } }";

pub fn query_b() -> String {
    format!(
        "query OneDistrict {{ district(code: \"{}\") {{ code name population adults18Plus }} }}",
        dataset::district_code(7)
    )
}

const TRANSFER_PAGE: &str = "query($after: String) { transfers(first: 20, after: $after) { nodes { id fromDistrict { code } toDistrict { code } doses status requestedAt } pageInfo { endCursor hasNextPage } } }";
const SCREENING_PAGE: &str = "query($from: DateTime!, $to: DateTime!) { screenings(first: 20, filter: { checkpointCode: \"CP-01\", from: $from, to: $to }) { nodes { id recordedAt direction vehicleKind peopleCount decision } pageInfo { endCursor hasNextPage } } }";

/// One HTTP client for all workers; the token goes with every request.
#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    url: String,
    auth: String,
}

impl Http {
    pub fn new(base: &str, token: &str, clients: usize) -> Http {
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(clients.max(1))
            .build_http();
        Http {
            client,
            url: format!("{base}/graphql"),
            auth: format!("Bearer {token}"),
        }
    }

    /// Sends a prepared body; Ok when the answer is 200 without GraphQL errors.
    pub async fn send(&self, body: Bytes) -> Result<Bytes, String> {
        let request = axum::http::Request::post(self.url.as_str())
            .header("content-type", "application/json")
            .header("authorization", self.auth.as_str())
            .body(Full::new(body))
            .map_err(|e| e.to_string())?;
        let (status, bytes) = self.exchange(request).await?;
        // A cheap check, so the clients spend their CPU on sending, not on parsing.
        if (200..300).contains(&status) && !bytes.windows(9).any(|w| w == b"\"errors\":") {
            Ok(bytes)
        } else {
            Err(String::from_utf8_lossy(&bytes).into_owned())
        }
    }

    /// Sends any request to `path` (e.g. `/graphql?query=...`) with the given bearer token (none when
    /// `None`); returns the status and the body, whatever they are.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        bearer: Option<&str>,
        body: Bytes,
    ) -> Result<(u16, Bytes), String> {
        let url = format!("{}{path}", self.url.trim_end_matches("/graphql"));
        let mut request = axum::http::Request::builder()
            .method(method)
            .uri(url.as_str())
            .header("content-type", content_type);
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request.body(Full::new(body)).map_err(|e| e.to_string())?;
        self.exchange(request).await
    }

    /// One request and its whole answer: the status and the body.
    async fn exchange(
        &self,
        request: axum::http::Request<Full<Bytes>>,
    ) -> Result<(u16, Bytes), String> {
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, bytes))
    }

    pub async fn query(&self, query: &str, variables: Value) -> Result<Value, String> {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let bytes = self.send(Bytes::from(body)).await?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }

    pub async fn get(&self, path: &str) -> Result<String, String> {
        let (status, bytes) = self
            .raw("GET", path, "text/plain", None, Bytes::new())
            .await?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if (200..300).contains(&status) {
            Ok(text)
        } else {
            Err(text)
        }
    }
}

/// What one run measured.
pub struct Row {
    pub case: String,
    pub clients: usize,
    pub requests: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: usize,
    pub statements: f64,
    pub cpu_ms: f64,
    pub peak_rss_mib: f64,
}

impl Row {
    pub fn header() -> String {
        format!(
            "{:<34} {:>7} {:>9} {:>9} {:>9} {:>9} {:>7} {:>11} {:>8} {:>9}",
            "case",
            "clients",
            "requests",
            "req/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "stmts/req",
            "cpu ms",
            "peak MiB"
        )
    }

    pub fn line(&self) -> String {
        format!(
            "{:<34} {:>7} {:>9} {:>9.0} {:>9.2} {:>9.2} {:>7} {:>11.2} {:>8.3} {:>9.1}",
            self.case,
            self.clients,
            self.requests,
            self.per_second,
            self.p50_ms,
            self.p99_ms,
            self.errors,
            self.statements,
            self.cpu_ms,
            self.peak_rss_mib
        )
    }
}

/// Runs `request` from `clients` concurrent workers for `seconds` (after a warm-up of a fifth of that)
/// and measures it. `request(worker, n)` performs one or more HTTP requests and returns how many it sent.
pub async fn measure<F, Fut>(
    server: &Server,
    case: &str,
    clients: usize,
    seconds: u64,
    request: F,
) -> Row
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<usize, String>> + Send,
{
    let request = Arc::new(request);
    let warm_up = Duration::from_secs((seconds / 5).max(1));
    run_workers(clients, warm_up, request.clone()).await;
    let (cpu, statements) = (server.cpu(), server.statements().await);
    let started = Instant::now();
    let (mut latencies, requests, errors) =
        run_workers(clients, Duration::from_secs(seconds), request).await;
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = server.cpu() - cpu;
    // The /metrics read itself is one request without statements.
    let statements = server.statements().await - statements;
    latencies.sort();
    let per = |x: f64| {
        if requests == 0 {
            0.0
        } else {
            x / requests as f64
        }
    };
    Row {
        case: case.into(),
        clients,
        requests,
        per_second: requests as f64 / elapsed,
        p50_ms: percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        p99_ms: percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        errors,
        statements: per(statements as f64),
        cpu_ms: per(cpu.as_secs_f64() * 1000.0),
        peak_rss_mib: server.peak_rss_mib(),
    }
}

/// Latencies are per call of `request` divided evenly among the requests it sent.
async fn run_workers<F, Fut>(
    clients: usize,
    duration: Duration,
    request: Arc<F>,
) -> (Vec<Duration>, usize, usize)
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<usize, String>> + Send,
{
    let deadline = Instant::now() + duration;
    let workers: Vec<_> = (0..clients)
        .map(|worker| {
            let request = request.clone();
            tokio::spawn(async move {
                let (mut latencies, mut requests, mut errors) = (Vec::new(), 0, 0);
                let mut n = 0;
                while Instant::now() < deadline {
                    let started = Instant::now();
                    match request(worker, n).await {
                        Ok(sent) => {
                            let each = started.elapsed() / sent.max(1) as u32;
                            latencies.extend(std::iter::repeat_n(each, sent));
                            requests += sent;
                        }
                        Err(_) => {
                            errors += 1;
                            requests += 1;
                        }
                    }
                    n += 1;
                }
                (latencies, requests, errors)
            })
        })
        .collect();
    let (mut all, mut requests, mut errors) = (Vec::new(), 0, 0);
    for worker in workers {
        if let Ok((l, r, e)) = worker.await {
            all.extend(l);
            requests += r;
            errors += e;
        }
    }
    (all, requests, errors)
}

fn body(query: &str, variables: Value) -> Bytes {
    Bytes::from(json!({ "query": query, "variables": variables }).to_string())
}

/// One step of a worker's load (given the worker and the step), answering the requests it made.
type Work = std::pin::Pin<Box<dyn Future<Output = Result<usize, String>> + Send>>;

/// Sends the same body again and again.
fn repeat(http: &Http, body: Bytes) -> impl Fn(usize, u64) -> Work + Send + Sync + 'static {
    let http = http.clone();
    move |_, _| {
        let (http, body) = (http.clone(), body.clone());
        Box::pin(async move { http.send(body).await.map(|_| 1) })
    }
}

/// Walks `transfers` to the end and returns the cursor that opens the last page of 20.
async fn last_page_cursor(http: &Http) -> Result<String, String> {
    let walk = "query($after: String) { transfers(first: 500, after: $after) { edges { cursor } pageInfo { hasNextPage } } }";
    let mut after: Option<String> = None;
    let mut cursors: Vec<String> = Vec::new();
    loop {
        let page = http.query(walk, json!({ "after": after })).await?;
        let conn = &page["data"]["transfers"];
        let edges = conn["edges"].as_array().cloned().unwrap_or_default();
        cursors.extend(
            edges
                .iter()
                .filter_map(|e| e["cursor"].as_str().map(String::from)),
        );
        if conn["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = cursors.last().cloned();
    }
    if cursors.len() < 21 {
        return Err("fewer than 21 transfers".into());
    }
    Ok(cursors[cursors.len() - 21].clone())
}

pub async fn run(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let scratch = ScratchDb::create(options.postgres.as_deref()).await?;
    let mut config = Config::new(scratch.url.clone());
    config.jwt_secret = Some(SECRET.into());
    let keys = Keys::load(&config)?;
    let conn = db::connect(&config).await?;
    db::migrate(&conn).await?;
    let now = Utc::now();
    let started = Instant::now();
    dataset::load_province(&conn, now).await?;
    let small = SMALL_SCREENINGS.min(options.screenings);
    dataset::load_screenings(&conn, now, 0, small).await?;
    let token = dataset::store_token(&conn, &keys, "benchmark", now).await?;
    println!(
        "{} districts, {} lots, {} transfers, {small} screenings loaded into {} in {:.1} s",
        DISTRICTS,
        dataset::LOTS,
        dataset::TRANSFERS,
        scratch.engine,
        started.elapsed().as_secs_f64()
    );
    let max_clients = options.concurrency.iter().copied().max().unwrap_or(16);
    let server = Server::start(&scratch.url, &token, max_clients).await?;
    let http = server.http.clone();

    // The answers are checked once before any load.
    let a = http.query(QUERY_A, json!({})).await?;
    let districts = a["data"]["districts"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if districts.len() != 30
        || districts
            .iter()
            .any(|d| d["vaccineLots"].as_array().map(Vec::len) != Some(10))
    {
        return Err(format!("case A answered wrongly: {a}").into());
    }
    let last_cursor = last_page_cursor(&http).await?;
    let week_to = now + chrono::Duration::seconds(1);
    let week = json!({ "from": (week_to - chrono::Duration::days(7)).to_rfc3339(), "to": week_to.to_rfc3339() });
    let d_check = http.query(SCREENING_PAGE, week.clone()).await?;
    let d_rows = d_check["data"]["screenings"]["nodes"]
        .as_array()
        .map_or(0, Vec::len);

    println!("{}", Row::header());
    let mut rows = Vec::new();
    let seconds = options.seconds;
    for &clients in &options.concurrency {
        let cases: [(&str, Bytes); 5] = [
            ("A districts with 10 lots each", body(QUERY_A, json!({}))),
            ("B one district by code", body(&query_b(), json!({}))),
            (
                "C transfers, first page of 20",
                body(TRANSFER_PAGE, json!({})),
            ),
            (
                "C transfers, last page (cursor)",
                body(TRANSFER_PAGE, json!({ "after": last_cursor })),
            ),
            (
                "D screenings of a post, a week",
                body(SCREENING_PAGE, week.clone()),
            ),
        ];
        for (name, request) in cases {
            if !options.runs(name) {
                continue;
            }
            let name = if name.starts_with('D') {
                format!("{name} ({small} rows, {d_rows}/page)")
            } else {
                name.to_owned()
            };
            let row = measure(&server, &name, clients, seconds, repeat(&http, request)).await;
            println!("{}", row.line());
            rows.push(row);
        }
        if !options.runs("E") {
            continue;
        }
        let cycle = transfer_cycle(&http);
        let row = measure(
            &server,
            "E request+approve+dispatch",
            clients,
            seconds,
            cycle,
        )
        .await;
        println!("{}", row.line());
        rows.push(row);
    }

    if options.screenings > small && options.runs("D") {
        let loading = Instant::now();
        dataset::load_screenings(&conn, now, small, options.screenings).await?;
        println!(
            "{} more screenings loaded in {:.1} s",
            options.screenings - small,
            loading.elapsed().as_secs_f64()
        );
        let d_check = http.query(SCREENING_PAGE, week.clone()).await?;
        let d_rows = d_check["data"]["screenings"]["nodes"]
            .as_array()
            .map_or(0, Vec::len);
        for &clients in &options.concurrency {
            let name = format!(
                "D screenings of a post, a week ({} rows, {d_rows}/page)",
                options.screenings
            );
            let row = measure(
                &server,
                &name,
                clients,
                seconds,
                repeat(&http, body(SCREENING_PAGE, week.clone())),
            )
            .await;
            println!("{}", row.line());
        }
    }
    server.stop();
    conn.close().await.ok();
    scratch.drop_now().await;
    println!(
        "(release build; {} cores; per request: SQL statements from the server's db_statements_total, \
         CPU from /proc/<pid>/stat; peak RSS = VmHWM of the server process; E counts each of its three \
         requests, its latency is the cycle's divided by three)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    Ok(())
}

/// Case E: one transfer requested, approved and dispatched; each worker on a lot of its own.
fn transfer_cycle(http: &Http) -> impl Fn(usize, u64) -> Work + Send + Sync + 'static {
    let http = http.clone();
    move |worker, _| {
        let http = http.clone();
        Box::pin(async move {
            // Lots 1..=3000 cycle through the districts; send to the next district.
            let lot = worker as i64 + 1;
            let to = dataset::district_code((lot as i32) % DISTRICTS + 1);
            let requested = http
                .query(
                    "mutation($lot: Int!, $to: String!) { requestTransfer(input: { lotId: $lot, toDistrictCode: $to, doses: 1 }) { transfer { id } } }",
                    json!({ "lot": lot, "to": to }),
                )
                .await?;
            let id = requested["data"]["requestTransfer"]["transfer"]["id"].clone();
            for step in ["approveTransfer", "dispatchTransfer"] {
                http.query(
                    &format!("mutation($id: Int!) {{ {step}(input: {{ id: $id }}) {{ transfer {{ id }} }} }}"),
                    json!({ "id": id }),
                )
                .await?;
            }
            Ok(3)
        })
    }
}

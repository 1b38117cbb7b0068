//! Test harness: a database of its own per test (a SQLite file, or a PostgreSQL database when
//! `LIENTHONG_TEST_DATABASE_URL` is set), copied from a template of the test's fixture (see
//! `template.rs`), driven through the real router.

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Duration;
use entity::Role;
use http_body_util::BodyExt;
use lienthong::admin::agencies;
use lienthong::admin::tokens::{self, NewToken};
use lienthong::auth::Actor;
use lienthong::config::Config;
use lienthong::{AppState, build_app, db};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tower::ServiceExt;

pub use crate::template::Fixture;
use crate::template::{self, Server, Template, database_url, on_server};

pub const SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
/// Guards `/metrics` on the test router (off the public port otherwise).
pub const METRICS_TOKEN: &str = "test-metrics-token";

/// A database made for one test and removed when the test ends.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// The server the tests run on.
    pub fn server() -> Server {
        match std::env::var("LIENTHONG_TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => Server::Postgres(admin_url),
            _ => Server::Sqlite,
        }
    }

    /// An empty database.
    pub async fn create() -> TestDb {
        Self::make(None).await
    }

    /// A copy of a loaded template.
    pub async fn copy_of(template: &Template) -> TestDb {
        Self::make(Some(template)).await
    }

    async fn make(template: Option<&Template>) -> TestDb {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match Self::server() {
            Server::Postgres(admin_url) => {
                let name = format!("lienthong_test_{id}");
                let from = template.map_or(String::new(), |t| format!(" TEMPLATE {}", t.source));
                on_server(&admin_url, &format!("CREATE DATABASE {name}{from}")).await;
                TestDb {
                    url: database_url(&admin_url, &name),
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
            Server::Sqlite => {
                let path = std::env::temp_dir().join(format!("lienthong-test-{id}.db"));
                if let Some(template) = template {
                    std::fs::copy(&template.source, &path).expect("copy the template");
                }
                TestDb {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    cleanup: Cleanup::SqliteFile(path),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm", ".jwt-secret"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; the async drop gets a runtime of its own.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

pub fn test_config(url: &str) -> Config {
    let mut config = Config::new(url);
    config.jwt_secret = Some(SECRET.into());
    config.introspection = true;
    config.db_max_connections = 5;
    config.metrics_token = Some(METRICS_TOKEN.into());
    config
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    /// Demo tokens by agency code.
    pub tokens: HashMap<String, String>,
    // Declared last so the database outlives the pool's users.
    pub db: TestDb,
}

impl TestApp {
    /// An app on the whole demo set.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// An app on the whole demo set, whose configuration `adjust` may change first.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        Self::start(Fixture::Demo, true, adjust).await
    }

    /// An app on the demo's places only: districts, agencies and the demo tokens.
    pub async fn places() -> TestApp {
        Self::places_with(|_| {}).await
    }

    /// An app on the demo's places only, whose configuration `adjust` may change first.
    pub async fn places_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        Self::start(Fixture::Places, true, adjust).await
    }

    /// An app on the fixture loaded into a fresh database (not copied from its template): for a
    /// configuration that signs tokens with other keys than the test secret, or a test that watches the
    /// load itself (its log, say).
    pub async fn fresh_with(fixture: Fixture, adjust: impl FnOnce(&mut Config)) -> TestApp {
        Self::start(fixture, false, adjust).await
    }

    async fn start(fixture: Fixture, copy: bool, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let template = copy.then(|| template::template(&TestDb::server(), fixture));
        let test_db = match &template {
            Some(template) => TestDb::copy_of(template).await,
            None => TestDb::create().await,
        };
        let mut config = test_config(&test_db.url);
        adjust(&mut config);
        let same_keys = config.jwt_key_pair.is_none()
            && config.jwt_secret_file.is_none()
            && config.jwt_secret.as_deref() == Some(SECRET);
        assert!(
            template.is_none() || same_keys,
            "the template's tokens are signed with the test secret: use TestApp::fresh_with"
        );
        let state = AppState::build(config).await.expect("app state");
        let tokens = match template {
            Some(template) => template.tokens.clone(),
            None => fixture.load(&state).await,
        };
        TestApp {
            router: build_app(state.clone()),
            state,
            tokens,
            db: test_db,
        }
    }

    pub fn token(&self, agency: &str) -> String {
        self.tokens
            .get(agency)
            .cloned()
            .unwrap_or_else(|| panic!("no demo token for {agency}"))
    }

    /// Issues a token for any agency and role, as the command-line operator would.
    pub async fn issue(&self, agency: &str, role: Role) -> String {
        let target = agencies::by_code(&self.state.db, agency)
            .await
            .expect("agency");
        let operator = Actor::operator(target.province_id, "test");
        let new = NewToken {
            agency_code: agency.into(),
            role,
            subject: format!("{agency}-{}", role.as_str()),
            ttl: Duration::hours(1),
            note: None,
        };
        tokens::issue(&self.state.ctx(&operator), &self.state.keys, new)
            .await
            .expect("issue")
            .text
    }

    pub async fn send(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = self.router.clone().oneshot(request).await.expect("router");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes().to_vec())
            .unwrap_or_default();
        (status, headers, body)
    }

    /// POSTs a GraphQL operation; returns the status and the JSON body.
    pub async fn gql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (StatusCode, Value) {
        let mut builder = Request::post("/graphql").header("content-type", "application/json");
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        let (status, _, bytes) = self
            .send(builder.body(Body::from(body)).expect("request"))
            .await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// Runs an operation as the given demo agency and returns its JSON body.
    pub async fn as_agency(&self, agency: &str, query: &str, variables: Value) -> Value {
        self.gql(Some(&self.token(agency)), query, variables)
            .await
            .1
    }

    /// Counts audit rows for an action.
    pub async fn audit_count(&self, action: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) AS n FROM audit_event WHERE action = '{action}'");
        let row = self
            .state
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.state.db.get_database_backend(),
                sql,
            ))
            .await
            .expect("query")
            .expect("row");
        row.try_get::<i64>("", "n").expect("n")
    }

    pub async fn migrate_again(&self) {
        db::migrate(&self.state.db).await.expect("migrate twice");
    }
}

/// The first error's code, or "" when there is none.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

/// The first error's field, or "".
pub fn error_field(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or("")
}

impl TestApp {
    /// One row of a single-value SQL query, as i64 (0 when NULL).
    pub async fn scalar(&self, sql: &str) -> i64 {
        let row = self
            .state
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.state.db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .expect("query")
            .expect("row");
        row.try_get::<Option<i64>>("", "n").expect("n").unwrap_or(0)
    }

    /// The id of a demo lot by district and vaccine.
    pub async fn lot_id(&self, district_code: &str, vaccine_code: &str) -> i32 {
        let sql = format!(
            "SELECT CAST(MIN(l.id) AS BIGINT) AS n FROM vaccine_lot l JOIN district d ON d.id = l.district_id JOIN vaccine v ON v.id = l.vaccine_id WHERE d.code = '{district_code}' AND v.code = '{vaccine_code}'"
        );
        i32::try_from(self.scalar(&sql).await).expect("lot id")
    }

    /// Checks the stock invariants over every lot and the whole ledger; returns the violations found.
    pub async fn stock_violations(&self) -> Vec<String> {
        let mut out = Vec::new();
        let checks = [
            (
                "a balance differs from the sum of its ledger",
                "SELECT COUNT(*) AS n FROM vaccine_lot l WHERE l.doses_on_hand <> (SELECT COALESCE(SUM(e.doses), 0) FROM stock_event e WHERE e.lot_id = l.id)",
            ),
            (
                "a balance or reservation is out of bounds",
                "SELECT COUNT(*) AS n FROM vaccine_lot WHERE doses_on_hand < 0 OR doses_reserved < 0 OR doses_reserved > doses_on_hand",
            ),
            (
                "a reservation differs from the approved transfers",
                "SELECT COUNT(*) AS n FROM vaccine_lot l WHERE l.doses_reserved <> (SELECT COALESCE(SUM(t.doses), 0) FROM transfer t WHERE t.from_lot_id = l.id AND t.status = 'APPROVED')",
            ),
            (
                "doses in transit differ from dispatched transfers",
                "SELECT CAST(ABS((SELECT COALESCE(SUM(doses), 0) FROM stock_event WHERE kind IN ('TRANSFER_OUT', 'TRANSFER_IN')) + (SELECT COALESCE(SUM(doses), 0) FROM transfer WHERE status = 'DISPATCHED')) AS BIGINT) AS n",
            ),
            (
                "a dispatched or received transfer has no single TRANSFER_OUT row",
                "SELECT COUNT(*) AS n FROM transfer t WHERE t.status IN ('DISPATCHED', 'RECEIVED') AND (SELECT COUNT(*) FROM stock_event e WHERE e.transfer_id = t.id AND e.kind = 'TRANSFER_OUT') <> 1",
            ),
        ];
        for (what, sql) in checks {
            let n = self.scalar(sql).await;
            if n != 0 {
                out.push(format!("{what} ({n})"));
            }
        }
        out
    }
}

/// The server on a real socket, stopped when dropped.
pub struct RunningServer {
    pub addr: std::net::SocketAddr,
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub handle: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    pub async fn serve(&self) -> RunningServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(lienthong::server::serve(
            self.state.clone(),
            listener,
            async move {
                let _ = rx.await;
            },
        ));
        RunningServer {
            addr,
            stop: Some(tx),
            handle: Some(handle),
        }
    }
}

impl RunningServer {
    /// Stops accepting, drains, and returns how serving ended (within the grace period, or panics).
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let handle = self.handle.take().expect("running");
        tokio::time::timeout(std::time::Duration::from_secs(25), handle)
            .await
            .expect("stops within the grace period")
            .expect("join")
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A plain HTTP/1.1 client for the real server.
#[derive(Clone)]
pub struct HttpClient {
    client: hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        http_body_util::Full<axum::body::Bytes>,
    >,
    url: String,
}

impl HttpClient {
    pub fn new(addr: std::net::SocketAddr) -> HttpClient {
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http();
        HttpClient {
            client,
            url: format!("http://{addr}/graphql"),
        }
    }

    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let request = Request::post(self.url.as_str())
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(http_body_util::Full::new(axum::body::Bytes::from(body)))
            .expect("request");
        let response = self.client.request(request).await.expect("http");
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects to `/graphql/ws` (graphql-transport-ws), authenticates with `token`, starts `query`, and
/// returns once the subscription is in place.
pub async fn subscribe(addr: std::net::SocketAddr, token: &str, query: &str) -> Socket {
    let socket = open_subscription(addr, token, query).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    socket
}

/// A graphql-transport-ws socket that has sent `connection_init` with `payload`, not yet acknowledged.
pub async fn ws_initiated(addr: std::net::SocketAddr, payload: Value) -> Socket {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let mut request = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    let init = json!({ "type": "connection_init", "payload": payload });
    socket
        .send(Message::Text(init.to_string().into()))
        .await
        .expect("init");
    socket
}

/// Like [`subscribe`], but returns as soon as the subscription is sent (for tests that read its first
/// answer themselves).
pub async fn open_subscription(addr: std::net::SocketAddr, token: &str, query: &str) -> Socket {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let mut socket =
        ws_initiated(addr, json!({ "Authorization": format!("Bearer {token}") })).await;
    let ack = socket.next().await.expect("ack").expect("ok");
    assert!(
        matches!(&ack, Message::Text(t) if t.as_str().contains("connection_ack")),
        "{ack:?}"
    );
    let start = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
    socket
        .send(Message::Text(start.to_string().into()))
        .await
        .expect("subscribe");
    socket
}

/// The next message on the socket as JSON; it must arrive within a second.
pub async fn next_event(socket: &mut Socket) -> Value {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;

    let message = tokio::time::timeout(std::time::Duration::from_secs(1), socket.next())
        .await
        .expect("within a second")
        .expect("message")
        .expect("ok");
    let Message::Text(text) = message else {
        panic!("unexpected {message:?}")
    };
    serde_json::from_str(text.as_str()).expect("json")
}

/// Percent-encodes a query-string value.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A running `lienthong serve` process on a free port, killed when dropped. Its log goes to the test
/// output, so a failing test shows what the server said.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub addr: std::net::SocketAddr,
    /// What the process wrote to stderr after announcing its address (its log), line by line.
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts the real binary on `database_url` with the test secret; `serve_args` are added after
    /// `serve`.
    pub fn start(database_url: &str, serve_args: &[&str]) -> ServerProcess {
        Self::spawn(database_url, serve_args, false, &["--log", "warn"]).0
    }

    /// As [`ServerProcess::start`], with the access log at INFO as JSON lines (in [`ServerProcess::log`]).
    pub fn start_logging_access(database_url: &str) -> ServerProcess {
        let log = [
            "--log",
            "warn,lienthong::access=info",
            "--log-format",
            "json",
        ];
        Self::spawn(database_url, &[], false, &log).0
    }

    /// `serve --demo` on an empty `database_url`: the process and the demo tokens it prints, by agency
    /// code.
    pub fn start_demo(database_url: &str) -> (ServerProcess, HashMap<String, String>) {
        let (server, tokens) = Self::spawn(database_url, &["--demo"], true, &["--log", "warn"]);
        let tokens = tokens
            .expect("stdout")
            .recv_timeout(std::time::Duration::from_secs(300))
            .expect("the demo prints its tokens");
        (server, tokens)
    }

    fn spawn(
        database_url: &str,
        serve_args: &[&str],
        read_tokens: bool,
        log_args: &[&str],
    ) -> (
        ServerProcess,
        Option<std::sync::mpsc::Receiver<HashMap<String, String>>>,
    ) {
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_lienthong"))
            .args(["--database-url", database_url, "--jwt-secret", SECRET])
            .args(log_args)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(serve_args)
            .stdout(if read_tokens {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stderr(Stdio::piped())
            .spawn()
            .expect("start server");
        // The demo's tokens, from the lines `  <agency> <role> <token>` after "Demo tokens".
        let tokens = child.stdout.take().map(|stdout| {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut tokens = HashMap::new();
                let mut sent = false;
                for line in
                    std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok)
                {
                    let words: Vec<&str> = line.split_whitespace().collect();
                    match words.as_slice() {
                        [agency, _role, token] if line.starts_with("  ") => {
                            tokens.insert((*agency).to_owned(), (*token).to_owned());
                        }
                        [] if !tokens.is_empty() && !sent => {
                            let _ = tx.send(std::mem::take(&mut tokens));
                            sent = true;
                        }
                        _ => {}
                    }
                }
                if !sent {
                    let _ = tx.send(tokens);
                }
            });
            rx
        });
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
        let addr = lines
            .find_map(|l| {
                l.ok()?
                    .split("listening on http://")
                    .nth(1)?
                    .split_whitespace()
                    .next()?
                    .parse()
                    .ok()
            })
            .expect("the server announces its address");
        // Kept draining so the child never blocks on a full pipe.
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                eprintln!("server: {line}");
                kept.lock().expect("log").push(line);
            }
        });
        (ServerProcess { child, addr, log }, tokens)
    }

    /// SIGKILL, then reap.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

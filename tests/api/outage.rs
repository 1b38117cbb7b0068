//! A database server that goes away: requests fail fast with UNAVAILABLE, `/readyz` says so, and service
//! resumes by itself when the database returns. The outage is made by a TCP proxy between the server and
//! PostgreSQL that drops every connection and refuses new ones, or that goes silent without closing any;
//! SQLite is embedded and cannot go away. The same proxy counts what the server sends the database, which
//! shows that a busy pool's connections are not pinged on their way out of it or back into it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::helpers::{TestApp, error_code};

/// Forwards connections to the database while up; when cut, drops them all and refuses new ones; when
/// frozen, holds every byte without closing anything, as a network that fails silently does. Counts the
/// writes that reach it from the server's side: one per exchange the server starts.
struct Proxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    frozen: Arc<AtomicBool>,
    sent: Arc<AtomicUsize>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let up = Arc::new(AtomicBool::new(true));
        let frozen = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicUsize::new(0));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (up2, links2, frozen2, sent2) =
            (up.clone(), links.clone(), frozen.clone(), sent.clone());
        let accept = tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let (upstream, frozen, sent) = (upstream.clone(), frozen2.clone(), sent2.clone());
                let link = tokio::spawn(async move {
                    if let Ok(outbound) = TcpStream::connect(upstream).await {
                        let (mut from_client, mut to_client) = inbound.into_split();
                        let (mut from_server, mut to_server) = outbound.into_split();
                        tokio::select! {
                            () = pump(&mut from_client, &mut to_server, &frozen, Some(&sent)) => {}
                            () = pump(&mut from_server, &mut to_client, &frozen, None) => {}
                        }
                    }
                });
                links2.lock().expect("links").push(link);
            }
        });
        Proxy {
            addr,
            up,
            frozen,
            sent,
            links,
            accept,
        }
    }

    fn freeze(&self, frozen: bool) {
        self.frozen.store(frozen, Ordering::SeqCst);
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for link in self.links.lock().expect("links").drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

/// Copies one direction of a link until either side closes; while frozen, what was read is held. Each
/// read is counted in `reads`, if given.
async fn pump(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    frozen: &AtomicBool,
    reads: Option<&AtomicUsize>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buffer = vec![0_u8; 16 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        if let Some(reads) = reads {
            reads.fetch_add(1, Ordering::SeqCst);
        }
        while frozen.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}

/// On PostgreSQL, an app on the places whose every database connection goes through a [`Proxy`]
/// (configuration adjusted by `adjust` too); `None` on SQLite.
async fn proxied_app(
    adjust: impl FnOnce(&mut lienthong::config::Config),
) -> Option<(Proxy, TestApp)> {
    let server_url = std::env::var("LIENTHONG_TEST_DATABASE_URL").ok()?;
    // host:port of postgres://user@host:port/db
    let upstream = server_url
        .rsplit_once('@')
        .map_or(server_url.as_str(), |(_, rest)| rest)
        .split('/')
        .next()
        .expect("host")
        .to_owned();
    let proxy = Proxy::start(upstream.clone()).await;
    let through_proxy = proxy.addr.to_string();
    let app = TestApp::places_with(|c| {
        c.database_url = c.database_url.replacen(&upstream, &through_proxy, 1);
        adjust(c);
    })
    .await;
    Some((proxy, app))
}

async fn readyz(app: &TestApp) -> u16 {
    let request = Request::get("/readyz")
        .body(Body::empty())
        .expect("request");
    app.send(request).await.0.as_u16()
}

#[tokio::test]
async fn a_database_outage_fails_fast_and_service_resumes_by_itself() {
    // SQLite: an embedded database has no server to lose.
    let Some((proxy, app)) = proxied_app(|c| c.db_acquire_timeout = Duration::from_secs(1)).await
    else {
        return;
    };
    let token = app.token("health");
    let me = "{ me { subject } }";
    assert_eq!(app.gql(Some(&token), me, json!({})).await.0, 200);
    assert_eq!(readyz(&app).await, 200);

    proxy.cut();
    let cut_at = Instant::now();
    let (status, body) = app.gql(Some(&token), me, json!({})).await;
    let first_failure = cut_at.elapsed();
    assert_eq!(
        (status.as_u16(), error_code(&body)),
        (503, "UNAVAILABLE"),
        "{body}"
    );
    // Every request during the outage fails fast, writes too; none hangs for the 30 s request timeout.
    let write = "mutation { updateDistrict(input: { code: \"380\", treatmentBeds: 1 }) { district { treatmentBeds } } }";
    for query in [me, write, me] {
        let started = Instant::now();
        let (status, body) = app.gql(Some(&app.token("admin")), query, json!({})).await;
        assert_eq!(status.as_u16(), 503, "{body}");
        assert_eq!(error_code(&body), "UNAVAILABLE");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
    assert_eq!(readyz(&app).await, 503);

    proxy.restore();
    let restored_at = Instant::now();
    loop {
        if app.gql(Some(&token), me, json!({})).await.0 == 200 {
            break;
        }
        assert!(
            restored_at.elapsed() < Duration::from_secs(15),
            "no recovery within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let recovery = restored_at.elapsed();
    assert_eq!(readyz(&app).await, 200);
    // The write refused during the outage changed nothing.
    let beds = app
        .scalar("SELECT COALESCE(treatment_beds, -1) FROM district WHERE code = '380'")
        .await;
    assert_ne!(beds, 1);
    println!(
        "database outage: first failure {:.0} ms after the cut, service back {:.0} ms after the database",
        first_failure.as_secs_f64() * 1000.0,
        recovery.as_secs_f64() * 1000.0
    );
}

/// A notification connection that dies silently (no reset, no close: the network just stops) is found
/// out by the listener's probe: the token cache stops serving within the probe's bounds, so a revocation
/// whose notification is lost cannot be missed for longer; when the network comes back, a new connection
/// listens and the cache serves again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silently_dead_notification_connection_is_found_out() {
    // SQLite: no notification connection.
    let Some((proxy, app)) = proxied_app(|_| {}).await else {
        return;
    };
    let changes = app.state.events.auth_changes();
    assert!(changes.heard_all());

    proxy.freeze(true);
    let frozen_at = Instant::now();
    while changes.heard_all() {
        assert!(
            frozen_at.elapsed() < Duration::from_secs(12),
            "the silent connection was not found out"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // PROBE_EVERY (5 s) + PROBE_WITHIN (2 s), with some slack for a loaded machine.
    assert!(
        frozen_at.elapsed() < Duration::from_secs(10),
        "{:?}",
        frozen_at.elapsed()
    );

    proxy.freeze(false);
    let thawed_at = Instant::now();
    while !changes.heard_all() {
        assert!(
            thawed_at.elapsed() < Duration::from_secs(15),
            "no new listener after the network came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A connection in steady use goes out of the pool and back unchecked: a one-statement read costs the
/// database its statement alone, not also a ping as the connection is handed out (the pool's default)
/// nor one as it goes back (sqlx's, skipped by vendor/sqlx-postgres when the connection has nothing in
/// flight and answered within the second). The outage test above shows that a connection broken while
/// in use still answers UNAVAILABLE; the test below, that one abandoned mid-statement is still drained.
#[tokio::test]
async fn a_busy_connection_is_not_pinged_in_or_out_of_the_pool() {
    // SQLite: no network between the server and its database. One connection, so that every request
    // finds it back in the pool, checked, and its statement already prepared.
    let Some((proxy, app)) = proxied_app(|c| c.db_max_connections = 1).await else {
        return;
    };
    let token = app.token("health");
    let read = "{ district(code: \"380\") { name } }";
    // The first request verifies the token (a statement of its own); later ones find it cached.
    for _ in 0..2 {
        let (status, body) = app.gql(Some(&token), read, json!({})).await;
        assert_eq!(status.as_u16(), 200, "{body}");
    }
    let requests = 20;
    let before = proxy.sent.load(Ordering::SeqCst);
    for _ in 0..requests {
        let (status, body) = app.gql(Some(&token), read, json!({})).await;
        assert_eq!(status.as_u16(), 200, "{body}");
    }
    let exchanges = proxy.sent.load(Ordering::SeqCst) - before;
    // Slack for the notification listener's own probe, which may fall within the loop.
    assert!(
        exchanges <= requests + 3,
        "{exchanges} writes to the database for {requests} one-statement reads"
    );
    assert!(
        exchanges >= requests,
        "{exchanges} writes: the count missed the statements"
    );
}

/// A statement given up half-way (its caller's timeout) leaves a reply in flight on the connection. It
/// goes back to the pool through the round trip that drains it, so the next statements on that one
/// connection get their own answers, not the abandoned one's.
#[tokio::test]
async fn a_statement_abandoned_half_way_leaves_its_connection_clean() {
    let Some((_proxy, app)) = proxied_app(|c| c.db_max_connections = 1).await else {
        return;
    };
    let db = &app.state.db;
    let slow = db.query_one_raw(Statement::from_string(
        DatabaseBackend::Postgres,
        "SELECT pg_sleep(0.3)",
    ));
    assert!(
        tokio::time::timeout(Duration::from_millis(50), slow)
            .await
            .is_err(),
        "the slow statement should still be running when its caller gives up"
    );
    for expected in [42, 43] {
        let row = db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                format!("SELECT {expected}::int4 AS n"),
            ))
            .await
            .expect("the statement runs")
            .expect("a row");
        let n: i32 = row.try_get("", "n").expect("n");
        assert_eq!(n, expected);
    }
}

//! Two server processes on one PostgreSQL: a subscriber loses nothing when the LISTEN connections are
//! cut, nor when it reconnects to the other process with its last cursor.

use std::time::Duration;

use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::{HttpClient, ServerProcess, TestApp};
use crate::live::{ALERTS, RECORD, alert_id, connect, next_alert, quiet, referral, start};

async fn raise_on(client: &HttpClient, token: &str) -> i64 {
    alert_id(&client.gql(token, RECORD, json!({ "i": referral() })).await)
}

#[tokio::test]
async fn across_two_processes_and_a_cut_listen_connection_nothing_is_missed() {
    let app = TestApp::spawn().await;
    if !app.db.url.starts_with("postgres") {
        eprintln!("two processes need PostgreSQL (LIENTHONG_TEST_DATABASE_URL); SQLite has one");
        return;
    }
    let (a, b) = (
        ServerProcess::start(&app.db.url, &[]),
        ServerProcess::start(&app.db.url, &[]),
    );
    let (police, health) = (app.token("police"), app.token("health"));
    let on_a = HttpClient::new(a.addr);
    let mut socket = connect(b.addr, &health).await;
    start(&mut socket, "a", ALERTS, json!({})).await;
    quiet(&mut socket, 300).await;
    let first = raise_on(&on_a, &police).await;
    assert_eq!(next_alert(&mut socket).await["id"], first);
    // Cut every LISTEN connection (both processes'); an alert committed meanwhile still arrives.
    let cut = app
        .state
        .db
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()",
        )
        .await
        .expect("terminate");
    assert!(cut.rows_affected() >= 2, "the listeners were found");
    let during = raise_on(&on_a, &police).await;
    let got = next_alert(&mut socket).await;
    assert_eq!(got["id"], during, "{got}");
    let cursor = got["cursor"].clone();
    drop(socket);
    let mut missed = Vec::new();
    for _ in 0..3 {
        missed.push(raise_on(&on_a, &police).await);
    }
    // Back on the other process, with the last cursor.
    let mut socket = connect(a.addr, &health).await;
    start(&mut socket, "a", ALERTS, json!({ "after": cursor })).await;
    let mut replayed = Vec::new();
    for _ in 0..3 {
        replayed.push(next_alert(&mut socket).await["id"].as_i64().expect("id"));
    }
    assert_eq!(replayed, missed);
    let on_b = HttpClient::new(b.addr);
    let live = raise_on(&on_b, &police).await;
    assert_eq!(next_alert(&mut socket).await["id"], live);
    quiet(&mut socket, 500).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
}

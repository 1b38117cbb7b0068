//! Live subscriptions that never drop: server pings instead of idle closes, the graphql-transport-ws
//! protocol as written, cursors and replay after a reconnect, revocation reaching open sockets, limits.
//! `LIENTHONG_LONG_TESTS=1` runs the idle test for 100 s instead of 3 s.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{Socket, TestApp, ws_initiated};

pub const RECORD: &str =
    "mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { alert { id } } }";
pub const ALERTS: &str = "subscription($after: String) { screeningAlerts(districtCode: \"380\", after: $after) { cursor id reasons } }";

/// Records a screening referred to health at a checkpoint of district 380; returns the alert id.
pub async fn raise_alert(app: &TestApp) -> i64 {
    let body = app
        .as_agency("police", RECORD, json!({ "i": referral() }))
        .await;
    alert_id(&body)
}

/// A screening that raises an alert in district 380.
pub fn referral() -> Value {
    json!({
        "checkpointCode": "TH-SB-THOXUAN", "recordedAt": chrono::Utc::now().to_rfc3339(),
        "direction": "INBOUND", "vehiclePlate": "29A-12345", "vehicleKind": "CAR", "peopleCount": 1,
        "originProvinceCode": "01", "fromEpidemicArea": true, "healthDeclared": true,
        "testKind": "RAPID_ANTIGEN", "testResult": "NEGATIVE", "symptoms": true,
        "decision": "REFERRED_TO_HEALTH", "fullName": "Nguyễn Thị Lan", "idNumber": "001190012345",
        "phone": "0912 345 678", "destinationAddress": "12 Lê Lợi", "destinationDistrictCode": "380"
    })
}

/// The alert id of a `RECORD` answer.
pub fn alert_id(body: &Value) -> i64 {
    body["data"]["recordScreening"]["alert"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an alert: {body}"))
}

/// A graphql-transport-ws connection that has sent `connection_init`.
async fn initiate(addr: std::net::SocketAddr, token: &str) -> Socket {
    ws_initiated(addr, json!({ "token": token })).await
}

/// A graphql-transport-ws connection, acknowledged.
pub async fn connect(addr: std::net::SocketAddr, token: &str) -> Socket {
    let mut socket = initiate(addr, token).await;
    assert_eq!(
        read(&mut socket, 5).await.expect("ack")["type"],
        "connection_ack"
    );
    socket
}

pub async fn start(socket: &mut Socket, id: &str, query: &str, variables: Value) {
    let message = json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } });
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("subscribe");
}

/// The next protocol message other than `ping` (answered with `pong`, as clients do), or the close
/// code when the server closes; panics when nothing comes within `secs`.
pub async fn read(socket: &mut Socket, secs: u64) -> Result<Value, u16> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("a message in time");
        match message {
            Some(Ok(Message::Text(text))) => {
                let value: Value = serde_json::from_str(text.as_str()).expect("json");
                if value["type"] == "ping" {
                    let pong = json!({ "type": "pong" }).to_string();
                    socket.send(Message::Text(pong.into())).await.expect("pong");
                    continue;
                }
                return Ok(value);
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(frame.map_or(1005, |f| u16::from(f.code)));
            }
            Some(Ok(_)) => continue,
            other => panic!("socket ended: {other:?}"),
        }
    }
}

/// Nothing but pings for `millis`.
pub async fn quiet(socket: &mut Socket, millis: u64) {
    let waited = tokio::time::timeout(
        Duration::from_millis(millis),
        read(socket, millis / 1000 + 60),
    )
    .await;
    assert!(waited.is_err(), "unexpected {waited:?}");
}

/// The code of the `error` message answering subscription `id` (other messages before it are skipped).
async fn refusal(socket: &mut Socket, id: &str) -> String {
    let answer = loop {
        let message = read(socket, 5).await.expect("an answer, not a close");
        if message["id"] == id {
            break message;
        }
    };
    assert_eq!(answer["type"], "error", "{answer}");
    answer["payload"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("a code: {answer}"))
        .to_owned()
}

/// A socket subscribed to alerts (id "a") that has received one, and that alert's cursor.
async fn subscribed_with_a_cursor(
    app: &TestApp,
    addr: std::net::SocketAddr,
    token: &str,
) -> (Socket, Value) {
    let mut socket = connect(addr, token).await;
    start(&mut socket, "a", ALERTS, json!({})).await;
    quiet(&mut socket, 300).await;
    raise_alert(app).await;
    let cursor = next_alert(&mut socket).await["cursor"].clone();
    (socket, cursor)
}

pub async fn next_alert(socket: &mut Socket) -> Value {
    let message = read(socket, 5).await.expect("an alert, not a close");
    assert_eq!(message["type"], "next", "{message}");
    message["payload"]["data"]["screeningAlerts"].clone()
}

#[tokio::test]
async fn an_idle_socket_stays_open_and_receives_the_next_alert() {
    let long = std::env::var("LIENTHONG_LONG_TESTS").is_ok_and(|v| v == "1");
    let app = TestApp::spawn_with(|c| {
        c.ws_ping_interval = Duration::from_millis(if long { 15_000 } else { 300 });
        c.ws_pong_grace = Duration::from_millis(if long { 30_000 } else { 600 });
    })
    .await;
    let server = app.serve().await;
    let mut socket = connect(server.addr, &app.token("health")).await;
    start(&mut socket, "a", ALERTS, json!({})).await;
    let idle = Duration::from_secs(if long { 100 } else { 3 });
    let began = Instant::now();
    quiet(&mut socket, idle.as_millis() as u64).await;
    let id = raise_alert(&app).await;
    let alert = next_alert(&mut socket).await;
    assert_eq!(alert["id"], id, "{alert}");
    assert!(alert["cursor"].is_string(), "{alert}");
    eprintln!(
        "idle socket survived {:.1} s and received the next alert",
        began.elapsed().as_secs_f64()
    );
}

#[tokio::test]
async fn a_peer_that_answers_nothing_is_closed_after_the_grace() {
    let app = TestApp::spawn_with(|c| {
        c.ws_ping_interval = Duration::from_millis(200);
        c.ws_pong_grace = Duration::from_millis(400);
    })
    .await;
    let server = app.serve().await;
    let mut socket = connect(server.addr, &app.token("health")).await;
    // Not reading: neither pong messages nor pong frames go back.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // The close frame is there, or the connection is already torn down under the client's pong.
    let code = loop {
        match socket.next().await {
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => break None,
        }
    };
    assert!(matches!(code, None | Some(3008)), "{code:?}");
    let metrics = metrics_text(server.addr).await;
    assert!(
        metrics.contains("live_sockets_closed_total{reason=\"silent\"}"),
        "{metrics}"
    );
}

/// The Prometheus text of the server.
async fn metrics_text(addr: std::net::SocketAddr) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        crate::helpers::METRICS_TOKEN
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut text = String::new();
    stream.read_to_string(&mut text).await.expect("read");
    text
}

#[tokio::test]
async fn a_second_subscribe_with_an_id_in_use_closes_with_4409() {
    let app = TestApp::spawn().await;
    let server = app.serve().await;
    let mut socket = connect(server.addr, &app.token("health")).await;
    start(&mut socket, "same", ALERTS, json!({})).await;
    start(&mut socket, "same", ALERTS, json!({})).await;
    assert_eq!(read(&mut socket, 5).await, Err(4409));
}

#[tokio::test]
async fn a_subscription_refused_before_it_starts_is_one_error_message_with_a_code() {
    let app = TestApp::spawn().await;
    let server = app.serve().await;
    let mut socket = connect(server.addr, &app.token("health")).await;
    // Fails validation (no such field), then refused by the resolver (no such district): one `error`
    // message each, with the code the same mistake gets over HTTP.
    let cases = [
        (
            "v",
            "subscription { screeningAlerts { nope } }",
            "{ me { nope } }",
            "BAD_USER_INPUT",
        ),
        (
            "n",
            "subscription { screeningAlerts(districtCode: \"999\") { id } }",
            "{ district(code: \"999\") { code } }",
            "NOT_FOUND",
        ),
    ];
    for (id, subscription, query, code) in cases {
        start(&mut socket, id, subscription, json!({})).await;
        let over_socket = refusal(&mut socket, id).await;
        assert_eq!(over_socket, code);
        let over_http = app.as_agency("health", query, json!({})).await;
        assert_eq!(
            over_http["errors"][0]["extensions"]["code"], over_socket,
            "{id}: {over_http}"
        );
    }
    // No `complete` follows an `error`; the socket serves on.
    quiet(&mut socket, 400).await;
    start(&mut socket, "v", ALERTS, json!({})).await;
    quiet(&mut socket, 300).await;
    let id = raise_alert(&app).await;
    assert_eq!(next_alert(&mut socket).await["id"], id);
}

#[tokio::test]
async fn the_subscription_over_the_socket_limit_is_refused_with_its_code() {
    let app = TestApp::spawn_with(|c| c.ws_max_subscriptions = 2).await;
    let server = app.serve().await;
    let mut socket = connect(server.addr, &app.token("health")).await;
    for id in ["1", "2", "3"] {
        start(&mut socket, id, ALERTS, json!({})).await;
    }
    assert_eq!(refusal(&mut socket, "3").await, "LIMIT_EXCEEDED");
}

#[tokio::test]
async fn a_socket_over_the_per_token_limit_is_closed_with_4429() {
    let app = TestApp::spawn_with(|c| c.ws_max_sockets_per_token = 2).await;
    let server = app.serve().await;
    let token = app.token("health");
    let _first = connect(server.addr, &token).await;
    let second = connect(server.addr, &token).await;
    let mut third = initiate(server.addr, &token).await;
    assert_eq!(read(&mut third, 5).await, Err(4429));
    // A socket closed frees its place.
    drop(second);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _again = connect(server.addr, &token).await;
}

#[tokio::test]
async fn a_client_that_reconnects_with_its_cursor_gets_exactly_what_it_missed_then_live() {
    let app = TestApp::spawn().await;
    let server = app.serve().await;
    let token = app.token("health");
    let (socket, cursor) = subscribed_with_a_cursor(&app, server.addr, &token).await;
    drop(socket);
    let mut missed = Vec::new();
    for _ in 0..3 {
        missed.push(raise_alert(&app).await);
    }
    let mut socket = connect(server.addr, &token).await;
    start(&mut socket, "a", ALERTS, json!({ "after": cursor })).await;
    let mut replayed = Vec::new();
    for _ in 0..3 {
        replayed.push(next_alert(&mut socket).await["id"].as_i64().expect("id"));
    }
    assert_eq!(replayed, missed, "exactly the missed alerts, in order");
    let live = raise_alert(&app).await;
    assert_eq!(next_alert(&mut socket).await["id"], live);
    quiet(&mut socket, 500).await;
    eprintln!(
        "replayed {} missed alerts after reconnecting",
        replayed.len()
    );
}

#[tokio::test]
async fn a_cursor_beyond_the_replay_bound_is_refused_with_cursor_expired() {
    let app = TestApp::spawn_with(|c| c.replay_max_events = 2).await;
    let server = app.serve().await;
    let token = app.token("health");
    let (mut socket, cursor) = subscribed_with_a_cursor(&app, server.addr, &token).await;
    for _ in 0..3 {
        raise_alert(&app).await;
    }
    start(&mut socket, "b", ALERTS, json!({ "after": cursor })).await;
    assert_eq!(refusal(&mut socket, "b").await, "CURSOR_EXPIRED");
    start(&mut socket, "c", ALERTS, json!({ "after": "not-a-cursor" })).await;
    assert_eq!(refusal(&mut socket, "c").await, "BAD_USER_INPUT");
}

/// A new VIEWER token of `health` (its id and a socket subscribed to the alerts of district 380).
async fn subscribed_viewer(
    app: &TestApp,
    server: &crate::helpers::RunningServer,
) -> (String, Socket) {
    let token = app.issue("health", entity::Role::Viewer).await;
    let jti = entity::api_token::Entity::find()
        .order_by_desc(entity::api_token::Column::Id)
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("the new token")
        .jti;
    let mut socket = connect(server.addr, &token).await;
    start(&mut socket, "a", ALERTS, json!({})).await;
    quiet(&mut socket, 300).await;
    (jti, socket)
}

#[tokio::test]
async fn a_token_revoked_while_its_socket_is_open_is_closed_with_4403_within_5_s() {
    let app = TestApp::spawn().await;
    let server = app.serve().await;
    let (jti, mut socket) = subscribed_viewer(&app, &server).await;
    let province = lienthong::admin::agencies::by_code(&app.state.db, "health")
        .await
        .expect("agency")
        .province_id;
    let admin = lienthong::auth::Actor::operator(province, "test");
    let revoked_at = Instant::now();
    lienthong::admin::tokens::revoke(&app.state.ctx(&admin), &jti)
        .await
        .expect("revoke");
    raise_alert(&app).await;
    assert_eq!(
        read(&mut socket, 5).await,
        Err(4403),
        "closed, no event first"
    );
    let delay = revoked_at.elapsed();
    assert!(delay < Duration::from_secs(5), "{delay:?}");
    eprintln!("revoked socket closed after {} ms", delay.as_millis());
}

#[tokio::test]
async fn a_socket_is_closed_with_4403_when_its_token_expires() {
    use lienthong::admin::tokens::{self, NewToken};
    let app = TestApp::spawn().await;
    let server = app.serve().await;
    let health = lienthong::admin::agencies::by_code(&app.state.db, "health")
        .await
        .expect("agency");
    let admin = lienthong::auth::Actor::operator(health.province_id, "test");
    let new = NewToken {
        agency_code: "health".into(),
        role: entity::Role::Viewer,
        subject: "short-lived".into(),
        ttl: chrono::Duration::seconds(3),
        note: None,
    };
    let issued = tokens::issue(&app.state.ctx(&admin), &app.state.keys, new)
        .await
        .expect("issue");
    let mut socket = connect(server.addr, &issued.text).await;
    start(&mut socket, "a", ALERTS, json!({})).await;
    assert_eq!(read(&mut socket, 8).await, Err(4403));
    let late = chrono::Utc::now() - issued.record.expires_at;
    assert!(late < chrono::Duration::seconds(5), "{late}");
    eprintln!(
        "expired socket closed {} ms after expiry",
        late.num_milliseconds()
    );
}

/// SQLite: a revocation written by another process (the command line) reaches no bus; the server reads
/// it from the event log when its next event shows the gap, and closes the token's socket.
#[tokio::test]
async fn a_revocation_by_another_process_closes_the_socket_at_the_next_event() {
    let app = TestApp::spawn().await;
    if !app.db.url.starts_with("sqlite") {
        // PostgreSQL carries every process's events on its notifications: see the test above.
        return;
    }
    let server = app.serve().await;
    let (jti, mut socket) = subscribed_viewer(&app, &server).await;
    // Another process: its own connection and state, no bus shared with the server.
    let db = sea_orm::Database::connect(app.db.url.as_str())
        .await
        .expect("connect");
    let cli = lienthong::AppState::open(crate::helpers::test_config(&app.db.url), db)
        .await
        .expect("state");
    let province = lienthong::admin::agencies::by_code(&cli.db, "health")
        .await
        .expect("agency")
        .province_id;
    let operator = lienthong::auth::Actor::operator(province, "cli");
    lienthong::admin::tokens::revoke(&cli.ctx(&operator), &jti)
        .await
        .expect("revoke");
    raise_alert(&app).await;
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match read(&mut socket, 5).await {
                Ok(_) => continue,
                Err(code) => return code,
            }
        }
    })
    .await;
    assert_eq!(closed, Ok(4403));
}

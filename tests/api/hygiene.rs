//! HTTP hygiene: timeouts answer 503 TIMEOUT, refusals say when to retry, the rate limit is checked
//! before the token is looked up, responses are compressed when asked, `/metrics` stays off the public
//! port, CSV imports over HTTP (with a dry run), and the access log names each request without a token
//! or a personal value.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{HttpClient, METRICS_TOKEN, ServerProcess, TestApp, TestDb, error_code};

const RECEIVE: &str =
    "mutation($input: ReceiveLotInput!) { receiveLot(input: $input) { lot { id } } }";

fn gql_request(token: &str, query: &str, variables: Value) -> Request<Body> {
    Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(
            json!({ "query": query, "variables": variables }).to_string(),
        ))
        .expect("request")
}

#[tokio::test]
async fn a_handler_past_the_timeout_answers_503_timeout_with_retry_after() {
    let app = TestApp::places_with(|c| c.request_timeout = Duration::from_millis(300)).await;
    // Hold the write lock so the mutation cannot finish: this process's writer queue on SQLite, the
    // audit table on PostgreSQL.
    let held = lienthong::db::begin_write(&app.state.db)
        .await
        .expect("begin");
    if TestDb::server() != crate::template::Server::Sqlite {
        held.execute_unprepared("LOCK TABLE audit_event IN ACCESS EXCLUSIVE MODE")
            .await
            .expect("lock");
    }
    let input = json!({ "input": { "districtCode": "380", "vaccineCode": "MODERNA", "lotNumber": "SLOW-1",
        "expiresOn": (chrono::Utc::now().date_naive() + chrono::Duration::days(90)).to_string(), "doses": 10 } });
    let (status, headers, body) = app
        .send(gql_request(&app.token("health-380"), RECEIVE, input))
        .await;
    held.rollback().await.expect("release");
    let body: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(error_code(&body), "TIMEOUT", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("idempotency key")),
        "{body}"
    );
    assert_eq!(
        headers.get("retry-after").map(|v| v.as_bytes()),
        Some(&b"1"[..])
    );
}

#[tokio::test]
async fn a_spent_quota_is_refused_with_retry_after_before_any_query() {
    let app = TestApp::places_with(|c| c.rate_limit_per_minute = 2).await;
    let token = app.token("police");
    for _ in 0..2 {
        let (status, _, _) = app
            .send(gql_request(&token, "{ me { subject } }", json!({})))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let before = app.state.statements_executed();
    let (status, headers, body) = app
        .send(gql_request(&token, "{ me { subject } }", json!({})))
        .await;
    let body: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED")
    );
    let retry: u64 = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .expect("Retry-After seconds");
    assert!(
        (1..=30).contains(&retry),
        "two a minute: one every 30 s, got {retry}"
    );
    assert_eq!(
        app.state.statements_executed(),
        before,
        "no token lookup for a refused request"
    );
}

#[tokio::test]
async fn large_responses_are_gzipped_when_the_client_accepts_it() {
    let app = TestApp::places().await;
    let query = "{ districts(first: 50) { edges { node { code name nameEn population } } } }";
    let with = |encoding: Option<&str>| {
        let mut request = gql_request(&app.token("health"), query, json!({}));
        if let Some(encoding) = encoding {
            request
                .headers_mut()
                .insert("accept-encoding", encoding.parse().expect("header"));
        }
        request
    };
    let (status, headers, body) = app.send(with(Some("gzip"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers.get("content-encoding").map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");
    let (_, headers, plain) = app.send(with(None)).await;
    assert!(headers.get("content-encoding").is_none());
    assert!(
        plain.len() > body.len(),
        "{} vs {}",
        plain.len(),
        body.len()
    );
    serde_json::from_slice::<Value>(&plain).expect("plain JSON without Accept-Encoding");
    // Small bodies are not worth it.
    let (_, headers, _) = app
        .send(
            Request::get("/healthz")
                .header("accept-encoding", "gzip")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(headers.get("content-encoding").is_none());
}

#[tokio::test]
async fn metrics_are_off_the_public_port_unless_a_token_guards_them() {
    let open = TestApp::places_with(|c| c.metrics_token = None).await;
    let get = |token: Option<&str>| {
        let mut request = Request::get("/metrics");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(Body::empty()).expect("request")
    };
    assert_eq!(open.send(get(None)).await.0, StatusCode::NOT_FOUND);
    let app = TestApp::places().await;
    assert_eq!(app.send(get(None)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.send(get(Some(&app.token("admin")))).await.0,
        StatusCode::UNAUTHORIZED
    );
    // A token expiring within the week shows in the gauge.
    app.issue("police", entity::Role::Viewer).await;
    let (status, _, body) = app.send(get(Some(METRICS_TOKEN))).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).expect("utf8");
    for metric in [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
    ] {
        assert!(text.contains(metric), "{metric} missing");
    }
    let expiring = text
        .lines()
        .find_map(|l| l.strip_prefix("api_tokens_expiring_within_7_days "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .expect("gauge");
    assert!(expiring >= 1.0, "{expiring}");
}

fn import(path: &str, token: &str, csv: &str) -> Request<Body> {
    Request::post(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/csv")
        .body(Body::from(csv.to_owned()))
        .expect("request")
}

#[tokio::test]
async fn csv_imports_over_http_check_with_a_dry_run_and_write_all_or_nothing() {
    let app = TestApp::places_with(|c| c.import_limit_bytes = 16 * 1024).await;
    let admin = app.token("admin");
    let csv = include_str!("../../data/districts-2021.csv");
    let count = "SELECT COUNT(*) AS n FROM district";
    let before = app.scalar(count).await;
    let audited = app.audit_count("district.import").await;

    let (status, _, body) = app
        .send(import("/import/districts.csv?dryRun=true", &admin, csv))
        .await;
    let body: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["dryRun"], true);
    assert_eq!(body["rows"], 53);
    assert_eq!(body["created"].as_u64(), Some(53 - before as u64), "{body}");
    assert_eq!(app.scalar(count).await, before, "a dry run writes nothing");
    assert_eq!(app.audit_count("district.import").await, audited);

    let bad = "code,name,kind,province_code,province_name\n380,Thành phố Thanh Hóa,thanh_pho,38,Tỉnh Thanh Hóa\n38x,Bad,huyen,38,Tỉnh Thanh Hóa\n";
    let (status, _, body) = app.send(import("/import/districts.csv", &admin, bad)).await;
    let body: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "BAD_USER_INPUT")
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("line 3")),
        "{body}"
    );
    let (status, _, body) = app
        .send(import(
            "/import/reports.csv?dryRun=true",
            &admin,
            "district_code,kind\n999,NOPE\n",
        ))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&body)
    );

    // Not an administrator, no token, too large: refused, nothing written.
    let (status, _, _) = app
        .send(import("/import/districts.csv", &app.token("health"), csv))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let unauthenticated = Request::post("/import/districts.csv")
        .body(Body::from(csv))
        .expect("request");
    assert_eq!(app.send(unauthenticated).await.0, StatusCode::UNAUTHORIZED);
    let huge = format!("{csv}{}", "x".repeat(17 * 1024));
    assert_eq!(
        app.send(import("/import/districts.csv", &admin, &huge))
            .await
            .0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(app.scalar(count).await, before);

    let (status, _, body) = app.send(import("/import/districts.csv", &admin, csv)).await;
    let body: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["dryRun"], false);
    assert_eq!(app.scalar(count).await, 53);
    assert_eq!(app.audit_count("district.import").await, audited + 1);
}

/// The first access-log line of `server` that `wanted` picks, parsed; waits up to 5 s for it.
async fn access_line(server: &ServerProcess, wanted: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..50 {
        let lines: Vec<Value> = server
            .log
            .lock()
            .expect("log")
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|l| l["target"] == "lienthong::access")
            .collect();
        if let Some(line) = lines.into_iter().find(&wanted) {
            return line;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no such access-log line: {:?}",
        server.log.lock().expect("log")
    );
}

#[tokio::test]
async fn the_access_log_names_each_request_at_info_and_never_a_token_or_a_personal_value() {
    let app = TestApp::spawn().await;
    let server = ServerProcess::start_logging_access(&app.db.url);
    let client = HttpClient::new(server.addr);
    let token = app.token("police");
    let personal = [
        "Nguyễn Thị Nhật Ký",
        "038190004321",
        "0912004321",
        "12 Phố Nhật Ký",
    ];
    let input = json!({ "checkpointCode": "TH-GA-THANHHOA", "recordedAt": chrono::Utc::now().to_rfc3339(),
        "direction": "INBOUND", "vehicleKind": "CAR", "peopleCount": 1, "decision": "ALLOWED",
        "fullName": personal[0], "idNumber": personal[1], "phone": personal[2], "destinationAddress": personal[3],
        "destinationDistrictCode": "380" });
    let record = "mutation RecordForTheLog($i: RecordScreeningInput!) { recordScreening(input: $i) { screening { id } } }";
    let body = client.gql(&token, record, json!({ "i": input })).await;
    assert!(
        body["data"]["recordScreening"]["screening"]["id"].is_i64(),
        "{body}"
    );
    // A refused token is logged too, as what it is: a 401 with no agency.
    let refused = client
        .gql(
            "not-a-token",
            "query RefusedForTheLog { me { role } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&refused), "UNAUTHENTICATED", "{refused}");

    let line = access_line(&server, |l| l["operation"] == "RecordForTheLog").await;
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(
        (
            &line["method"],
            &line["path"],
            &line["status"],
            &line["agency"]
        ),
        (
            &json!("POST"),
            &json!("/graphql"),
            &json!(200),
            &json!("police")
        ),
        "{line}"
    );
    assert!(
        line["duration_ms"].as_f64().is_some_and(|d| d >= 0.0),
        "{line}"
    );
    assert!(
        line["request_id"].as_str().is_some_and(|id| !id.is_empty()),
        "{line}"
    );
    // Refused before its body is read: no operation, no agency.
    let line = access_line(&server, |l| l["status"] == 401).await;
    assert_eq!(
        (&line["operation"], &line["agency"]),
        (&json!(""), &json!("")),
        "{line}"
    );
    let log = server.log.lock().expect("log").join("\n");
    for secret in personal
        .iter()
        .copied()
        .chain([token.as_str(), "not-a-token"])
    {
        assert!(!log.contains(secret), "the log holds {secret}: {log}");
    }
    server.kill();
}

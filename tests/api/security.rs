//! DESIGN.md §8 as behaviour: transport rules, query limits, masking, fail-fast pool, rate limits, CORS,
//! health endpoints.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, urlencode};

fn post(token: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post("/graphql")
        .header("content-type", content_type)
        .header("authorization", format!("Bearer {token}"))
        .body(body.into())
        .expect("request")
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let app = TestApp::places().await;
    let padding = "x".repeat(64 * 1024);
    let body =
        json!({ "query": "{ me { subject } }", "variables": { "pad": padding } }).to_string();
    let (status, _, _) = app
        .send(post(&app.token("health"), "application/json", body))
        .await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn batches_text_plain_and_get_mutations_are_refused() {
    let app = TestApp::places().await;
    let token = app.token("health");
    let batch =
        json!([{ "query": "{ me { subject } }" }, { "query": "{ me { role } }" }]).to_string();
    let (status, _, body) = app.send(post(&token, "application/json", batch)).await;
    assert_eq!(
        (status.as_u16(), error_code(&json_of(&body))),
        (400, "BAD_USER_INPUT")
    );

    let plain = json!({ "query": "{ me { subject } }" }).to_string();
    let (status, _, body) = app.send(post(&token, "text/plain", plain)).await;
    assert_eq!(
        (status.as_u16(), error_code(&json_of(&body))),
        (415, "BAD_USER_INPUT")
    );

    let query = "mutation { updateDistrict(input: { code: \"380\", treatmentBeds: 1 }) { district { code } } }";
    let uri = format!("/graphql?query={}", urlencode(query));
    let get = Request::get(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .expect("req");
    let (status, _, body) = app.send(get).await;
    assert_eq!(
        (status.as_u16(), error_code(&json_of(&body))),
        (405, "BAD_USER_INPUT")
    );
    let after = app
        .as_agency(
            "health",
            "{ district(code: \"380\") { treatmentBeds } }",
            json!({}),
        )
        .await;
    assert_ne!(after["data"]["district"]["treatmentBeds"], 1);

    let uri = format!("/graphql?query={}", urlencode("{ me { subject } }"));
    let get = Request::get(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .expect("req");
    let (status, headers, body) = app.send(get).await;
    assert_eq!(status, 200);
    assert_eq!(json_of(&body)["data"]["me"]["subject"], "demo-health");
    assert!(headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn depth_aliases_and_complexity_are_bounded() {
    let app = TestApp::places().await;
    // Data nested past the depth limit, and introspection nested past its own (deeper) limit.
    let data = format!(
        "{{ district(code: \"380\") {{ {}code{} }} }}",
        "vaccineLots(first: 1) { district { ".repeat(6),
        " } }".repeat(6)
    );
    let schema = format!(
        "{{ __type(name: \"Query\") {{ fields {{ type {}{} }} }} }}",
        "{ ofType ".repeat(24),
        "{ name }".to_owned() + &" }".repeat(24)
    );
    for deep in [data, schema] {
        let body = app.as_agency("health", &deep, json!({})).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    }

    let aliases: String = (0..31)
        .map(|i| format!("a{i}: me {{ subject }} "))
        .collect();
    let body = app
        .as_agency("health", &format!("{{ {aliases} }}"), json!({}))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("aliases")
    );

    let heavy: String = (0..12).map(|i| format!("d{i}: districts(first: 500) {{ edges {{ node {{ code province {{ code name }} }} }} }} ")).collect();
    let body = app
        .as_agency("health", &format!("{{ {heavy} }}"), json!({}))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(body["data"].is_null());
}

#[tokio::test]
async fn introspection_and_suggestions_are_off_in_production() {
    let app = TestApp::places_with(|c| c.introspection = false).await;
    let body = app
        .as_agency("health", "{ __schema { types { name } } }", json!({}))
        .await;
    assert!(
        body["data"].is_null() || body["data"]["__schema"].is_null(),
        "{body}"
    );
    let body = app
        .as_agency("health", "{ districs { totalCount } }", json!({}))
        .await;
    let message = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(!message.contains("Did you mean"), "{message}");
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn internal_errors_are_masked_and_roll_back() {
    let app = TestApp::places().await;
    // Break the audit table: the update itself succeeds, its audit row cannot be written.
    app.state
        .db
        .execute_unprepared("DROP TABLE audit_event")
        .await
        .expect("drop");
    let body = app.as_agency("health", "mutation { updateDistrict(input: { code: \"386\", treatmentBeds: 321 }) { district { code } } }", json!({})).await;
    assert_eq!(error_code(&body), "INTERNAL", "{body}");
    assert_eq!(body["errors"][0]["message"], "internal error");
    assert!(
        body["errors"][0]["extensions"]["requestId"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    let text = body.to_string().to_lowercase();
    assert!(
        !text.contains("audit_event") && !text.contains("sql"),
        "no database detail leaks: {text}"
    );
    let after = app
        .as_agency(
            "health",
            "{ district(code: \"386\") { treatmentBeds } }",
            json!({}),
        )
        .await;
    assert_ne!(
        after["data"]["district"]["treatmentBeds"], 321,
        "the change was rolled back with its audit row"
    );
}

#[tokio::test]
async fn an_exhausted_pool_fails_fast_with_unavailable() {
    let app = TestApp::places_with(|c| {
        c.db_max_connections = 1;
        c.db_acquire_timeout = Duration::from_millis(300);
    })
    .await;
    let token = app.token("health");
    let held = app
        .state
        .db
        .begin()
        .await
        .expect("hold the only connection");
    let started = Instant::now();
    let (status, body) = app.gql(Some(&token), "{ me { subject } }", json!({})).await;
    assert_eq!(
        (status.as_u16(), error_code(&body)),
        (503, "UNAVAILABLE"),
        "{body}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    held.rollback().await.expect("release");
    assert_eq!(
        app.gql(Some(&token), "{ me { subject } }", json!({}))
            .await
            .0,
        200,
        "service resumes"
    );
}

#[tokio::test]
async fn rate_limits_are_per_token() {
    let app = TestApp::places_with(|c| c.rate_limit_per_minute = 3).await;
    let (police, health) = (app.token("police"), app.token("health"));
    for _ in 0..3 {
        assert_eq!(
            app.gql(Some(&police), "{ me { subject } }", json!({}))
                .await
                .0,
            200
        );
    }
    let (status, body) = app
        .gql(Some(&police), "{ me { subject } }", json!({}))
        .await;
    assert_eq!((status.as_u16(), error_code(&body)), (429, "RATE_LIMITED"));
    assert_eq!(
        app.gql(Some(&health), "{ me { subject } }", json!({}))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app =
        TestApp::places_with(|c| c.cors_origins = vec!["https://dashboard.example.vn".into()])
            .await;
    let preflight = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/graphql")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .body(Body::empty())
            .expect("req")
    };
    let (_, headers, _) = app.send(preflight("https://dashboard.example.vn")).await;
    assert_eq!(
        headers
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://dashboard.example.vn")
    );
    let (_, headers, _) = app.send(preflight("https://evil.example.com")).await;
    assert!(headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    lienthong::telemetry::metrics_handle();
    let app = TestApp::places().await;
    let get = |uri: &str| Request::get(uri).body(Body::empty()).expect("req");
    assert_eq!(app.send(get("/healthz")).await.0, 200);
    assert_eq!(app.send(get("/readyz")).await.0, 200);
    let _ = app
        .as_agency("police", "{ district(code: \"999\") { code } }", json!({}))
        .await;
    assert_eq!(
        app.send(get("/metrics")).await.0,
        401,
        "/metrics asks its token"
    );
    let metrics = Request::get("/metrics")
        .header(
            "authorization",
            format!("Bearer {}", crate::helpers::METRICS_TOKEN),
        )
        .body(Body::empty())
        .expect("req");
    let (status, _, body) = app.send(metrics).await;
    assert_eq!(status, 200);
    let text = String::from_utf8(body).expect("utf8");
    for metric in [
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "graphql_errors_total",
        "db_pool_connections",
    ] {
        assert!(text.contains(metric), "{metric} missing from:\n{text}");
    }
    assert!(text.contains("code=\"NOT_FOUND\""));
    let (status, _, body) = app.send(get("/")).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("graphiql"));
}

#[tokio::test]
async fn migrations_are_idempotent() {
    let app = TestApp::places().await;
    app.migrate_again().await;
    assert_eq!(
        app.as_agency("health", "{ districts { totalCount } }", json!({}))
            .await["data"]["districts"]["totalCount"],
        27
    );
}

//! Every abusive request of the benchmark's catalog, one by one through the real router: refused with its
//! status and code, at the cost of authentication at most (no statement beyond it), nothing written, and
//! the server answering ordinary requests after. Under load: `lienthong-bench abuse` (README, Reliability).

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::helpers::{HttpClient, TestApp, error_code, next_event, open_subscription};

#[path = "../../src/bin/bench/abuse_catalog.rs"]
mod abuse_catalog;

use abuse_catalog::{Limits, catalog};

/// Statements authentication runs for one request (the token lookup).
const AUTHENTICATION_STATEMENTS: u64 = 1;

#[tokio::test]
async fn every_abusive_request_is_refused_with_a_code_at_bounded_cost() {
    let app = TestApp::places_with(|c| {
        c.introspection = false;
        c.rate_limit_per_minute = 1_000_000;
    })
    .await;
    let config = &app.state.config;
    let limits = Limits {
        body_bytes: config.body_limit_bytes,
        depth: config.max_depth,
        complexity: config.max_complexity,
        aliases: config.max_aliases,
        directives: config.max_directives,
    };
    let token = app.token("health");
    let audits = app.scalar("SELECT COUNT(*) AS n FROM audit_event").await;
    let mut wrong = Vec::new();
    let abuses = catalog(&limits);
    for abuse in &abuses {
        let bearer = abuse.token.as_deref().unwrap_or(&token);
        let request = Request::builder()
            .method(abuse.method)
            .uri(abuse.uri.as_str())
            .header("content-type", abuse.content_type)
            .header("authorization", format!("Bearer {bearer}"))
            .body(Body::from(abuse.body.clone()))
            .expect("request");
        let before = app.state.statements_executed();
        let (status, _, bytes) = app.send(request).await;
        let statements = app.state.statements_executed() - before;
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let message = body["errors"][0]["message"].as_str().unwrap_or("");
        let seen = (status.as_u16(), error_code(&body));
        if seen != (abuse.status, abuse.code)
            || statements > AUTHENTICATION_STATEMENTS
            || !body["data"]
                .as_object()
                .is_none_or(|d| d.values().all(Value::is_null))
            || message.contains("Did you mean")
        {
            wrong.push(format!(
                "{}: {seen:?} after {statements} statements: {}",
                abuse.name,
                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(abuses.len() >= 19, "the whole catalog ran");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM audit_event").await,
        audits,
        "nothing was written"
    );
    let after = app
        .as_agency("health", "{ me { subject } }", json!({}))
        .await;
    assert_eq!(after["data"]["me"]["subject"], "demo-health", "{after}");
}

/// The same bounds hold on the WebSocket path, where the library parses the subscription itself.
#[tokio::test]
async fn a_deeply_nested_subscription_is_refused_and_the_server_keeps_serving() {
    let app = TestApp::places().await;
    let server = app.serve().await;
    let token = app.token("health");
    let nested = format!(
        "subscription {{ transferEvents(districtCode: {}\"380\"{}) {{ id }} }}",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    let mut socket = open_subscription(server.addr, &token, &nested).await;
    let answer = next_event(&mut socket).await;
    // Refused before parsing: one `error` message carrying the error (graphql-transport-ws).
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(
        answer["payload"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{answer}"
    );
    let client = HttpClient::new(server.addr);
    let after = client.gql(&token, "{ me { subject } }", json!({})).await;
    assert_eq!(after["data"]["me"]["subject"], "demo-health", "{after}");
}

//! Disabling an agency: its tokens are refused at once, its open sockets close with 4403 before any
//! further event, and enabling it brings its tokens back. Administrators only, within their scope.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{TestApp, error_code};
use crate::live::{ALERTS, connect, quiet, raise_alert, read, start};

const DISABLE: &str =
    "mutation($c: String!) { disableAgency(input: { code: $c }) { agency { code disabledAt } } }";
const ENABLE: &str =
    "mutation($c: String!) { enableAgency(input: { code: $c }) { agency { code disabledAt } } }";
const ME: &str = "{ me { agency { code } } }";

#[tokio::test]
async fn a_disabled_agency_loses_its_sockets_and_requests_until_enabled() {
    let app = TestApp::spawn().await;
    let server = app.serve().await;
    let health = app.token("health");
    let mut socket = connect(server.addr, &health).await;
    start(&mut socket, "a", ALERTS, json!({})).await;
    quiet(&mut socket, 300).await;
    let audits = app.audit_count("agency.disable").await;

    let disabled_at = Instant::now();
    let body = app
        .as_agency("admin", DISABLE, json!({ "c": "health" }))
        .await;
    assert!(
        body["data"]["disableAgency"]["agency"]["disabledAt"].is_string(),
        "{body}"
    );
    raise_alert(&app).await;
    assert_eq!(
        read(&mut socket, 5).await,
        Err(4403),
        "closed, no event first"
    );
    let delay = disabled_at.elapsed();
    assert!(delay < Duration::from_secs(5), "{delay:?}");
    eprintln!(
        "socket of a disabled agency closed after {} ms",
        delay.as_millis()
    );
    assert_eq!(app.audit_count("agency.disable").await, audits + 1);

    let (status, body) = app.gql(Some(&health), ME, json!({})).await;
    assert_eq!(
        (status.as_u16(), error_code(&body)),
        (401, "UNAUTHENTICATED"),
        "{body}"
    );
    let again = app
        .as_agency("admin", DISABLE, json!({ "c": "health" }))
        .await;
    assert_eq!(error_code(&again), "INVALID_STATE", "{again}");

    let body = app
        .as_agency("admin", ENABLE, json!({ "c": "health" }))
        .await;
    assert!(
        body["data"]["enableAgency"]["agency"]["disabledAt"].is_null(),
        "{body}"
    );
    let (status, body) = app.gql(Some(&health), ME, json!({})).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert_eq!(body["data"]["me"]["agency"]["code"], "health", "{body}");
    let again = app
        .as_agency("admin", ENABLE, json!({ "c": "health" }))
        .await;
    assert_eq!(error_code(&again), "INVALID_STATE", "{again}");
    assert_eq!(app.audit_count("agency.enable").await, 1);
}

#[tokio::test]
async fn only_administrators_disable_and_never_their_own_agency() {
    let app = TestApp::places().await;
    let refused = app
        .as_agency("health", DISABLE, json!({ "c": "police" }))
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
    let own = app
        .as_agency("admin", DISABLE, json!({ "c": "admin" }))
        .await;
    assert_eq!(error_code(&own), "FORBIDDEN", "{own}");
    let unknown = app
        .as_agency("admin", DISABLE, json!({ "c": "no-such-agency" }))
        .await;
    assert_eq!(error_code(&unknown), "NOT_FOUND", "{unknown}");
    // Nothing changed: police still works.
    let body = app.as_agency("police", ME, json!({})).await;
    assert_eq!(body["data"]["me"]["agency"]["code"], "police", "{body}");
}

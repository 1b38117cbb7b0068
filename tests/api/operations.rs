//! The operation allow-list: with it on, non-ADMIN tokens run only operations an administrator has
//! registered, sent in full or by hash, over POST, GET and WebSocket; everything else is refused with
//! OPERATION_NOT_ALLOWED before it runs.

use axum::body::Body;
use axum::http::Request;
use lienthong::operation_text::hash_of;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, error_field, next_event, subscribe, urlencode};

const DISTRICT: &str = "query One($code: String!) { district(code: $code) { code name } }";
const REGISTER: &str = "mutation($name: String!, $query: String!) { registerOperation(input: { name: $name, query: $query }) { operation { hash name registeredBy } } }";

async fn allow_list_app() -> TestApp {
    TestApp::places_with(|config| config.operation_allow_list = true).await
}

async fn register(app: &TestApp, name: &str, query: &str) -> Value {
    let (status, body) = app
        .gql(
            Some(&app.token("admin")),
            REGISTER,
            json!({ "name": name, "query": query }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// POSTs a request body as it is, with the token of `agency`.
async fn post_raw(app: &TestApp, agency: &str, body: Value) -> (u16, Value) {
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", app.token(agency)))
        .body(Body::from(body.to_string()))
        .expect("request");
    let (status, _, bytes) = app.send(request).await;
    (
        status.as_u16(),
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn by_hash(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

#[tokio::test]
async fn unregistered_operations_are_refused_for_non_admin_tokens() {
    let app = allow_list_app().await;
    let vars = json!({ "code": "380" });
    let (status, body) = app
        .gql(Some(&app.token("health")), DISTRICT, vars.clone())
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(error_code(&body), "OPERATION_NOT_ALLOWED");
    assert!(body.get("data").is_none_or(Value::is_null), "{body}");

    // An unknown hash alone is refused the same way; a malformed one names the field.
    let (status, body) = post_raw(
        &app,
        "police",
        json!({ "extensions": by_hash(&hash_of("{ me { subject } }")) }),
    )
    .await;
    assert_eq!((status, error_code(&body)), (403, "OPERATION_NOT_ALLOWED"));
    let (status, body) = post_raw(&app, "police", json!({ "extensions": by_hash("abc") })).await;
    assert_eq!(status, 400);
    assert_eq!(error_field(&body), "extensions.persistedQuery.sha256Hash");

    // ADMIN tokens are not bound by the list (they manage it).
    let (status, body) = app.gql(Some(&app.token("admin")), DISTRICT, vars).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["district"]["code"], "380", "{body}");
}

#[tokio::test]
async fn registered_operations_run_in_full_or_by_hash_until_removed() {
    let app = allow_list_app().await;
    let registered = register(&app, "district card", DISTRICT).await;
    let hash = hash_of(DISTRICT);
    assert_eq!(
        registered["data"]["registerOperation"]["operation"]["hash"],
        hash.as_str()
    );
    assert_eq!(app.audit_count("operation.register").await, 1);
    // Registering the same text again returns the record and writes nothing.
    register(&app, "district card again", DISTRICT).await;
    assert_eq!(app.audit_count("operation.register").await, 1);

    let vars = json!({ "code": "380" });
    let (status, body) = app
        .gql(Some(&app.token("health")), DISTRICT, vars.clone())
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["district"]["code"], "380");

    // By hash alone, over POST and over GET.
    let (status, body) = post_raw(
        &app,
        "police",
        json!({ "variables": vars, "extensions": by_hash(&hash) }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["district"]["code"], "380");
    let uri = format!(
        "/graphql?variables={}&extensions={}",
        urlencode(&vars.to_string()),
        urlencode(&by_hash(&hash).to_string())
    );
    let request = Request::get(uri)
        .header(
            "authorization",
            format!("Bearer {}", app.token("transport")),
        )
        .body(Body::empty())
        .expect("request");
    let (status, _, bytes) = app.send(request).await;
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["district"]["code"], "380");

    // A hash that does not match the text sent is refused, not run.
    let (status, body) = post_raw(
        &app,
        "police",
        json!({ "query": "{ me { subject } }", "extensions": by_hash(&hash) }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(error_field(&body), "extensions.persistedQuery.sha256Hash");

    // Removed: refused from the next request on.
    let remove = "mutation($hash: String!) { removeOperation(input: { hash: $hash }) { operation { name } } }";
    let (_, body) = app
        .gql(Some(&app.token("admin")), remove, json!({ "hash": hash }))
        .await;
    assert_eq!(
        body["data"]["removeOperation"]["operation"]["name"], "district card",
        "{body}"
    );
    assert_eq!(app.audit_count("operation.remove").await, 1);
    let (status, body) = app.gql(Some(&app.token("health")), DISTRICT, vars).await;
    assert_eq!(
        (status.as_u16(), error_code(&body)),
        (403, "OPERATION_NOT_ALLOWED")
    );
}

#[tokio::test]
async fn only_province_administrators_manage_the_list() {
    let app = allow_list_app().await;
    // Registering is itself an operation; a non-admin cannot even send it unregistered.
    let (status, body) = app
        .gql(
            Some(&app.token("health")),
            REGISTER,
            json!({ "name": "x", "query": DISTRICT }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), error_code(&body)),
        (403, "OPERATION_NOT_ALLOWED")
    );

    // With the list off, the permission table still keeps non-admins out.
    let open = TestApp::places().await;
    let (_, body) = open
        .gql(
            Some(&open.token("health")),
            REGISTER,
            json!({ "name": "x", "query": DISTRICT }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let list = "{ persistedOperations { nodes { hash } } }";
    let (_, body) = open.gql(Some(&open.token("health")), list, json!({})).await;
    assert_eq!(body["data"]["persistedOperations"]["nodes"], json!([]));

    // Bad registrations name their field and write nothing.
    for (name, query, field) in [
        ("", DISTRICT, "name"),
        ("broken", "query { district(", "query"),
        ("empty", "", "query"),
    ] {
        let (_, body) = open
            .gql(
                Some(&open.token("admin")),
                REGISTER,
                json!({ "name": name, "query": query }),
            )
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(error_field(&body), field);
    }
    assert_eq!(open.audit_count("operation.register").await, 0);
    let (_, body) = open.gql(Some(&open.token("admin")), list, json!({})).await;
    assert_eq!(body["data"]["persistedOperations"]["nodes"], json!([]));
}

#[tokio::test]
async fn subscriptions_follow_the_list_too() {
    let app = allow_list_app().await;
    let server = app.serve().await;
    let query = "subscription { transferEvents(districtCode: \"380\") { id } }";
    let mut socket = subscribe(server.addr, &app.token("health"), query).await;
    let message = next_event(&mut socket).await;
    assert!(
        message.to_string().contains("OPERATION_NOT_ALLOWED"),
        "{message}"
    );
    assert!(message["payload"]["data"].is_null(), "{message}");
    server.stop().await.expect("stop");
}

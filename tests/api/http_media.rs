//! GraphQL over HTTP as the spec writes it: `application/graphql-response+json` when accepted (400 and
//! no `data` for a request error, 200 once execution began), `application/json` for older clients.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::TestApp;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

async fn post(app: &TestApp, accept: Option<&str>, body: Value) -> (StatusCode, String, Value) {
    let mut request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", app.token("health")));
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    let (status, headers, bytes) = app
        .send(request.body(Body::from(body.to_string())).expect("request"))
        .await;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn request_errors_answer_400_without_data_under_the_spec_media_type() {
    let app = TestApp::places().await;
    let accept = Some("application/graphql-response+json, application/json;q=0.9");
    for (what, body) in [
        ("parse", json!({ "query": "{ districts(" })),
        ("validation", json!({ "query": "{ noSuchField }" })),
        (
            "variables",
            json!({ "query": "query($n: Int) { districts(first: $n) { totalCount } }", "variables": { "n": "ten" } }),
        ),
        ("no query", json!({ "qeury": "{ __typename }" })),
    ] {
        let (status, content_type, body) = post(&app, accept, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        assert!(
            content_type.starts_with(GRAPHQL_RESPONSE),
            "{what}: {content_type}"
        );
        assert!(
            body.get("data").is_none(),
            "{what}: a request error has no data entry: {body}"
        );
        assert!(
            body["errors"][0]["extensions"]["code"].is_string(),
            "{what}: {body}"
        );
    }
    // Execution began: 200, with data, even when a field fails.
    let (status, content_type, body) = post(
        &app,
        accept,
        json!({ "query": "{ districts(first: 1) { totalCount } }" }),
    )
    .await;
    assert_eq!(
        (status, content_type.starts_with(GRAPHQL_RESPONSE)),
        (StatusCode::OK, true),
        "{body}"
    );
    // A failing non-null root field nulls `data`, yet the request executed: 200, and `data` is there.
    let query = json!({ "query": "{ district(code: \"999\") { code } }" });
    let (status, _, body) = post(&app, accept, query).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{body}"
    );
    assert_eq!(body.get("data"), Some(&Value::Null), "{body}");
}

#[tokio::test]
async fn older_clients_keep_application_json_and_200() {
    let app = TestApp::places().await;
    for accept in [None, Some("application/json"), Some("*/*")] {
        let (status, content_type, body) =
            post(&app, accept, json!({ "query": "{ noSuchField }" })).await;
        assert_eq!(status, StatusCode::OK, "{accept:?}: {body}");
        assert!(
            content_type.starts_with("application/json"),
            "{accept:?}: {content_type}"
        );
        assert!(body.get("data").is_none(), "{accept:?}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
    }
    let (status, _, body) = post(
        &app,
        Some("text/html"),
        json!({ "query": "{ __typename }" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "Accept", "{body}");
}

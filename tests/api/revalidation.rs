//! A request equal (document, operation, variables) to one that passed validation runs with the
//! library's fast validation (`graphql::documents`). What that must not loosen: limits that depend on
//! the variables, full validation of other variables, and a document that failed, which fails the
//! same way every time.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

const HEAVY: &str = "query Heavy($n: Int!) { \
    a: districts(first: $n) { nodes { code vaccineLots(first: $n) { id vaccine { code name } } } } \
    b: districts(first: $n) { nodes { name vaccineLots(first: $n) { lotNumber } } } }";

async fn heavy(app: &TestApp, n: i64) -> Value {
    app.as_agency("health", HEAVY, json!({ "n": n })).await
}

#[tokio::test]
async fn a_remembered_document_still_meets_the_complexity_limit_with_other_variables() {
    let app = TestApp::places().await;
    let first = heavy(&app, 1).await;
    assert!(first.get("errors").is_none(), "{first}");
    // The same request again (validated before) answers the same.
    assert_eq!(heavy(&app, 1).await, first);
    // Other variables push the complexity past the limit: refused, as on a server that never saw it.
    let refused = heavy(&app, 100).await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT", "{refused}");
    assert!(refused["data"].is_null(), "{refused}");
    let fresh = TestApp::places().await;
    assert_eq!(heavy(&fresh, 100).await, refused);
    // Refused again once remembered variants exist for the document, and the small one still passes.
    assert_eq!(heavy(&app, 100).await, refused);
    assert_eq!(heavy(&app, 1).await, first);
}

#[tokio::test]
async fn other_variables_are_validated_in_full() {
    const ONE: &str = "query One($code: String!) { district(code: $code) { code name } }";
    let app = TestApp::places().await;
    for _ in 0..2 {
        let body = app.as_agency("health", ONE, json!({ "code": "380" })).await;
        assert_eq!(body["data"]["district"]["code"], "380", "{body}");
    }
    let fresh = TestApp::places().await;
    for variables in [json!({ "code": 380 }), json!({}), json!({ "code": null })] {
        let body = app.as_agency("health", ONE, variables.clone()).await;
        assert!(body["data"].is_null(), "{variables}: {body}");
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{variables}: {body}");
        let reference = fresh.as_agency("health", ONE, variables.clone()).await;
        assert_eq!(body, reference, "{variables}");
    }
}

#[tokio::test]
async fn a_document_that_failed_validation_fails_the_same_way_each_time() {
    let app = TestApp::places().await;
    let invalid = [
        "{ district(code: \"380\") { code nope } }",
        "query Q($c: String!) { district(code: \"380\") { code } }",
        "{ district { code } }",
        "{ ...F } fragment F on Query { district(code: \"380\") { code } } fragment G on Query { me { subject } }",
    ];
    for query in invalid {
        let first = app.as_agency("health", query, json!({})).await;
        assert_eq!(error_code(&first), "BAD_USER_INPUT", "{query}: {first}");
        for _ in 0..3 {
            assert_eq!(
                app.as_agency("health", query, json!({})).await,
                first,
                "{query}"
            );
        }
    }
}

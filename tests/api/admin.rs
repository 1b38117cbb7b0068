//! Agencies, tokens and the audit log through the API.

use serde_json::json;

use crate::helpers::{TestApp, error_code, error_field};

const CREATE: &str = "mutation($input: CreateAgencyInput!) { createAgency(input: $input) { agency { code name kind district { code } } } }";
const ISSUE: &str = "mutation($input: IssueTokenInput!) { issueToken(input: $input) { token apiToken { jti subject role active agency { code } } } }";
const REVOKE: &str = "mutation($jti: String!) { revokeToken(input: { jti: $jti }) { apiToken { jti active revokedBy revokedAt } } }";

#[tokio::test]
async fn administrators_create_agencies() {
    let app = TestApp::places().await;
    let input = json!({ "code": "police-381", "name": "Công an thị xã Bỉm Sơn", "kind": "POLICE", "districtCode": "381" });
    let body = app
        .as_agency("admin", CREATE, json!({ "input": input }))
        .await;
    assert_eq!(
        body["data"]["createAgency"]["agency"],
        json!({ "code": "police-381", "name": "Công an thị xã Bỉm Sơn", "kind": "POLICE", "district": { "code": "381" } })
    );
    assert_eq!(app.audit_count("agency.create").await, 60 + 1);

    let again = app
        .as_agency("admin", CREATE, json!({ "input": input }))
        .await;
    assert_eq!(error_code(&again), "CONFLICT");
    let bad = app
        .as_agency(
            "admin",
            CREATE,
            json!({ "input": { "code": "Bad Code!", "name": "x", "kind": "POLICE" } }),
        )
        .await;
    assert_eq!(
        (error_code(&bad), error_field(&bad)),
        ("BAD_USER_INPUT", "code")
    );
    let bad = app.as_agency("admin", CREATE, json!({ "input": { "code": "police-999", "name": "x", "kind": "POLICE", "districtCode": "999" } })).await;
    assert_eq!(
        (error_code(&bad), error_field(&bad)),
        ("BAD_USER_INPUT", "districtCode")
    );
    let bad = app
        .as_agency(
            "admin",
            CREATE,
            json!({ "input": { "code": "blank", "name": "  ", "kind": "POLICE" } }),
        )
        .await;
    assert_eq!(
        (error_code(&bad), error_field(&bad)),
        ("BAD_USER_INPUT", "name")
    );
    let denied = app
        .as_agency(
            "health",
            CREATE,
            json!({ "input": { "code": "rogue", "name": "x", "kind": "HEALTH" } }),
        )
        .await;
    assert_eq!(error_code(&denied), "FORBIDDEN");
    assert_eq!(
        app.audit_count("agency.create").await,
        61,
        "refusals write nothing"
    );
}

#[tokio::test]
async fn agency_and_token_lists_are_for_administrators_only() {
    let app = TestApp::places().await;
    let body = app.as_agency("admin", "{ agencies(first: 500) { totalCount } apiTokens { totalCount edges { node { subject agency { code } } } } }", json!({})).await;
    assert_eq!(body["data"]["agencies"]["totalCount"], 60);
    assert_eq!(body["data"]["apiTokens"]["totalCount"], 8);
    let body = app
        .as_agency(
            "police",
            "{ agencies { totalCount edges { node { code } } } apiTokens { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        body.get("errors").is_none(),
        "a denied list is empty, not an error: {body}"
    );
    assert_eq!(body["data"]["agencies"]["totalCount"], 0);
    assert_eq!(body["data"]["apiTokens"]["totalCount"], 0);
}

#[tokio::test]
async fn issued_tokens_work_and_revoked_ones_stop_at_once() {
    let app = TestApp::places().await;
    let input = json!({ "agencyCode": "health-381", "role": "EDITOR", "subject": "Nguyễn Văn A", "ttl": "7d", "note": "district data officer" });
    let body = app
        .as_agency("admin", ISSUE, json!({ "input": input }))
        .await;
    let issued = &body["data"]["issueToken"];
    assert_eq!(issued["apiToken"]["agency"]["code"], "health-381", "{body}");
    assert_eq!(issued["apiToken"]["active"], true);
    let token = issued["token"].as_str().expect("token").to_owned();
    let jti = issued["apiToken"]["jti"].as_str().expect("jti").to_owned();
    let me = app
        .gql(
            Some(&token),
            "{ me { subject agency { code district { code } } } }",
            json!({}),
        )
        .await
        .1;
    assert_eq!(
        me["data"]["me"],
        json!({ "subject": "Nguyễn Văn A", "agency": { "code": "health-381", "district": { "code": "381" } } })
    );

    let revoked = app.as_agency("admin", REVOKE, json!({ "jti": jti })).await;
    assert_eq!(revoked["data"]["revokeToken"]["apiToken"]["active"], false);
    assert_eq!(
        revoked["data"]["revokeToken"]["apiToken"]["revokedBy"],
        "admin/demo-admin"
    );
    assert_eq!(
        app.gql(Some(&token), "{ me { subject } }", json!({}))
            .await
            .0,
        401
    );
    let twice = app.as_agency("admin", REVOKE, json!({ "jti": jti })).await;
    assert_eq!(error_code(&twice), "INVALID_STATE");
    let unknown = app
        .as_agency("admin", REVOKE, json!({ "jti": "nope" }))
        .await;
    assert_eq!(error_code(&unknown), "NOT_FOUND");
    assert_eq!(app.audit_count("token.revoke").await, 1);
}

#[tokio::test]
async fn token_issue_is_refused_with_reasons() {
    let app = TestApp::places().await;
    let app = &app;
    let issue = |input: serde_json::Value| async move {
        app.as_agency("admin", ISSUE, json!({ "input": input }))
            .await
    };
    let before = app.audit_count("token.issue").await;
    let body = issue(json!({ "agencyCode": "health", "role": "ADMIN", "subject": "x" })).await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "role")
    );
    let body =
        issue(json!({ "agencyCode": "health", "role": "VIEWER", "subject": "x", "ttl": "400d" }))
            .await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "ttl")
    );
    let body = issue(json!({ "agencyCode": "nobody", "role": "VIEWER", "subject": "x" })).await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "agencyCode")
    );
    let body = issue(json!({ "agencyCode": "health", "role": "VIEWER", "subject": "" })).await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "subject")
    );
    // Only administrators with role ADMIN issue tokens.
    let editor = app.issue("admin", entity::Role::Editor).await;
    let body = app
        .gql(
            Some(&editor),
            ISSUE,
            json!({ "input": { "agencyCode": "health", "role": "VIEWER", "subject": "x" } }),
        )
        .await
        .1;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = app
        .as_agency(
            "health",
            ISSUE,
            json!({ "input": { "agencyCode": "health", "role": "APPROVER", "subject": "me" } }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert_eq!(
        app.audit_count("token.issue").await,
        before + 1,
        "only the operator's own issue above was written"
    );
}

#[tokio::test]
async fn the_audit_log_is_for_steering_and_administration() {
    let app = TestApp::places().await;
    for agency in ["steering", "admin"] {
        let body = app.as_agency(agency, "{ auditEvents(first: 5, filter: { entity: \"agency\" }) { totalCount edges { node { action entity } } } }", json!({})).await;
        assert_eq!(
            body["data"]["auditEvents"]["totalCount"], 60,
            "{agency}: {body}"
        );
        assert_eq!(
            body["data"]["auditEvents"]["edges"][0]["node"]["action"],
            "agency.create"
        );
    }
    for agency in ["health", "police", "committee-380"] {
        let body = app
            .as_agency(agency, "{ auditEvents { totalCount } }", json!({}))
            .await;
        assert_eq!(body["data"]["auditEvents"]["totalCount"], 0, "{agency}");
    }
}

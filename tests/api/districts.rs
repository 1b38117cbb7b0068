//! Districts: reading within scope, search, pagination, and profile updates with every refusal.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, error_field};

const UPDATE: &str = "mutation($input: UpdateDistrictInput!) { updateDistrict(input: $input) { district { code population adults18Plus treatmentBeds intensiveCareBeds version treatmentCapacityRequired meetsTreatmentCapacity } } }";
const ONE: &str = "query($code: String!) { district(code: $code) { code name kind population adults18Plus treatmentBeds version } }";

async fn district(app: &TestApp, code: &str) -> Value {
    app.as_agency("health", ONE, json!({ "code": code })).await["data"]["district"].clone()
}

#[tokio::test]
async fn one_district_by_code() {
    let app = TestApp::places().await;
    let body = app.as_agency("police", "{ district(code: \"381\") { code name nameEn kind population populationYear populationIllustrative province { code name } } }", json!({})).await;
    assert_eq!(
        body["data"]["district"],
        json!({ "code": "381", "name": "Thị xã Bỉm Sơn", "nameEn": "Bim Son Town", "kind": "TOWN", "population": 53442,
                "populationYear": 2019, "populationIllustrative": false, "province": { "code": "38", "name": "Tỉnh Thanh Hóa" } })
    );
}

#[tokio::test]
async fn unknown_district_is_not_found() {
    let app = TestApp::places().await;
    let body = app.as_agency("police", ONE, json!({ "code": "999" })).await;
    assert_eq!(error_code(&body), "NOT_FOUND");
    let body = app
        .as_agency(
            "health",
            UPDATE,
            json!({ "input": { "code": "999", "population": 1000 } }),
        )
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND");
}

#[tokio::test]
async fn pages_through_all_districts_in_a_stable_order() {
    let app = TestApp::places().await;
    let query = "query($after: String) { districts(first: 10, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { code } } } }";
    let mut after = Value::Null;
    let mut codes = Vec::new();
    let mut pages = 0;
    loop {
        let body = app
            .as_agency("steering", query, json!({ "after": after }))
            .await;
        let conn = &body["data"]["districts"];
        assert_eq!(conn["totalCount"], 27, "{body}");
        codes.extend(
            conn["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"]["code"].as_str().expect("code").to_owned()),
        );
        pages += 1;
        if !conn["pageInfo"]["hasNextPage"].as_bool().expect("bool") {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(pages, 3);
    assert_eq!(codes.len(), 27);
    assert_eq!(codes.first().map(String::as_str), Some("380"));
    assert_eq!(codes.last().map(String::as_str), Some("407"));
    let mut sorted = codes.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), 27, "no row twice");
}

#[tokio::test]
async fn bad_page_arguments_name_the_field() {
    let app = TestApp::places().await;
    let body = app
        .as_agency(
            "steering",
            "{ districts(first: 501) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "first")
    );
    let body = app
        .as_agency(
            "steering",
            "{ districts(after: \"forged\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "after")
    );
}

#[tokio::test]
async fn search_ignores_case_and_diacritics() {
    let app = TestApp::places().await;
    let query =
        "query($s: String) { districts(filter: { search: $s }) { edges { node { code } } } }";
    let codes = |body: Value| -> Vec<String> {
        body["data"]["districts"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["code"].as_str().expect("c").to_owned())
            .collect()
    };
    assert_eq!(
        codes(
            app.as_agency("health", query, json!({ "s": "thanh hoa" }))
                .await
        ),
        vec!["380"]
    );
    assert_eq!(
        codes(
            app.as_agency("health", query, json!({ "s": "HOẰNG hóa" }))
                .await
        ),
        vec!["399"]
    );
    assert_eq!(
        codes(
            app.as_agency("health", query, json!({ "s": "Dong Son" }))
                .await
        ),
        vec!["405"]
    );
    assert_eq!(
        codes(app.as_agency("health", query, json!({ "s": "%" })).await).len(),
        27,
        "wildcards are literal text, not patterns"
    );
    let body = app
        .as_agency(
            "health",
            "{ districts(filter: { kind: TOWN }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["districts"]["totalCount"], 2);
    let body = app
        .as_agency(
            "health",
            "{ districts(filter: { provinceCode: \"22\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["districts"]["totalCount"], 0);
}

#[tokio::test]
async fn district_agencies_see_only_their_district() {
    let app = TestApp::places().await;
    let body = app
        .as_agency(
            "committee-380",
            "{ districts { totalCount edges { node { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["districts"]["totalCount"], 1);
    assert_eq!(body["data"]["districts"]["edges"][0]["node"]["code"], "380");
    let body = app
        .as_agency("committee-380", ONE, json!({ "code": "381" }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn update_changes_the_profile_and_audits_it() {
    let app = TestApp::places().await;
    let before = district(&app, "381").await;
    let input = json!({ "code": "381", "population": 60000, "adults18Plus": 41000, "treatmentBeds": 90, "intensiveCareBeds": 6, "expectedVersion": before["version"] });
    let body = app
        .as_agency("health", UPDATE, json!({ "input": input }))
        .await;
    let d = &body["data"]["updateDistrict"]["district"];
    assert_eq!(d["population"], 60000, "{body}");
    assert_eq!(d["version"], before["version"].as_i64().expect("v") + 1);
    assert_eq!(d["treatmentCapacityRequired"], 100);
    assert_eq!(d["meetsTreatmentCapacity"], false);
    let body = app
        .as_agency(
            "health",
            UPDATE,
            json!({ "input": { "code": "381", "treatmentBeds": 100 } }),
        )
        .await;
    assert_eq!(
        body["data"]["updateDistrict"]["district"]["meetsTreatmentCapacity"],
        true
    );

    let audit = app
        .as_agency("steering", "{ auditEvents(filter: { action: \"district.update\" }) { totalCount edges { node { agencyCode subject entityId requestId before after } } } }", json!({}))
        .await;
    let events = &audit["data"]["auditEvents"];
    assert_eq!(events["totalCount"], 2, "{audit}");
    let first = &events["edges"][0]["node"];
    assert_eq!(first["agencyCode"], "health");
    assert_eq!(first["entityId"], "381");
    assert_eq!(first["before"]["population"], 53442);
    assert_eq!(first["after"]["population"], 60000);
    assert!(first["requestId"].as_str().is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn bad_figures_name_the_field_and_change_nothing() {
    let app = TestApp::places().await;
    let before = district(&app, "390").await;
    let cases = [
        (json!({ "code": "390", "population": -5 }), "population"),
        (
            json!({ "code": "390", "population": 900_000_000i64 }),
            "population",
        ),
        (json!({ "code": "390", "adults18Plus": -1 }), "adults18Plus"),
        (
            json!({ "code": "390", "adults18Plus": 100_327 }),
            "adults18Plus",
        ),
        (
            json!({ "code": "390", "population": 1000, "adults18Plus": 2000 }),
            "adults18Plus",
        ),
        (json!({ "code": "390", "population": 10 }), "population"),
        (
            json!({ "code": "390", "treatmentBeds": -3 }),
            "treatmentBeds",
        ),
        (
            json!({ "code": "390", "intensiveCareBeds": 100_001 }),
            "intensiveCareBeds",
        ),
        (
            json!({ "code": "390", "treatmentBeds": 10, "intensiveCareBeds": 20 }),
            "intensiveCareBeds",
        ),
        (
            json!({ "code": "390", "populationYear": 1066 }),
            "populationYear",
        ),
    ];
    for (input, field) in cases {
        let body = app
            .as_agency("health", UPDATE, json!({ "input": input.clone() }))
            .await;
        assert_eq!(
            (error_code(&body), error_field(&body)),
            ("BAD_USER_INPUT", field),
            "{input} -> {body}"
        );
    }
    assert_eq!(district(&app, "390").await, before, "nothing was written");
    assert_eq!(app.audit_count("district.update").await, 0);
}

#[tokio::test]
async fn a_stale_version_is_a_conflict() {
    let app = TestApp::places().await;
    let v = district(&app, "392").await["version"]
        .as_i64()
        .expect("version");
    let ok = app
        .as_agency(
            "health",
            UPDATE,
            json!({ "input": { "code": "392", "treatmentBeds": 150, "expectedVersion": v } }),
        )
        .await;
    assert!(ok.get("errors").is_none(), "{ok}");
    let stale = app
        .as_agency(
            "committee-380",
            UPDATE,
            json!({ "input": { "code": "380", "treatmentBeds": 1, "expectedVersion": 999 } }),
        )
        .await;
    assert_eq!(error_code(&stale), "CONFLICT");
    let stale = app
        .as_agency(
            "health",
            UPDATE,
            json!({ "input": { "code": "392", "treatmentBeds": 170, "expectedVersion": v } }),
        )
        .await;
    assert_eq!(error_code(&stale), "CONFLICT");
    assert_eq!(district(&app, "392").await["treatmentBeds"], 150);
}

#[tokio::test]
async fn only_the_right_agencies_may_update() {
    let app = TestApp::places().await;
    let change = |code: &str| json!({ "input": { "code": code, "treatmentBeds": 333 } });
    // A district committee edits its own district only.
    assert_eq!(
        error_code(&app.as_agency("committee-380", UPDATE, change("381")).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&app.as_agency("committee-380", UPDATE, change("380")).await),
        ""
    );
    // District health centres may not; the provincial department may.
    assert_eq!(
        error_code(&app.as_agency("health-380", UPDATE, change("380")).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&app.as_agency("health", UPDATE, change("383")).await),
        "NOT_FOUND"
    );
    // Police read but do not write; a VIEWER never writes.
    assert_eq!(
        error_code(&app.as_agency("police", UPDATE, change("385")).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&app.as_agency("steering", UPDATE, change("385")).await),
        "FORBIDDEN"
    );
    let viewer = app.issue("admin", entity::Role::Viewer).await;
    assert_eq!(
        error_code(&app.gql(Some(&viewer), UPDATE, change("385")).await.1),
        "FORBIDDEN"
    );
    assert_ne!(district(&app, "381").await["treatmentBeds"], 333);
    assert_ne!(district(&app, "385").await["treatmentBeds"], 333);
    assert_eq!(app.audit_count("district.update").await, 1);
}

#[tokio::test]
async fn update_payload_and_audit_row_are_stable_contracts() {
    let app = TestApp::places().await;
    let body = app
        .as_agency(
            "committee-380",
            UPDATE,
            json!({ "input": { "code": "380", "treatmentBeds": 250, "expectedVersion": 2 } }),
        )
        .await;
    insta::assert_json_snapshot!("update_district_payload", body);
    let audit = app
        .as_agency("admin", "{ auditEvents(filter: { action: \"district.update\" }) { edges { node { id at agencyCode subject jti action entity entityId requestId before after } } } }", json!({}))
        .await;
    insta::assert_json_snapshot!("update_district_audit", audit, {
        ".data.auditEvents.edges[].node.id" => "[id]",
        ".data.auditEvents.edges[].node.at" => "[at]",
        ".data.auditEvents.edges[].node.jti" => "[jti]",
        ".data.auditEvents.edges[].node.requestId" => "[request id]",
        ".data.auditEvents.edges[].node.*.created_at" => "[timestamp]",
        ".data.auditEvents.edges[].node.*.updated_at" => "[timestamp]",
        // Row ids are the database's, not part of the contract.
        ".data.auditEvents.edges[].node.*.id" => "[id]",
        ".data.auditEvents.edges[].node.*.province_id" => "[id]",
    });
}

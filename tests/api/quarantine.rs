//! Quarantine: facility occupancy never over capacity under concurrent admissions, hostile input
//! refused with nothing written, an overdue scheduled test raising exactly one alert, supervision and
//! violations alerting health, personal fields under the policy with audit rows, and the summary.

use chrono::{Duration, Utc};
use entity::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, error_field};

const OPEN: &str = "mutation($i: OpenQuarantineCaseInput!) { openQuarantineCase(input: $i) { quarantineCase { id status plannedEndAt tests { id dueAt } } } }";

async fn facility(app: &TestApp, code: &str, capacity: i32) {
    let body = app
        .as_agency(
            "health",
            "mutation($i: CreateQuarantineFacilityInput!) { createQuarantineFacility(input: $i) { facility { code occupancy freePlaces } } }",
            json!({ "i": { "code": code, "name": "Khu cách ly thử", "districtCode": "380", "kind": "CONCENTRATED", "capacity": capacity } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        body["data"]["createQuarantineFacility"]["facility"]["freePlaces"],
        capacity
    );
}

fn concentrated(code: &str, n: usize) -> Value {
    json!({ "category": "F1", "kind": "CONCENTRATED", "fullName": format!("Người cách ly {n}"), "districtCode": "380", "facilityCode": code })
}

fn home() -> Value {
    json!({ "category": "F1", "kind": "HOME_ISOLATION", "fullName": "Hoàng Thị Nhà", "idNumber": "038190001234",
        "phone": "0912345678", "address": "5 Trần Phú, phường Ba Đình", "districtCode": "380", "communeCode": "14776",
        "commitment": { "personName": "Hoàng Thị Nhà", "householdName": "Hoàng Văn Chủ", "signedAt": Utc::now().to_rfc3339() } })
}

async fn open(app: &TestApp, input: Value) -> Value {
    let body = app.as_agency("health", OPEN, json!({ "i": input })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["openQuarantineCase"]["quarantineCase"].clone()
}

#[tokio::test]
async fn sixteen_concurrent_admissions_never_exceed_capacity() {
    let app = TestApp::places().await;
    facility(&app, "KCL-THU", 5).await;
    let token = app.token("health");
    let admissions = (0..16).map(|n| {
        let (app, token) = (&app, token.clone());
        async move {
            app.gql(
                Some(&token),
                OPEN,
                json!({ "i": concentrated("KCL-THU", n) }),
            )
            .await
            .1
        }
    });
    let bodies = futures_util::future::join_all(admissions).await;
    let admitted = bodies.iter().filter(|b| b.get("errors").is_none()).count();
    assert_eq!(admitted, 5, "{bodies:?}");
    for refused in bodies.iter().filter(|b| b.get("errors").is_some()) {
        assert_eq!(
            (error_code(refused), error_field(refused)),
            ("BAD_USER_INPUT", "facilityCode"),
            "{refused}"
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM quarantine_case WHERE status = 'OPEN'")
            .await,
        5
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM alert WHERE reasons = 'FACILITY_FULL'")
            .await,
        1
    );
    let body = app
        .as_agency("health", "{ quarantineFacilities(first: 5, filter: { hasFreePlaces: false }) { nodes { code occupancy freePlaces } } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["quarantineFacilities"]["nodes"],
        json!([{ "code": "KCL-THU", "occupancy": 5, "freePlaces": 0 }]),
        "{body}"
    );
}

#[tokio::test]
async fn hostile_cases_and_tests_are_refused_and_write_nothing() {
    let app = TestApp::places().await;
    facility(&app, "KCL-DAY", 1).await;
    open(&app, concentrated("KCL-DAY", 0)).await;
    let cases = app
        .scalar("SELECT COUNT(*) AS n FROM quarantine_case")
        .await;
    let tests = app
        .scalar("SELECT COUNT(*) AS n FROM quarantine_test")
        .await;

    let mut end_first = home();
    end_first["startedAt"] = json!(Utc::now().to_rfc3339());
    end_first["plannedEndAt"] = json!((Utc::now() - Duration::days(1)).to_rfc3339());
    let mut unsigned = home();
    unsigned["commitment"] = Value::Null;
    let mut no_facility = concentrated("KCL-DAY", 1);
    no_facility["facilityCode"] = Value::Null;
    // Phường Ba Đình of Bỉm Sơn (381), not of the city (380); a code the reference list does not hold.
    let mut other_district = home();
    other_district["communeCode"] = json!("14812");
    let mut unknown_commune = home();
    unknown_commune["communeCode"] = json!("99999");
    for (input, field) in [
        (concentrated("KCL-DAY", 1), "facilityCode"),
        (end_first, "plannedEndAt"),
        (unsigned, "commitment"),
        (no_facility, "facilityCode"),
        (other_district, "communeCode"),
        (unknown_commune, "communeCode"),
    ] {
        let body = app.as_agency("health", OPEN, json!({ "i": input })).await;
        assert_eq!(
            (error_code(&body), error_field(&body)),
            ("BAD_USER_INPUT", field),
            "{body}"
        );
    }
    let case = open(&app, home()).await;
    let record = "mutation($i: RecordQuarantineTestInput!) { recordQuarantineTest(input: $i) { quarantineCase { id } } }";
    for (taken_at, why) in [
        (Utc::now() - Duration::days(2), "before the start"),
        (Utc::now() + Duration::hours(2), "future"),
    ] {
        let input = json!({ "caseId": case["id"], "kind": "RT_PCR", "result": "NEGATIVE", "takenAt": taken_at.to_rfc3339() });
        let body = app.as_agency("health", record, json!({ "i": input })).await;
        assert_eq!(
            (error_code(&body), error_field(&body)),
            ("BAD_USER_INPUT", "takenAt"),
            "{why}: {body}"
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM quarantine_case")
            .await,
        cases + 1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM quarantine_test WHERE taken_at IS NOT NULL")
            .await,
        0
    );
    assert!(
        app.scalar("SELECT COUNT(*) AS n FROM quarantine_test")
            .await
            > tests
    );
    // Only health opens cases.
    let body = app
        .as_agency("committee-380", OPEN, json!({ "i": home() }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
}

#[tokio::test]
async fn an_overdue_scheduled_test_raises_exactly_one_alert() {
    let app = TestApp::places().await;
    let case = open(&app, home()).await;
    // F1: tests on days 1, 3 and 7; at home seven days.
    assert_eq!(case["tests"].as_array().map(Vec::len), Some(3), "{case}");
    let record = "mutation($i: RecordQuarantineTestInput!) { recordQuarantineTest(input: $i) { quarantineCase { tests { takenAt result } } } }";
    let input = json!({ "caseId": case["id"], "kind": "RT_PCR", "result": "NEGATIVE", "takenAt": Utc::now().to_rfc3339() });
    let body = app.as_agency("health", record, json!({ "i": input })).await;
    let tests = &body["data"]["recordQuarantineTest"]["quarantineCase"]["tests"];
    assert_eq!(
        tests[0]["result"], "NEGATIVE",
        "the day-1 test is filled: {body}"
    );

    let actor = lienthong::auth::Actor::operator(1, "sweep");
    let sweep = || async {
        lienthong::quarantine::schedule::sweep_overdue(&app.state.ctx(&actor))
            .await
            .expect("sweep")
    };
    // Day 3 is due at 72 hours; with a day's grace, health hears at 96 hours, once.
    app.state.clock.advance(Duration::hours(80));
    assert_eq!(sweep().await, 0);
    let overdue = app
        .as_agency("health", "{ quarantineCases(first: 5, filter: { overdue: true }) { nodes { id overdueTests { dueAt } } } }", json!({}))
        .await;
    assert_eq!(
        overdue["data"]["quarantineCases"]["nodes"][0]["id"], case["id"],
        "{overdue}"
    );
    app.state.clock.advance(Duration::hours(17));
    assert_eq!(sweep().await, 1);
    assert_eq!(sweep().await, 0);
    let alerts = app
        .as_agency(
            "health-380",
            "{ alerts(first: 10) { nodes { reasons quarantineCaseId screening { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        alerts["data"]["alerts"]["nodes"],
        json!([{ "reasons": ["OVERDUE_TEST"], "quarantineCaseId": case["id"], "screening": null }]),
        "{alerts}"
    );
}

#[tokio::test]
async fn supervision_and_violations_alert_health_and_an_abscondment_ends_the_case() {
    let app = TestApp::places().await;
    let case = open(&app, home()).await;
    let visit = json!({ "caseId": case["id"], "at": Utc::now().to_rfc3339(), "present": false, "note": "Không có mặt tại nhà" });
    let body = app
        .as_agency("committee-380", "mutation($i: RecordSupervisionVisitInput!) { recordSupervisionVisit(input: $i) { quarantineCase { notes { kind present } } } }", json!({ "i": visit }))
        .await;
    assert_eq!(
        body["data"]["recordSupervisionVisit"]["quarantineCase"]["notes"],
        json!([{ "kind": "VISIT", "present": false }]),
        "{body}"
    );
    let violation =
        json!({ "caseId": case["id"], "at": Utc::now().to_rfc3339(), "violation": "ABSCONDED" });
    let mutation = "mutation($i: RecordQuarantineViolationInput!) { recordQuarantineViolation(input: $i) { quarantineCase { status } } }";
    let body = app
        .as_agency("health", mutation, json!({ "i": violation }))
        .await;
    assert_eq!(
        error_code(&body),
        "FORBIDDEN",
        "police record violations: {body}"
    );
    let body = app
        .as_agency("police", mutation, json!({ "i": violation }))
        .await;
    assert_eq!(
        body["data"]["recordQuarantineViolation"]["quarantineCase"]["status"], "ABSCONDED",
        "{body}"
    );
    let reasons = app
        .as_agency(
            "health",
            "{ alerts(first: 10) { nodes { reasons } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        reasons["data"]["alerts"]["nodes"],
        json!([{ "reasons": ["COMMITMENT_BROKEN"] }, { "reasons": ["ABSCONDED"] }]),
        "{reasons}"
    );
    let close = "mutation($i: CloseQuarantineCaseInput!) { closeQuarantineCase(input: $i) { quarantineCase { status } } }";
    let body = app
        .as_agency(
            "health",
            close,
            json!({ "i": { "id": case["id"], "status": "RELEASED" } }),
        )
        .await;
    assert_eq!(error_code(&body), "INVALID_STATE", "{body}");
}

#[tokio::test]
async fn case_personal_fields_follow_the_policy_with_audit_rows_and_the_summary_has_none() {
    let app = TestApp::places().await;
    open(&app, home()).await;
    let query = "{ quarantineCases(first: 5) { nodes { id category fullName idNumber phone address commitmentHousehold } } }";
    let before = app.audit_count("quarantine_case.personal_read").await;
    for agency in ["health", "health-380", "police", "committee-380"] {
        let body = app.as_agency(agency, query, json!({})).await;
        assert!(body.get("errors").is_none(), "{agency}: {body}");
        let node = &body["data"]["quarantineCases"]["nodes"][0];
        assert_eq!(node["fullName"], "Hoàng Thị Nhà", "{agency}");
        assert_eq!(node["commitmentHousehold"], "Hoàng Văn Chủ", "{agency}");
    }
    assert_eq!(
        app.audit_count("quarantine_case.personal_read").await,
        before + 4
    );
    let other = app.issue("health-381", Role::Viewer).await;
    let (_, body) = app.gql(Some(&other), query, json!({})).await;
    assert_eq!(
        body["data"]["quarantineCases"]["nodes"],
        json!([]),
        "another district's health: {body}"
    );
    for agency in ["steering", "transport"] {
        let body = app.as_agency(agency, query, json!({})).await;
        assert_eq!(
            body["data"]["quarantineCases"]["nodes"],
            json!([]),
            "{agency}: {body}"
        );
    }
    assert_eq!(
        app.audit_count("quarantine_case.personal_read").await,
        before + 4
    );

    let summary = app
        .as_agency(
            "steering",
            "{ quarantineSummary { district { code } communeCode communeName open homeIsolation f1 overdue } }",
            json!({}),
        )
        .await;
    assert_eq!(
        summary["data"]["quarantineSummary"],
        json!([{ "district": { "code": "380" }, "communeCode": "14776", "communeName": "Phường Ba Đình", "open": 1, "homeIsolation": 1, "f1": 1, "overdue": 0 }]),
        "{summary}"
    );
    let body = app
        .as_agency("transport", "{ quarantineSummary { open } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
}

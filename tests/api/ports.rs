//! The port gate: cargo release derived from crew tests (released, held naming who, blocked by a
//! positive that alerts health within a second and opens an F0 case), hostile input, crew personal
//! fields under the policy with audit rows, and cohort testing with its overdue alert.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, error_field, next_event, subscribe};

const PORT: &str = "TH-TEST-CANG";

const RECORD_CALL: &str = "mutation($i: RecordVesselCallInput!) { recordVesselCall(input: $i) { vesselCall { id cargoRelease crew { id role } holdReasons { reason crewMember { id role fullName } } } } }";
const RECORD_TEST: &str = "mutation($i: RecordCrewTestInput!) { recordCrewTest(input: $i) { vesselCall { id cargoRelease holdReasons { reason crewMember { id fullName } } } } }";

/// A seaport in district 380 staffed by provincial transport.
async fn port(app: &TestApp) {
    let body = app
        .as_agency(
            "police",
            "mutation($i: CreateCheckpointInput!) { createCheckpoint(input: $i) { checkpoint { code } } }",
            json!({ "i": { "code": PORT, "name": "Cảng thử", "districtCode": "380", "kind": "SEAPORT", "staffingAgencyCodes": ["transport"] } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}

fn call_input(arrived_hours_ago: i64) -> Value {
    json!({
        "checkpointCode": PORT, "vesselName": "Hải Phòng 08", "registration": "IMO9123456", "flag": "Việt Nam",
        "arrivedAt": (Utc::now() - Duration::hours(arrived_hours_ago)).to_rfc3339(), "lastPorts": ["Hải Phòng", "Quảng Châu"],
        "crew": [
            { "fullName": "Trần Văn Thuyền", "idNumber": "C1000001", "role": "CAPTAIN" },
            { "fullName": "Lê Văn Một", "idNumber": "C1000002", "role": "CREW" },
            { "fullName": "Phạm Văn Hai", "idNumber": "C1000003", "role": "CREW" }
        ]
    })
}

async fn record_call(app: &TestApp, input: Value) -> Value {
    let body = app
        .as_agency("health", RECORD_CALL, json!({ "i": input }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["recordVesselCall"]["vesselCall"].clone()
}

async fn crew_test(
    app: &TestApp,
    member: &Value,
    result: &str,
    taken_at: chrono::DateTime<Utc>,
) -> Value {
    let input = json!({ "crewMemberId": member, "kind": "RT_PCR", "result": result, "takenAt": taken_at.to_rfc3339() });
    let body = app
        .as_agency("health", RECORD_TEST, json!({ "i": input }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["recordCrewTest"]["vesselCall"].clone()
}

#[tokio::test]
async fn cargo_release_is_derived_from_the_crew_tests() {
    let app = TestApp::places().await;
    port(&app).await;
    let arrived = Utc::now() - Duration::hours(10);
    let call = record_call(&app, call_input(10)).await;
    assert_eq!(call["cargoRelease"], "HELD");
    assert_eq!(call["holdReasons"].as_array().map(Vec::len), Some(3));
    assert!(
        call["holdReasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["reason"] == "UNTESTED")
    );
    let crew = call["crew"].as_array().unwrap().clone();

    // Captain and first crew member negative in the window: held, naming the one untested.
    crew_test(
        &app,
        &crew[0]["id"],
        "NEGATIVE",
        arrived + Duration::hours(1),
    )
    .await;
    let after = crew_test(
        &app,
        &crew[1]["id"],
        "NEGATIVE",
        arrived + Duration::hours(2),
    )
    .await;
    assert_eq!(after["cargoRelease"], "HELD");
    assert_eq!(
        after["holdReasons"],
        json!([{ "reason": "UNTESTED", "crewMember": { "id": crew[2]["id"], "fullName": "Phạm Văn Hai" } }])
    );

    // A negative taken before arrival does not count.
    let early = crew_test(
        &app,
        &crew[2]["id"],
        "NEGATIVE",
        arrived - Duration::hours(1),
    )
    .await;
    assert_eq!(early["cargoRelease"], "HELD");
    assert_eq!(early["holdReasons"][0]["reason"], "TEST_BEFORE_ARRIVAL");

    // Within the window: released.
    let released = crew_test(
        &app,
        &crew[2]["id"],
        "NEGATIVE",
        arrived + Duration::hours(3),
    )
    .await;
    assert_eq!(released["cargoRelease"], "RELEASED");
    assert_eq!(released["holdReasons"], json!([]));

    // A negative taken after the validity window (72 hours) does not count either.
    let old = record_call(&app, json!({ "checkpointCode": PORT, "vesselName": "Cũ", "registration": "VN-1", "flag": "Việt Nam",
        "arrivedAt": (Utc::now() - Duration::hours(100)).to_rfc3339(), "crew": [{ "fullName": "A", "idNumber": "X1", "role": "CAPTAIN" }] })).await;
    let late = crew_test(
        &app,
        &old["crew"][0]["id"],
        "NEGATIVE",
        Utc::now() - Duration::hours(20),
    )
    .await;
    assert_eq!(late["cargoRelease"], "HELD");
    assert_eq!(late["holdReasons"][0]["reason"], "TEST_OUTSIDE_WINDOW");

    let listed = app
        .as_agency("health", "{ vesselCalls(first: 10, filter: { checkpointCode: \"TH-TEST-CANG\" }) { nodes { id cargoRelease lastPorts } } }", json!({}))
        .await;
    let nodes = listed["data"]["vesselCalls"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(nodes.len(), 2, "{listed}");
    assert_eq!(nodes[0]["cargoRelease"], "RELEASED");
    assert_eq!(nodes[0]["lastPorts"], json!(["Hải Phòng", "Quảng Châu"]));
}

#[tokio::test]
async fn a_positive_blocks_the_cargo_alerts_health_and_opens_an_f0_case() {
    let app = TestApp::places().await;
    port(&app).await;
    let server = app.serve().await;
    let query = "subscription { screeningAlerts(districtCode: \"380\") { id reasons vesselCallId screening { id } } }";
    let mut socket = subscribe(server.addr, &app.token("health"), query).await;
    let call = record_call(&app, call_input(5)).await;
    let crew = call["crew"].as_array().unwrap().clone();
    let blocked = crew_test(
        &app,
        &crew[1]["id"],
        "POSITIVE",
        Utc::now() - Duration::hours(1),
    )
    .await;
    assert_eq!(blocked["cargoRelease"], "BLOCKED");
    let positive: Vec<&Value> = blocked["holdReasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["reason"] == "POSITIVE")
        .collect();
    assert_eq!(positive.len(), 1);
    assert_eq!(positive[0]["crewMember"]["fullName"], "Lê Văn Một");

    let event = next_event(&mut socket).await;
    let alert = &event["payload"]["data"]["screeningAlerts"];
    assert_eq!(alert["reasons"], json!(["POSITIVE_CREW_TEST"]), "{event}");
    assert_eq!(alert["vesselCallId"], call["id"]);
    assert!(alert["screening"].is_null());

    let cases = app
        .as_agency("health", "{ quarantineCases(first: 10, filter: { category: F0 }) { nodes { category kind status crewMemberId fullName district { code } } } }", json!({}))
        .await;
    let nodes = cases["data"]["quarantineCases"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(nodes.len(), 1, "{cases}");
    assert_eq!(nodes[0]["crewMemberId"], crew[1]["id"]);
    assert_eq!(nodes[0]["fullName"], "Lê Văn Một");
    assert_eq!(nodes[0]["district"]["code"], "380");

    // A second positive of the same person opens no second case.
    crew_test(&app, &crew[1]["id"], "POSITIVE", Utc::now()).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM quarantine_case")
            .await,
        1
    );
    drop(socket);
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn hostile_vessel_calls_and_crew_tests_are_refused_and_write_nothing() {
    let app = TestApp::places().await;
    port(&app).await;
    let mut twice = call_input(1);
    twice["crew"][2]["idNumber"] = json!("c1000002");
    let mut no_captain = call_input(1);
    no_captain["crew"][0]["role"] = json!("CREW");
    let mut not_a_port = call_input(1);
    not_a_port["checkpointCode"] = json!("NOPE");
    let mut future = call_input(1);
    future["arrivedAt"] = json!((Utc::now() + Duration::hours(2)).to_rfc3339());
    for (input, field) in [
        (twice, "crew[2].idNumber"),
        (no_captain, "crew"),
        (not_a_port, "checkpointCode"),
        (future, "arrivedAt"),
    ] {
        let body = app
            .as_agency("health", RECORD_CALL, json!({ "i": input }))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(error_field(&body), field, "{body}");
    }
    // A release cannot be typed in: there is no field for it, and no mutation.
    let mut by_hand = call_input(1);
    by_hand["cargoRelease"] = json!("RELEASED");
    let body = app
        .as_agency("health", RECORD_CALL, json!({ "i": by_hand }))
        .await;
    assert!(
        body["errors"].is_array() && body["data"].is_null(),
        "{body}"
    );
    let body = app.as_agency("health", "mutation { setCargoRelease(input: { vesselCallId: 1, cargoRelease: RELEASED }) { vesselCall { id } } }", json!({})).await;
    assert!(
        body["errors"].is_array() && body["data"].is_null(),
        "{body}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM vessel_call").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM crew_member").await, 0);

    let call = record_call(&app, call_input(1)).await;
    let member = &call["crew"][0]["id"];
    let future = json!({ "crewMemberId": member, "kind": "RT_PCR", "result": "NEGATIVE", "takenAt": (Utc::now() + Duration::hours(1)).to_rfc3339() });
    let body = app
        .as_agency("health", RECORD_TEST, json!({ "i": future }))
        .await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "takenAt"),
        "{body}"
    );
    let none = json!({ "crewMemberId": member, "kind": "NONE", "result": "NEGATIVE", "takenAt": Utc::now().to_rfc3339() });
    let body = app
        .as_agency("health", RECORD_TEST, json!({ "i": none }))
        .await;
    assert_eq!(error_field(&body), "kind", "{body}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM crew_test").await, 0);

    // Police read calls but do not record them; the district committee reads those of its district.
    let body = app
        .as_agency("police", RECORD_CALL, json!({ "i": call_input(1) }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
}

#[tokio::test]
async fn crew_personal_fields_follow_the_policy_and_every_read_is_audited() {
    let app = TestApp::places().await;
    port(&app).await;
    record_call(&app, call_input(1)).await;
    let before = app.audit_count("crew_member.personal_read").await;
    let query = "{ vesselCalls(first: 5) { nodes { id crew { role fullName idNumber } } } }";
    for agency in ["health", "police", "transport"] {
        let body = app.as_agency(agency, query, json!({})).await;
        assert!(body.get("errors").is_none(), "{agency}: {body}");
        let crew = &body["data"]["vesselCalls"]["nodes"][0]["crew"];
        assert_eq!(crew[0]["fullName"], "Trần Văn Thuyền", "{agency}: {body}");
        assert_eq!(crew[0]["idNumber"], "C1000001");
    }
    assert_eq!(
        app.audit_count("crew_member.personal_read").await,
        before + 9,
        "one row per person read, per request"
    );
    for agency in ["steering", "committee-380"] {
        let body = app.as_agency(agency, query, json!({})).await;
        let crew = &body["data"]["vesselCalls"]["nodes"][0]["crew"];
        assert_eq!(
            crew.as_array().map(Vec::len),
            Some(3),
            "{agency} reads the call: {body}"
        );
        assert!(
            crew[0]["fullName"].is_null() && crew[0]["role"] == "CAPTAIN",
            "{agency}: {body}"
        );
        assert_eq!(error_code(&body), "FORBIDDEN", "{agency}: {body}");
    }
    // Border guard does not staff this port: it sees no call.
    let body = app.as_agency("border-guard", query, json!({})).await;
    assert_eq!(body["data"]["vesselCalls"]["nodes"], json!([]), "{body}");
    assert_eq!(
        app.audit_count("crew_member.personal_read").await,
        before + 9
    );
}

const CREATE_PLAN: &str = "mutation($i: CreateTestingPlanInput!) { createTestingPlan(input: $i) { testingPlan { id members { id overdue } } } }";
const PLAN: &str = "{ testingPlans(first: 5) { nodes { id name overdueMembers { id fullName } members { id nextDueAt } } } }";

#[tokio::test]
async fn cohort_members_fall_overdue_and_raise_one_alert_after_the_grace_period() {
    let app = TestApp::places().await;
    port(&app).await;
    let no_cadence = json!({ "name": "Kiểm hóa", "checkpointCode": PORT, "members": [
        { "fullName": "Nguyễn Văn Kiểm", "rapidEveryHours": 8 }, { "fullName": "Đỗ Thị Hóa" } ] });
    let body = app
        .as_agency("health", CREATE_PLAN, json!({ "i": no_cadence }))
        .await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "members[1]"),
        "{body}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM testing_plan").await,
        0
    );

    let plan = json!({ "name": "Kiểm hóa cảng thử", "checkpointCode": PORT, "rapidEveryHours": 8, "pcrEveryDays": 3, "members": [
        { "fullName": "Nguyễn Văn Kiểm" }, { "fullName": "Đỗ Thị Hóa" } ] });
    let body = app
        .as_agency("transport", CREATE_PLAN, json!({ "i": plan }))
        .await;
    assert!(
        body.get("errors").is_none(),
        "transport staffs the port: {body}"
    );
    let members = body["data"]["createTestingPlan"]["testingPlan"]["members"]
        .as_array()
        .unwrap()
        .clone();

    // Nine hours on, both are overdue; one is tested.
    app.state.clock.advance(Duration::hours(9));
    let test = json!({ "memberId": members[0]["id"], "kind": "RAPID_ANTIGEN", "result": "NEGATIVE", "takenAt": app.state.clock.now().to_rfc3339() });
    let body = app
        .as_agency("transport", "mutation($i: RecordCohortTestInput!) { recordCohortTest(input: $i) { testingPlan { id } } }", json!({ "i": test }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let body = app.as_agency("health", PLAN, json!({})).await;
    let overdue = &body["data"]["testingPlans"]["nodes"][0]["overdueMembers"];
    assert_eq!(
        overdue,
        &json!([{ "id": members[1]["id"], "fullName": "Đỗ Thị Hóa" }]),
        "{body}"
    );
    assert_eq!(
        app.audit_count("cohort_member.personal_read").await,
        1,
        "health's read of the name is audited"
    );
    let body = app
        .as_agency(
            "steering",
            "{ testingPlans(first: 5) { nodes { members { id fullName } } } }",
            json!({}),
        )
        .await;
    let member = &body["data"]["testingPlans"]["nodes"][0]["members"][0];
    assert!(
        member["id"].is_i64() && member["fullName"].is_null(),
        "steering reads the plan, not the names: {body}"
    );
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");

    // Within the grace period no alert; after it, exactly one, however often the sweep runs.
    let ctx_actor = lienthong::auth::Actor::operator(1, "sweep");
    let sweep = || async {
        lienthong::ports::cohorts::sweep_overdue(&app.state.ctx(&ctx_actor))
            .await
            .expect("sweep")
    };
    assert_eq!(sweep().await, 0);
    app.state.clock.advance(Duration::hours(4));
    assert_eq!(sweep().await, 1);
    assert_eq!(sweep().await, 0);
    let alerts = app
        .as_agency(
            "health",
            "{ alerts(first: 10) { nodes { reasons testingPlanId district { code } } } }",
            json!({}),
        )
        .await;
    let nodes = alerts["data"]["alerts"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(nodes.len(), 1, "{alerts}");
    assert_eq!(nodes[0]["reasons"], json!(["OVERDUE_TEST"]));
    assert_eq!(nodes[0]["district"]["code"], "380");
}

#[tokio::test]
async fn the_demo_shows_a_held_a_released_and_a_blocked_vessel_and_an_overdue_inspector() {
    let app = TestApp::spawn().await;
    let body = app
        .as_agency("health", "{ vesselCalls(first: 10, filter: { checkpointCode: \"TH-CANG-NGHISON\" }) { nodes { vesselName cargoRelease holdReasons { reason crewMember { fullName } } } } testingPlans(first: 5) { nodes { name overdueMembers { fullName } } } quarantineFacilities(first: 5) { nodes { code capacity freePlaces } } quarantineCases(first: 50, filter: { overdue: true }) { nodes { kind } } }", json!({}))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let releases: Vec<&Value> = body["data"]["vesselCalls"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["cargoRelease"])
        .collect();
    assert_eq!(
        releases,
        [&json!("HELD"), &json!("RELEASED"), &json!("BLOCKED")],
        "{body}"
    );
    assert_eq!(
        body["data"]["vesselCalls"]["nodes"][0]["holdReasons"][0]["reason"],
        "UNTESTED"
    );
    assert_eq!(
        body["data"]["testingPlans"]["nodes"][0]["overdueMembers"],
        json!([{ "fullName": "Kiểm Hóa Viên 3" }]),
        "{body}"
    );
    assert!(
        body["data"]["quarantineFacilities"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["freePlaces"] == 1),
        "{body}"
    );
    assert_eq!(
        body["data"]["quarantineCases"]["nodes"]
            .as_array()
            .map(Vec::len),
        Some(3),
        "{body}"
    );
}

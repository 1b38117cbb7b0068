//! Checkpoints and screenings: personal data only for those allowed (and every read audited), the rules
//! for recording, alerts to health over WebSocket, across two server processes on PostgreSQL.

use std::time::Duration;

use entity::Role;
use serde_json::{Value, json};

use crate::helpers::{
    HttpClient, ServerProcess, TestApp, error_code, error_field, next_event, subscribe,
};

const RECORD: &str = "mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { screening { id decision fullName } alert { id reasons district { code } } } }";
const PERSONAL: &str = "query($c: String) { screenings(first: 5, filter: { checkpointCode: $c }) { edges { node { id peopleCount fullName idNumber phone destinationAddress } } } }";

fn screening(checkpoint: &str) -> Value {
    json!({
        "checkpointCode": checkpoint, "recordedAt": chrono::Utc::now().to_rfc3339(), "direction": "INBOUND",
        "vehiclePlate": "29A-12345", "vehicleKind": "CAR", "peopleCount": 2, "originProvinceCode": "01",
        "fromEpidemicArea": true, "healthDeclared": true, "testKind": "RAPID_ANTIGEN", "testResult": "NEGATIVE",
        "decision": "ALLOWED", "fullName": "Nguyễn Thị Lan", "idNumber": "001190012345", "phone": "0912 345 678",
        "destinationAddress": "12 Lê Lợi, phường Điện Biên", "destinationDistrictCode": "380"
    })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

#[tokio::test]
async fn personal_fields_only_for_those_allowed_and_every_read_audited() {
    let app = TestApp::spawn().await;
    let before = app.audit_count("screening.personal_read").await;
    for agency in ["police", "health"] {
        let body = app
            .as_agency(agency, PERSONAL, json!({ "c": "TH-QL1-BIMSON" }))
            .await;
        assert!(body.get("errors").is_none(), "{agency}: {body}");
        let node = &body["data"]["screenings"]["edges"][0]["node"];
        assert!(
            node["fullName"].is_string()
                && node["idNumber"].is_string()
                && node["phone"].is_string(),
            "{agency}: {node}"
        );
    }
    assert_eq!(
        app.audit_count("screening.personal_read").await,
        before + 10,
        "one row per screening read, per request"
    );
    let fields = app.scalar("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'screening.personal_read' AND CAST(after AS TEXT) LIKE '%destinationAddress%'").await;
    assert!(fields >= 10, "the row names the fields read");

    for agency in ["transport", "steering", "committee-380"] {
        let body = app.as_agency(agency, PERSONAL, json!({ "c": null })).await;
        let edges = body["data"]["screenings"]["edges"]
            .as_array()
            .expect("edges");
        assert!(!edges.is_empty(), "{agency} still sees the records: {body}");
        let node = &edges[0]["node"];
        assert!(
            node["peopleCount"].is_number(),
            "the rest of the record is served"
        );
        for field in ["fullName", "idNumber", "phone", "destinationAddress"] {
            assert!(
                node.get(field).is_some_and(Value::is_null),
                "{agency} {field} must be present and null: {node}"
            );
        }
        let errors = body["errors"].as_array().expect("errors");
        assert_eq!(errors.len(), edges.len() * 4, "{agency}");
        assert!(errors.iter().all(|e| e["extensions"]["code"] == "FORBIDDEN"
            && e["path"].as_array().is_some_and(|p| p.len() == 5)));
    }
    // Border guards read personal data at the posts they staff, not elsewhere.
    let at_gate = app
        .as_agency("border-guard", PERSONAL, json!({ "c": "TH-CK-NAMEO" }))
        .await;
    assert!(
        at_gate["data"]["screenings"]["edges"][0]["node"]["fullName"].is_string(),
        "{at_gate}"
    );
    let on_road = app
        .as_agency("border-guard", PERSONAL, json!({ "c": "TH-QL1-BIMSON" }))
        .await;
    assert!(on_road["data"]["screenings"]["edges"][0]["node"]["fullName"].is_null());
    assert_eq!(error_code(&on_road), "FORBIDDEN");
    let after = app.audit_count("screening.personal_read").await;
    app.as_agency("transport", PERSONAL, json!({ "c": null }))
        .await;
    assert_eq!(
        app.audit_count("screening.personal_read").await,
        after,
        "refused reads read nothing"
    );
}

#[tokio::test]
async fn recording_follows_the_rules_and_bad_input_names_its_field() {
    let app = TestApp::spawn().await;
    let count = || app.scalar("SELECT COUNT(*) AS n FROM screening");
    let before = count().await;
    let future = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let cases = [
        (
            with(screening("TH-QL1-BIMSON"), "idNumber", json!("12345")),
            "BAD_USER_INPUT",
            "idNumber",
        ),
        (
            with(
                screening("TH-QL1-BIMSON"),
                "idNumber",
                json!("00119001234X"),
            ),
            "BAD_USER_INPUT",
            "idNumber",
        ),
        (
            with(screening("TH-QL1-BIMSON"), "phone", json!("12345")),
            "BAD_USER_INPUT",
            "phone",
        ),
        (
            with(screening("TH-QL1-BIMSON"), "peopleCount", json!(0)),
            "BAD_USER_INPUT",
            "peopleCount",
        ),
        (
            with(screening("TH-QL1-BIMSON"), "peopleCount", json!(-3)),
            "BAD_USER_INPUT",
            "peopleCount",
        ),
        (
            with(screening("TH-QL1-BIMSON"), "testKind", json!("NONE")),
            "BAD_USER_INPUT",
            "testResult",
        ),
        (
            with(screening("TH-QL1-BIMSON"), "recordedAt", json!(future)),
            "BAD_USER_INPUT",
            "recordedAt",
        ),
        (screening("TH-NOWHERE"), "BAD_USER_INPUT", "checkpointCode"),
        (
            with(
                screening("TH-QL1-BIMSON"),
                "destinationDistrictCode",
                json!("999"),
            ),
            "BAD_USER_INPUT",
            "destinationDistrictCode",
        ),
        (screening("TH-QL45-NHUTHANH"), "INVALID_STATE", ""),
    ];
    for (input, code, field) in cases {
        let body = app.as_agency("police", RECORD, json!({ "i": input })).await;
        assert_eq!(
            (error_code(&body), error_field(&body)),
            (code, field),
            "{input} -> {body}"
        );
    }
    // Who may record: staff of the post, or province-level police, transport, border guard, health.
    let health_380 = app.issue("health-380", Role::Editor).await;
    let body = app
        .gql(
            Some(&health_380),
            RECORD,
            json!({ "i": screening("TH-QL1-BIMSON") }),
        )
        .await
        .1;
    assert_eq!(
        error_code(&body),
        "FORBIDDEN",
        "health-380 does not staff a post in 381"
    );
    assert_eq!(
        error_code(
            &app.as_agency(
                "committee-380",
                RECORD,
                json!({ "i": screening("TH-GA-THANHHOA") })
            )
            .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(
            &app.as_agency(
                "steering",
                RECORD,
                json!({ "i": screening("TH-GA-THANHHOA") })
            )
            .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(count().await, before, "nothing written");
    let health_381 = app.issue("health-381", Role::Editor).await;
    let ok = app
        .gql(
            Some(&health_381),
            RECORD,
            json!({ "i": screening("TH-QL1-BIMSON") }),
        )
        .await
        .1;
    assert!(
        ok["data"]["recordScreening"]["screening"]["id"].is_number(),
        "{ok}"
    );
    assert!(
        ok["data"]["recordScreening"]["alert"].is_null(),
        "a negative, symptom-free, allowed screening raises nothing"
    );
    // A closed post takes no more screenings.
    let closed = app.as_agency("police", "mutation { setCheckpointStatus(input: { code: \"TH-GA-THANHHOA\", status: CLOSED, reason: \"line suspended\" }) { checkpoint { status statusHistory { status reason setBy } } } }", json!({})).await;
    let history = closed["data"]["setCheckpointStatus"]["checkpoint"]["statusHistory"]
        .as_array()
        .expect("history");
    assert_eq!(
        history.last().map(|h| h["status"].clone()),
        Some(json!("CLOSED")),
        "{closed}"
    );
    assert_eq!(
        error_code(
            &app.as_agency(
                "police",
                RECORD,
                json!({ "i": screening("TH-GA-THANHHOA") })
            )
            .await
        ),
        "INVALID_STATE"
    );
    assert_eq!(count().await, before + 1);
}

#[tokio::test]
async fn checkpoints_are_managed_by_the_agencies_that_run_them() {
    let app = TestApp::spawn().await;
    let paused = app.as_agency("steering", "{ checkpoints(filter: { status: PAUSED }) { totalCount } open: checkpoints(filter: { status: OPEN }) { totalCount } checkpoint(code: \"TH-CK-TENTAN\") { status statusHistory { status effectiveFrom reason } staffingAgencies { code } } }", json!({})).await;
    assert_eq!(
        (
            paused["data"]["checkpoints"]["totalCount"].as_i64(),
            paused["data"]["open"]["totalCount"].as_i64()
        ),
        (Some(5), Some(7)),
        "{paused}"
    );
    let history = paused["data"]["checkpoint"]["statusHistory"]
        .as_array()
        .expect("history");
    assert_eq!(history.len(), 2);
    assert!(
        history[1]["effectiveFrom"]
            .as_str()
            .unwrap_or("")
            .starts_with("2021-10-19")
    );
    let create = "mutation($i: CreateCheckpointInput!) { createCheckpoint(input: $i) { checkpoint { code status version district { code } staffingAgencies { code } } } }";
    let input = json!({ "code": "TH-QL10-HAULOC", "name": "Chốt QL10 Hậu Lộc", "districtCode": "400", "kind": "ROAD", "routeMarker": "QL10 Km12", "latitude": 19.93, "longitude": 105.89, "staffingAgencyCodes": ["police", "health-400"] });
    let made = app
        .as_agency("transport", create, json!({ "i": input }))
        .await;
    assert_eq!(
        made["data"]["createCheckpoint"]["checkpoint"]["status"], "OPEN",
        "{made}"
    );
    assert_eq!(
        error_code(
            &app.as_agency("transport", create, json!({ "i": input }))
                .await
        ),
        "CONFLICT"
    );
    assert_eq!(
        error_code(
            &app.as_agency(
                "health",
                create,
                json!({ "i": with(input.clone(), "code", json!("TH-X")) })
            )
            .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(
            &app.as_agency(
                "committee-380",
                create,
                json!({ "i": with(input.clone(), "code", json!("TH-Y")) })
            )
            .await
        ),
        "FORBIDDEN",
        "a committee only in its district"
    );
    let own = app.as_agency("committee-380", create, json!({ "i": with(with(input.clone(), "code", json!("TH-Z")), "districtCode", json!("380")) })).await;
    assert_eq!(
        own["data"]["createCheckpoint"]["checkpoint"]["district"]["code"], "380",
        "{own}"
    );
    let bad = app.as_agency("police", create, json!({ "i": with(with(input.clone(), "code", json!("TH-W")), "latitude", json!(123.0)) })).await;
    assert_eq!(error_field(&bad), "latitude");
    let bad = app.as_agency("police", create, json!({ "i": with(with(input.clone(), "code", json!("TH-V")), "staffingAgencyCodes", json!(["nobody"])) })).await;
    assert_eq!(error_field(&bad), "staffingAgencyCodes");
    let update = "mutation($i: UpdateCheckpointInput!) { updateCheckpoint(input: $i) { checkpoint { name version } } }";
    let updated = app.as_agency("police", update, json!({ "i": { "code": "TH-QL10-HAULOC", "name": "Chốt QL10 Hậu Lộc (mới)", "expectedVersion": 1 } })).await;
    assert_eq!(
        updated["data"]["updateCheckpoint"]["checkpoint"]["version"], 2,
        "{updated}"
    );
    assert_eq!(
        error_code(
            &app.as_agency(
                "police",
                update,
                json!({ "i": { "code": "TH-QL10-HAULOC", "name": "x", "expectedVersion": 1 } })
            )
            .await
        ),
        "CONFLICT"
    );
    let no_reason = app.as_agency("police", "mutation { setCheckpointStatus(input: { code: \"TH-QL10-HAULOC\", status: PAUSED }) { checkpoint { status } } }", json!({})).await;
    assert_eq!(error_field(&no_reason), "reason");
}

#[tokio::test]
async fn stats_add_up_to_the_records() {
    let app = TestApp::spawn().await;
    let from = (chrono::Utc::now() - chrono::Duration::days(30)).to_rfc3339();
    let to = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let total = app.scalar("SELECT COUNT(*) AS n FROM screening").await;
    let positives = app
        .scalar("SELECT COUNT(*) AS n FROM screening WHERE test_result = 'POSITIVE'")
        .await;
    for group in ["DAY", "CHECKPOINT", "DISTRICT"] {
        let body = app.as_agency("steering", "query($f: DateTime!, $t: DateTime!, $g: StatsGroupBy!) { checkpointStats(from: $f, to: $t, groupBy: $g) { day checkpoint { code } district { code } vehicles people positive } }", json!({ "f": from, "t": to, "g": group })).await;
        let rows = body["data"]["checkpointStats"]
            .as_array()
            .unwrap_or_else(|| panic!("{group}: {body}"));
        assert_eq!(
            rows.iter()
                .map(|r| r["vehicles"].as_i64().expect("n"))
                .sum::<i64>(),
            total,
            "{group}"
        );
        assert_eq!(
            rows.iter()
                .map(|r| r["positive"].as_i64().expect("n"))
                .sum::<i64>(),
            positives,
            "{group}"
        );
        let keyed = |k: &str| rows.iter().all(|r| !r[k].is_null());
        assert!(
            match group {
                "DAY" => keyed("day"),
                "CHECKPOINT" => keyed("checkpoint"),
                _ => keyed("district"),
            },
            "{group}: {body}"
        );
    }
    assert_eq!(rows_of(&app.as_agency("health", "{ checkpointStats(from: \"2021-01-01T00:00:00Z\", to: \"2020-01-01T00:00:00Z\", groupBy: DAY) { vehicles } }", json!({})).await), None);
}

fn rows_of(body: &Value) -> Option<usize> {
    body["data"]["checkpointStats"].as_array().map(Vec::len)
}

#[tokio::test]
async fn alerts_go_to_health_and_are_acknowledged_once() {
    let app = TestApp::spawn().await;
    let positive = with(
        with(screening("TH-QL1-NGHISON"), "testResult", json!("POSITIVE")),
        "decision",
        json!("QUARANTINED"),
    );
    let body = app
        .as_agency("police", RECORD, json!({ "i": positive }))
        .await;
    let alert = &body["data"]["recordScreening"]["alert"];
    assert_eq!(
        alert["reasons"],
        json!(["POSITIVE_TEST", "QUARANTINED"]),
        "{body}"
    );
    assert_eq!(
        alert["district"]["code"], "380",
        "the destination district's health follows up"
    );
    let id = alert["id"].clone();
    let own = app.as_agency("health-380", "{ alerts(filter: { acknowledged: false }) { edges { node { id district { code } } } } }", json!({})).await;
    assert!(
        own["data"]["alerts"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .any(|e| e["node"]["id"] == id),
        "{own}"
    );
    // The agencies working the gateways read the alert (DESIGN.md §3, "traveller (non-personal), alert").
    for agency in ["police", "transport", "committee-380"] {
        let seen = app
            .as_agency(agency, "{ alerts(first: 500) { nodes { id } } }", json!({}))
            .await;
        let ids = seen["data"]["alerts"]["nodes"].as_array().expect("nodes");
        assert!(ids.iter().any(|n| n["id"] == id), "{agency}: {seen}");
    }
    let ack = "mutation($id: Int!) { acknowledgeAlert(input: { id: $id, note: \"team sent to the address\" }) { alert { acknowledgedAt acknowledgedBy note } } }";
    let done = app.as_agency("health-380", ack, json!({ "id": id })).await;
    assert_eq!(
        done["data"]["acknowledgeAlert"]["alert"]["acknowledgedBy"], "health-380/demo-health-380",
        "{done}"
    );
    assert_eq!(
        error_code(&app.as_agency("health", ack, json!({ "id": id })).await),
        "INVALID_STATE"
    );
    assert_eq!(
        error_code(&app.as_agency("steering", ack, json!({ "id": id })).await),
        "FORBIDDEN"
    );
}

/// Health subscribes on one server; police record on another (on PostgreSQL, two processes; on SQLite,
/// the one process that owns the file). The alert arrives within a second.
#[tokio::test]
async fn a_websocket_subscriber_gets_the_alert_within_a_second_across_processes() {
    let app = TestApp::spawn().await;
    let postgres = app.db.url.starts_with("postgres");
    // Kept alive until the test ends.
    let (processes, in_process) = if postgres {
        (
            vec![
                ServerProcess::start(&app.db.url, &[]),
                ServerProcess::start(&app.db.url, &[]),
            ],
            None,
        )
    } else {
        (Vec::new(), Some(app.serve().await))
    };
    let (record_on, listen_on) = match (&processes[..], &in_process) {
        ([a, b], _) => (a.addr, b.addr),
        (_, Some(server)) => (server.addr, server.addr),
        _ => unreachable!("one of the two is set"),
    };
    let query = "subscription { screeningAlerts(districtCode: \"380\") { id reasons district { code } screening { decision fullName } } }";
    let mut socket = subscribe(listen_on, &app.token("health"), query).await;
    let symptoms = with(
        with(screening("TH-SB-THOXUAN"), "symptoms", json!(true)),
        "decision",
        json!("REFERRED_TO_HEALTH"),
    );
    let body = HttpClient::new(record_on)
        .gql(&app.token("police"), RECORD, json!({ "i": symptoms }))
        .await;
    let alert_id = body["data"]["recordScreening"]["alert"]["id"].clone();
    assert!(alert_id.is_number(), "{body}");
    let event = next_event(&mut socket).await;
    let delivered = &event["payload"]["data"]["screeningAlerts"];
    assert_eq!(delivered["id"], alert_id, "{event}");
    assert_eq!(
        delivered["reasons"],
        json!(["SYMPTOMS", "REFERRED_TO_HEALTH"])
    );
    assert_eq!(
        delivered["screening"]["fullName"], "Nguyễn Thị Lan",
        "health reads it, and the read is audited"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let audited = app.scalar(&format!("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'screening.personal_read' AND agency_code = 'health' AND entity_id = (SELECT CAST(screening_id AS VARCHAR(20)) FROM alert WHERE id = {alert_id})")).await;
    assert_eq!(audited, 1);
}

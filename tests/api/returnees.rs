//! Returnees followed from the post to the destination's door: travellers within a screening, the
//! epidemic-area register deciding "from an epidemic area", alerts to the destination district whichever
//! district the post stands in, personal fields where the work is, and follow-up at the destination.

use chrono::{Duration, Utc};
use entity::Role;
use lienthong::auth::Actor;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, error_field, next_event, subscribe};

const SET_AREA: &str = "mutation($i: SetEpidemicAreaInput!) { setEpidemicArea(input: $i) { area { id areaCode level source } } }";
pub const RECORD: &str = "mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { \
    screening { id fromEpidemicArea travellers { id fromEpidemicArea matchedAreaCode matchedLevel } } \
    alert { id } alerts { id reasons traveller { id } followUp { id status } } } }";
const ADVANCE: &str = "mutation($i: AdvanceFollowUpInput!) { advanceFollowUp(input: $i) { followUp { id status version } } }";
const OVERDUE: &str =
    "{ followUpSummary(districtCode: \"380\") { overdue pending total district { code } } }";

/// Sets a register entry as province health; returns its id.
async fn set_area(app: &TestApp, code: &str, level: i32, from_days_ago: i64) -> i64 {
    let from = (Utc::now() - Duration::days(from_days_ago)).to_rfc3339();
    let body = app
        .as_agency(
            "health",
            SET_AREA,
            json!({ "i": { "areaCode": code, "level": level, "validFrom": from, "note": "test" } }),
        )
        .await;
    body["data"]["setEpidemicArea"]["area"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("area set: {body}"))
}

/// A vehicle crossing at Bỉm Sơn (district 381) `hours_ago`, with these travellers.
pub fn vehicle(hours_ago: i64, travellers: Value) -> Value {
    let count = travellers.as_array().map_or(1, Vec::len).max(1);
    json!({
        "checkpointCode": "TH-QL1-BIMSON",
        "recordedAt": (Utc::now() - Duration::hours(hours_ago)).to_rfc3339(),
        "direction": "INBOUND", "vehiclePlate": "38A-11111", "vehicleKind": "CAR",
        "peopleCount": count, "decision": "ALLOWED", "travellers": travellers,
    })
}

/// A declared traveller from `province`/`district`/`commune` heading to 380.
pub fn declared(name: &str, id: &str, origin: (&str, Option<&str>, Option<&str>)) -> Value {
    json!({
        "fullName": name, "idNumber": id, "birthYear": 1985, "phone": "0912 000 111",
        "originProvinceCode": origin.0, "originDistrictCode": origin.1, "originCommuneCode": origin.2,
        "destinationDistrictCode": "380", "destinationCommuneCode": "14755",
        "destinationAddress": "5 Hàm Rồng", "declarationChannel": "PC_COVID",
        "declarationReference": "PCCOVID:ABC123", "dosesShown": 2
    })
}

pub async fn record(app: &TestApp, agency: &str, input: Value) -> Value {
    app.as_agency(agency, RECORD, json!({ "i": input })).await
}

/// The vehicle of the issue: a post in district A (381) screens three travellers bound for B (380), one
/// from a level-4 commune without a declaration. B's health hears of it at once and reads the name (one
/// audit row); A's transport cannot; the follow-up is overdue until it moves, and closes in order.
#[tokio::test]
async fn a_returnee_is_alerted_to_the_destination_and_followed_up() {
    let app = TestApp::spawn().await;
    set_area(&app, "18070", 4, 10).await;
    let server = app.serve().await;
    let mut socket = subscribe(
        server.addr,
        &app.token("health-380"),
        "subscription { screeningAlerts(districtCode: \"380\") { id reasons traveller { fullName } } }",
    )
    .await;
    let mut undeclared = declared(
        "Trần Văn Hải",
        "042090001111",
        ("42", Some("436"), Some("18070")),
    );
    undeclared["declarationChannel"] = json!("NONE");
    undeclared["declarationReference"] = Value::Null;
    let travellers = json!([
        declared("Lê Thị Hoa", "038090002222", ("01", None, None)),
        undeclared,
        declared("Phạm Minh", "C1234567", ("38", Some("382"), None)),
    ]);
    // Crossed 30 hours ago: first contact (due 24 hours after the crossing) is overdue.
    let body = record(&app, "police", vehicle(30, travellers)).await;
    assert!(body["errors"].is_null(), "{body}");
    let recorded = &body["data"]["recordScreening"];
    assert_eq!(
        recorded["alerts"].as_array().map(Vec::len),
        Some(1),
        "{body}"
    );
    assert_eq!(recorded["screening"]["fromEpidemicArea"], true);
    let people = recorded["screening"]["travellers"]
        .as_array()
        .expect("travellers");
    assert_eq!(people.len(), 3);
    assert_eq!(people[1]["fromEpidemicArea"], true);
    assert_eq!(people[1]["matchedAreaCode"], "18070");
    assert_eq!(people[1]["matchedLevel"], 4);
    assert_eq!(people[0]["fromEpidemicArea"], false);
    assert_eq!(recorded["alerts"][0]["traveller"]["id"], people[1]["id"]);
    let follow_up = recorded["alerts"][0]["followUp"]["id"]
        .as_i64()
        .expect("a follow-up");

    // B's health subscriber receives the alert, the post being in A.
    let event = next_event(&mut socket).await;
    let alert = &event["payload"]["data"]["screeningAlerts"];
    assert_eq!(alert["id"], recorded["alerts"][0]["id"], "{event}");
    assert_eq!(
        alert["reasons"],
        json!(["FROM_EPIDEMIC_AREA", "NOT_DECLARED"])
    );
    assert_eq!(alert["traveller"]["fullName"], "Trần Văn Hải");
    server.stop().await.expect("stop");

    // B's health reads the traveller's name over HTTP: one audit row.
    let reads_before = app.audit_count("traveller.personal_read").await;
    let query = "{ followUps(filter: {districtCode: \"380\", status: PENDING}) { nodes { id traveller { fullName } } } }";
    let body = app.as_agency("health-380", query, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    let nodes = body["data"]["followUps"]["nodes"]
        .as_array()
        .expect("nodes");
    let mine: Vec<_> = nodes.iter().filter(|n| n["id"] == follow_up).collect();
    assert_eq!(mine[0]["traveller"]["fullName"], "Trần Văn Hải");
    // One audit row per traveller whose name was read (the demo's pending follow-ups of 380 too).
    assert_eq!(
        app.audit_count("traveller.personal_read").await,
        reads_before + nodes.len() as i64
    );

    // A's transport sees the screening but not the name.
    let screening = recorded["screening"]["id"].as_i64().expect("id");
    let body = app
        .as_agency(
            "transport",
            "{ screenings(filter: {checkpointCode: \"TH-QL1-BIMSON\"}, first: 500) { nodes { id travellers { fullName originProvinceCode } } } }",
            json!({}),
        )
        .await;
    let nodes = body["data"]["screenings"]["nodes"]
        .as_array()
        .expect("nodes");
    let seen = nodes.iter().find(|n| n["id"] == screening).expect("seen");
    assert!(seen["travellers"][1]["fullName"].is_null(), "{body}");
    assert_eq!(seen["travellers"][1]["originProvinceCode"], "42");
    assert_eq!(error_code(&body), "FORBIDDEN");

    // The follow-up: PENDING and overdue, in the steering committee's counts.
    let body = app
        .as_agency(
            "health-380",
            "{ followUps(filter: {districtCode: \"380\", overdue: true}) { nodes { id status overdue communeCode dueAt version } } }",
            json!({}),
        )
        .await;
    let nodes = body["data"]["followUps"]["nodes"]
        .as_array()
        .expect("nodes");
    let f = nodes
        .iter()
        .find(|n| n["id"] == follow_up)
        .expect("overdue");
    assert_eq!(f["status"], "PENDING");
    assert_eq!(f["overdue"], true);
    assert_eq!(f["communeCode"], "14755");
    let overdue_before: i64 = overdue_count(&app).await;
    let advances_before = app.audit_count("followUp.advance").await;
    assert!(overdue_before >= 1);

    // Out of order, and from outside the destination district: refused, nothing written.
    let step = |status: &str, note: Option<&str>| json!({ "i": { "id": follow_up, "status": status, "note": note } });
    let body = app
        .as_agency("health-380", ADVANCE, step("CLOSED", Some("done")))
        .await;
    assert_eq!(error_code(&body), "INVALID_STATE", "{body}");
    let body = app
        .gql(
            Some(&app.issue("committee-381", Role::Editor).await),
            ADVANCE,
            step("CONTACTED", None),
        )
        .await
        .1;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let body = app
        .as_agency("transport", ADVANCE, step("CONTACTED", None))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");

    // In order, by B's health centre and B's committee, to CLOSED: no longer overdue.
    for (agency, status, note) in [
        ("health-380", "CONTACTED", Some("gọi điện")),
        ("committee-380", "TESTED", Some("test nhanh âm tính")),
    ] {
        let body = app.as_agency(agency, ADVANCE, step(status, note)).await;
        assert_eq!(
            body["data"]["advanceFollowUp"]["followUp"]["status"], status,
            "{body}"
        );
    }
    let body = app
        .as_agency("health-380", ADVANCE, step("CLOSED", None))
        .await;
    assert_eq!(error_field(&body), "note", "{body}");
    let body = app
        .as_agency("health-380", ADVANCE, step("CLOSED", Some("khỏe mạnh")))
        .await;
    assert_eq!(
        body["data"]["advanceFollowUp"]["followUp"]["status"], "CLOSED",
        "{body}"
    );
    assert_eq!(overdue_count(&app).await, overdue_before - 1);
    let body = app
        .as_agency("health-380", ADVANCE, step("CONTACTED", None))
        .await;
    assert_eq!(error_code(&body), "INVALID_STATE", "{body}");
    assert_eq!(
        app.audit_count("followUp.advance").await,
        advances_before + 3
    );
}

async fn overdue_count(app: &TestApp) -> i64 {
    let body = app.as_agency("steering", OVERDUE, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["followUpSummary"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["overdue"].as_i64().unwrap_or(0))
        .sum()
}

/// The register decides by commune before district before province, at the crossing time.
#[tokio::test]
async fn the_register_decides_at_the_finest_unit_and_time() {
    let app = TestApp::spawn().await;
    set_area(&app, "22", 4, 10).await; // Quảng Ninh province: level 4
    set_area(&app, "193", 1, 10).await; // Hạ Long city: level 1
    set_area(&app, "06652", 4, 10).await; // Hà Phong ward of Hạ Long: level 4
    set_area(&app, "195", 4, 1).await; // Cẩm Phả city: level 4, only since yesterday
    let travellers = json!([
        declared("A", "022090000001", ("22", Some("193"), Some("06652"))),
        declared("B", "022090000002", ("22", Some("193"), Some("06655"))),
        declared("C", "022090000003", ("22", Some("194"), None)),
        declared("D", "022090000004", ("22", Some("195"), None)),
        declared("E", "022090000005", ("02", None, None)),
    ]);
    // Crossed three days ago: before Hồng Lĩnh's entry began.
    let body = record(&app, "police", vehicle(72, travellers)).await;
    assert!(body["errors"].is_null(), "{body}");
    let people = body["data"]["recordScreening"]["screening"]["travellers"]
        .as_array()
        .expect("travellers")
        .clone();
    let matched: Vec<(bool, Value)> = people
        .iter()
        .map(|p| (p["fromEpidemicArea"] == true, p["matchedAreaCode"].clone()))
        .collect();
    assert_eq!(
        matched,
        vec![
            (true, json!("06652")), // the commune's entry
            (false, Value::Null),   // the district's level 1 holds over the province's 4
            (true, json!("22")),    // no district entry: the province
            (true, json!("22")),    // the city's entry had not begun: the province
            (false, Value::Null),
        ]
    );
    // Declared, from epidemic areas: each alerted (FROM_EPIDEMIC_AREA alone) and followed up.
    assert_eq!(
        body["data"]["recordScreening"]["alerts"][0]["reasons"],
        json!(["FROM_EPIDEMIC_AREA"])
    );
    // Listed at a time: four entries valid now, three valid two days ago.
    let list = "query($at: DateTime) { epidemicAreas(at: $at, filter: {provinceCode: \"22\"}) { totalCount } }";
    for (at, n) in [(Utc::now(), 4), (Utc::now() - Duration::days(2), 3)] {
        let body = app
            .as_agency("transport", list, json!({ "at": at.to_rfc3339() }))
            .await;
        assert_eq!(body["data"]["epidemicAreas"]["totalCount"], n, "{body}");
    }
}

/// Bad input: a clear error naming the field, and nothing written.
#[tokio::test]
async fn hostile_travellers_are_refused_whole() {
    let app = TestApp::spawn().await;
    let count = "SELECT COUNT(*) AS n FROM traveller";
    let screenings = "SELECT COUNT(*) AS n FROM screening";
    let before = app.scalar(screenings).await;
    let travellers_before = app.scalar(count).await;
    let areas = "SELECT COUNT(*) AS n FROM epidemic_area";
    let areas_before = app.scalar(areas).await;
    let good = || declared("X", "038090009999", ("42", Some("436"), Some("18070")));
    let with = |key: &str, value: Value| {
        let mut t = good();
        t[key] = value;
        t
    };
    let cases = [
        (
            with("originProvinceCode", json!("99")),
            "travellers[1].originProvinceCode",
        ),
        (
            with("originDistrictCode", json!("999")),
            "travellers[1].originDistrictCode",
        ),
        (
            with("originCommuneCode", json!("18073x")),
            "travellers[1].originCommuneCode",
        ),
        (
            with("originCommuneCode", json!("14755")),
            "travellers[1].originCommuneCode",
        ),
        (
            with("destinationCommuneCode", json!("18070")),
            "travellers[1].destinationCommuneCode",
        ),
        (
            with("destinationDistrictCode", json!("12")),
            "travellers[1].destinationDistrictCode",
        ),
        (with("idNumber", json!("12345")), "travellers[1].idNumber"),
        (with("phone", json!("12ab")), "travellers[1].phone"),
        (
            with("declarationReference", Value::Null),
            "travellers[1].declarationReference",
        ),
        (with("birthYear", json!(1800)), "travellers[1].birthYear"),
    ];
    for (bad, field) in cases {
        let body = record(&app, "police", vehicle(1, json!([good(), bad]))).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{field}: {body}");
        assert_eq!(error_field(&body), field, "{body}");
    }
    let crowd: Vec<Value> = (0..101).map(|_| good()).collect();
    let mut input = vehicle(1, json!(crowd));
    input["peopleCount"] = json!(200);
    let body = record(&app, "police", input).await;
    assert_eq!(error_field(&body), "travellers", "{body}");
    let mut input = vehicle(1, json!([good(), good()]));
    input["peopleCount"] = json!(1);
    let body = record(&app, "police", input).await;
    assert_eq!(error_field(&body), "travellers", "{body}");
    assert_eq!(app.scalar(count).await, travellers_before);
    assert_eq!(app.scalar(screenings).await, before);

    // The register: unknown code, no level, a district-level agency, transport.
    for (agency, input, code) in [
        (
            "health",
            json!({ "areaCode": "98765", "level": 3 }),
            "BAD_USER_INPUT",
        ),
        ("health", json!({ "areaCode": "42" }), "BAD_USER_INPUT"),
        (
            "health",
            json!({ "areaCode": "42", "level": 5 }),
            "BAD_USER_INPUT",
        ),
        (
            "health-380",
            json!({ "areaCode": "42", "level": 3 }),
            "FORBIDDEN",
        ),
        (
            "transport",
            json!({ "areaCode": "42", "level": 3 }),
            "FORBIDDEN",
        ),
    ] {
        let token = app.token(agency);
        let body = app
            .gql(Some(&token), SET_AREA, json!({ "i": input }))
            .await
            .1;
        assert_eq!(error_code(&body), code, "{agency} {input}: {body}");
    }
    assert_eq!(app.scalar(areas).await, areas_before);
}

/// The steering committee sets and ends an announcement; ending twice is INVALID_STATE; travellers
/// crossing after the end are not matched. Only province HEALTH and POLICE read a person's history.
#[tokio::test]
async fn entries_end_and_history_is_for_the_province() {
    let app = TestApp::spawn().await;
    let steering = app.issue("steering", Role::Editor).await;
    let body = app
        .gql(
            Some(&steering),
            SET_AREA,
            json!({ "i": { "areaCode": "48", "lockdown": true, "validFrom": (Utc::now() - Duration::days(5)).to_rfc3339(), "idempotencyKey": "dn-1" } }),
        )
        .await
        .1;
    let area = &body["data"]["setEpidemicArea"]["area"];
    assert_eq!(area["source"], "ANNOUNCEMENT", "{body}");
    let id = area["id"].as_i64().expect("id");
    let end = "mutation($i: EndEpidemicAreaInput!) { endEpidemicArea(input: $i) { area { id validTo } } }";
    let ended_at = (Utc::now() - Duration::days(1)).to_rfc3339();
    let body = app
        .gql(
            Some(&steering),
            end,
            json!({ "i": { "id": id, "validTo": ended_at } }),
        )
        .await
        .1;
    assert!(body["errors"].is_null(), "{body}");
    let body = app
        .gql(Some(&steering), end, json!({ "i": { "id": id } }))
        .await
        .1;
    assert_eq!(error_code(&body), "INVALID_STATE", "{body}");
    let t = |hours| {
        vehicle(
            hours,
            json!([declared("Võ Văn Tâm", "048090001234", ("48", None, None))]),
        )
    };
    let during = record(&app, "police", t(60)).await;
    let after = record(&app, "police", t(2)).await;
    let from = |b: &Value| {
        b["data"]["recordScreening"]["screening"]["travellers"][0]["fromEpidemicArea"].clone()
    };
    assert_eq!(from(&during), true, "{during}");
    assert_eq!(from(&after), false, "{after}");

    let history = "{ travellerHistory(idNumber: \"048090001234\") { traveller { crossedAt fromEpidemicArea screening { checkpointCode } } followUp { status } } }";
    let body = app.as_agency("police", history, json!({})).await;
    let crossings = body["data"]["travellerHistory"]
        .as_array()
        .expect("crossings");
    assert_eq!(crossings.len(), 2, "{body}");
    assert_eq!(crossings[0]["followUp"]["status"], "PENDING");
    assert!(app.audit_count("traveller.personal_read").await >= 2);
    for agency in ["health-380", "transport", "steering"] {
        let body = app.as_agency(agency, history, json!({})).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{agency}: {body}");
    }
}

/// The levels workflow writes declared levels into the register inside its own write: the new entry
/// ends the open one of the same unit.
#[tokio::test]
async fn declared_levels_are_recorded_in_the_callers_write() {
    let app = TestApp::spawn().await;
    let actor = Actor::operator(province_id(&app).await, "levels");
    let ctx = app.state.ctx(&actor);
    let monday = Utc::now() - Duration::days(14);
    let areas = "SELECT COUNT(*) AS n FROM epidemic_area";
    let (areas_before, sets_before) = (
        app.scalar(areas).await,
        app.audit_count("epidemicArea.set").await,
    );
    for (level, at) in [(2, monday), (3, monday + Duration::days(7))] {
        let mut w = ctx.write().await.expect("write");
        lienthong::areas::record_declared(&mut w, "382", level, at, Some("Quyết định".into()))
            .await
            .expect("recorded");
        w.commit().await.expect("commit");
    }
    let body = app
        .as_agency(
            "committee-380",
            "{ epidemicAreas(filter: {areaCode: \"382\"}) { nodes { level source validFrom validTo } } }",
            json!({}),
        )
        .await;
    let nodes = body["data"]["epidemicAreas"]["nodes"]
        .as_array()
        .expect("nodes");
    assert_eq!(nodes.len(), 2, "{body}");
    assert_eq!(nodes[0]["source"], "DECLARED_LEVEL");
    assert_eq!(nodes[0]["validTo"], nodes[1]["validFrom"]);
    assert!(nodes[1]["validTo"].is_null());
    // A rolled-back write leaves nothing.
    let mut w = ctx.write().await.expect("write");
    lienthong::areas::record_declared(&mut w, "382", 4, Utc::now(), None)
        .await
        .expect("recorded");
    w.rollback().await.expect("rollback");
    let bad = {
        let mut w = ctx.write().await.expect("write");
        lienthong::areas::record_declared(&mut w, "382", 7, Utc::now(), None).await
    };
    assert!(bad.is_err());
    assert_eq!(app.scalar(areas).await, areas_before + 2);
    assert_eq!(app.audit_count("epidemicArea.set").await, sets_before + 2);
}

async fn province_id(app: &TestApp) -> i32 {
    app.scalar("SELECT CAST(province_id AS BIGINT) AS n FROM district WHERE code = '380'")
        .await as i32
}

/// Communes of a district, loaded with the districts.
#[tokio::test]
async fn communes_of_a_district() {
    let app = TestApp::places().await;
    let body = app
        .as_agency(
            "transport",
            "{ communes(districtCode: \"380\") { code name kind } district(code: \"380\") { communes { code } } }",
            json!({}),
        )
        .await;
    let communes = body["data"]["communes"].as_array().expect("communes");
    assert_eq!(communes.len(), 34, "{body}");
    assert_eq!(communes[0]["code"], "14755");
    assert_eq!(communes[0]["kind"], "WARD");
    assert_eq!(
        body["data"]["district"]["communes"]
            .as_array()
            .map(Vec::len),
        Some(34)
    );
    let body = app
        .as_agency(
            "transport",
            "{ communes(districtCode: \"999\") { code } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND");
}

/// Who reads a traveller's name, by whatever path reaches it: province HEALTH and POLICE, the destination
/// district's HEALTH and committee, the agencies staffing the post; nobody else. A single-person
/// screening's destination health reads its fields too, wherever the post stands.
#[tokio::test]
async fn personal_fields_follow_the_work() {
    let app = TestApp::spawn().await;
    let mut traveller = declared("Ngô Thị Mai", "038090004444", ("01", None, None));
    traveller["symptoms"] = json!(true);
    let body = record(&app, "police", vehicle(1, json!([traveller]))).await;
    assert!(body["errors"].is_null(), "{body}");
    let mut single = vehicle(1, Value::Null);
    single["peopleCount"] = json!(1);
    single["symptoms"] = json!(true);
    single["fullName"] = json!("Đinh Văn Long");
    single["destinationDistrictCode"] = json!("380");
    let body = record(&app, "police", single).await;
    assert!(body["errors"].is_null(), "{body}");
    let query = "{ screenings(filter: {checkpointCode: \"TH-QL1-BIMSON\"}, first: 100) { nodes { fullName travellers { fullName } } }
        alerts(first: 100) { nodes { screening { fullName } traveller { fullName } } }
        followUps(first: 100) { nodes { traveller { fullName } } } }";
    // (agency, reads the traveller, reads the single-person screening)
    let cases = [
        ("health", true, true),
        ("police", true, true),
        ("health-380", true, true),      // the destination
        ("committee-380", true, false),  // the destination; a screening's own fields are not its
        ("health-381", true, true),      // staffs the post, in its district
        ("committee-381", false, false), // the post's district, not staffing it
        ("health-382", false, false),
        ("transport", false, false),
        ("border-guard", false, false),
        ("steering", false, false),
    ];
    for (agency, reads_traveller, reads_single) in cases {
        let token = match app.tokens.get(agency) {
            Some(t) => t.clone(),
            None => app.issue(agency, Role::Viewer).await,
        };
        let body = app.gql(Some(&token), query, json!({})).await.1;
        let text = body["data"].to_string();
        assert_eq!(
            text.contains("Ngô Thị Mai"),
            reads_traveller,
            "{agency}: {body}"
        );
        assert_eq!(
            text.contains("Đinh Văn Long"),
            reads_single,
            "{agency}: {body}"
        );
    }
}

//! Reports: deadlines and lateness at the boundary, completeness and timeliness, reconciliation of the
//! two sources, epidemic levels, the CSV path for scripts, and who may do what.

use std::process::Command;

use entity::Role;
use serde_json::{Value, json};

use crate::helpers::{SECRET, TestApp, error_code, error_field, next_event, subscribe};

const SAVE: &str =
    "mutation($i: SaveReportInput!) { saveReport(input: $i) { report { id status version } } }";
const SUBMIT: &str = "mutation($id: Int!) { submitReport(input: { id: $id }) { report { id status late dueAt submittedAt } } }";
const ACCEPT: &str =
    "mutation($id: Int!) { acceptReport(input: { id: $id }) { report { id status } } }";
const RETURN: &str = "mutation($id: Int!) { returnReport(input: { id: $id, reason: \"adultsFull looks too high\" }) { report { id status } } }";

pub(crate) fn import(app: &TestApp, csv: &str) -> std::process::Output {
    let path = std::env::temp_dir().join(format!(
        "lienthong-reports-{}.csv",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::write(&path, csv).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_lienthong"))
        .args([
            "--database-url",
            &app.db.url,
            "--jwt-secret",
            SECRET,
            "--log",
            "warn",
            "import",
            "reports",
            path.to_str().expect("path"),
        ])
        .output()
        .expect("run cli");
    let _ = std::fs::remove_file(path);
    out
}

pub(crate) fn imported(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn reports_of(app: &TestApp, district: &str, period: &str) -> Vec<Value> {
    let body = app
        .as_agency("steering", "query($d: String, $p: Date) { reports(filter: { districtCode: $d, periodFrom: $p, periodTo: $p }) { edges { node { id kind status late dueAt submittedAt sourceAgency { code } figures { adults18Plus adultsDose1 } } } } }", json!({ "d": district, "p": period }))
        .await;
    body["data"]["reports"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

#[tokio::test]
async fn lateness_is_decided_at_the_second_by_province_time() {
    let app = TestApp::spawn().await;
    // 17:00 on 10/12/2021 in Hanoi is 10:00 UTC.
    imported(&import(
        &app,
        "district_code,kind,period,source_agency,submitted_at,adults_18_plus,adults_dose1\n380,DAILY_VACCINATION,2021-12-10,health-380,2021-12-10T16:59:59+07:00,1000,800\n381,DAILY_VACCINATION,2021-12-10,health-381,2021-12-10T17:00:01+07:00,1000,800\n382,DAILY_VACCINATION,2021-12-10,health-382,2021-12-10T17:00:00+07:00,1000,800\n",
    ));
    let late = |district: &'static str| {
        let app = &app;
        async move { reports_of(app, district, "2021-12-10").await[0]["late"].clone() }
    };
    assert_eq!(late("380").await, json!(false), "16:59:59 is on time");
    assert_eq!(late("381").await, json!(true), "17:00:01 is late");
    assert_eq!(
        late("382").await,
        json!(false),
        "17:00:00 exactly is on time"
    );
    assert_eq!(
        reports_of(&app, "380", "2021-12-10").await[0]["dueAt"],
        "2021-12-10T10:00:00+00:00"
    );
}

#[tokio::test]
async fn completeness_and_timeliness_of_a_constructed_day() {
    let app = TestApp::spawn().await;
    // Of 27 districts: 20 on time, 4 late, 3 missing.
    let codes: Vec<String> = (380..=407)
        .filter(|c| *c != 383)
        .map(|c| c.to_string())
        .collect();
    let mut csv = String::from(
        "district_code,kind,period,source_agency,submitted_at,adults_18_plus,adults_dose1\n",
    );
    for (i, code) in codes.iter().enumerate().take(24) {
        let at = if i < 20 {
            "2021-12-09T15:00:00+07:00"
        } else {
            "2021-12-09T21:30:00+07:00"
        };
        csv.push_str(&format!(
            "{code},DAILY_VACCINATION,2021-12-09,health-{code},{at},1000,700\n"
        ));
    }
    imported(&import(&app, &csv));
    let body = app.as_agency("steering", "{ reportingStatus(kind: DAILY_VACCINATION, period: \"2021-12-09\") { expected submitted onTime late missing completeness timeliness districts { district { code } submitted onTime late } } }", json!({})).await;
    let status = &body["data"]["reportingStatus"];
    assert_eq!(
        (
            status["expected"].as_i64(),
            status["submitted"].as_i64(),
            status["onTime"].as_i64(),
            status["late"].as_i64(),
            status["missing"].as_i64()
        ),
        (Some(27), Some(24), Some(20), Some(4), Some(3)),
        "{body}"
    );
    assert!((status["completeness"].as_f64().expect("c") - 24.0 / 27.0).abs() < 1e-9);
    assert!((status["timeliness"].as_f64().expect("t") - 20.0 / 27.0).abs() < 1e-9);
    let own = app.as_agency("committee-380", "{ reportingStatus(kind: DAILY_VACCINATION, period: \"2021-12-09\") { expected submitted } }", json!({})).await;
    assert_eq!(
        own["data"]["reportingStatus"],
        json!({ "expected": 1, "submitted": 1 }),
        "a district sees its own line"
    );
}

#[tokio::test]
async fn reconciliation_lists_exactly_the_differing_figures_until_one_is_accepted() {
    let app = TestApp::spawn().await;
    imported(&import(
        &app,
        "district_code,kind,period,source_agency,submitted_at,adults_18_plus,adults_dose1,adults_full,doses_administered_today\n390,DAILY_VACCINATION,2021-12-08,health-390,2021-12-08T15:00:00+07:00,70000,60000,50000,400\n390,DAILY_VACCINATION,2021-12-08,committee-390,2021-12-08T15:30:00+07:00,70000,58000,50010,400\n391,DAILY_VACCINATION,2021-12-08,health-391,2021-12-08T15:00:00+07:00,50000,40000,30000,300\n",
    ));
    let query = "query($a: Int, $r: Float) { reportDiscrepancies(kind: DAILY_VACCINATION, period: \"2021-12-08\", absoluteTolerance: $a, relativeTolerance: $r) { district { code } figure healthValue committeeValue difference } }";
    let exact = app
        .as_agency("steering", query, json!({ "a": 0, "r": 0.0 }))
        .await;
    let figures: Vec<&str> = exact["data"]["reportDiscrepancies"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| d["figure"].as_str().expect("f"))
        .collect();
    assert_eq!(figures, ["adultsDose1", "adultsFull"], "{exact}");
    let tolerant = app
        .as_agency("steering", query, json!({ "a": 50, "r": 0.0 }))
        .await;
    assert_eq!(
        tolerant["data"]["reportDiscrepancies"],
        json!([{ "district": { "code": "390" }, "figure": "adultsDose1", "healthValue": 60000, "committeeValue": 58000, "difference": 2000 }])
    );
    let bad = app
        .as_agency("steering", query, json!({ "a": -1, "r": 0.0 }))
        .await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    let health_report = reports_of(&app, "390", "2021-12-08")
        .await
        .into_iter()
        .find(|r| r["sourceAgency"]["code"] == "health-390")
        .expect("health report");
    let accepted = app
        .as_agency("health", ACCEPT, json!({ "id": health_report["id"] }))
        .await;
    assert_eq!(
        accepted["data"]["acceptReport"]["report"]["status"], "ACCEPTED",
        "{accepted}"
    );
    assert_eq!(
        app.as_agency("steering", query, json!({ "a": 0, "r": 0.0 }))
            .await["data"]["reportDiscrepancies"],
        json!([]),
        "settled once one is accepted"
    );
}

#[tokio::test]
async fn epidemic_levels_from_constructed_weeks() {
    let app = TestApp::spawn().await;
    // Populations of 100,000 make cases equal to cases per 100,000; beds decide criterion 3.
    let update =
        "mutation($i: UpdateDistrictInput!) { updateDistrict(input: $i) { district { code } } }";
    for (code, beds) in [
        ("392", 250),
        ("393", 250),
        ("394", 250),
        ("395", 250),
        ("396", 50),
    ] {
        let body = app.as_agency("health", update, json!({ "i": { "code": code, "population": 100000, "adults18Plus": 70000, "treatmentBeds": beds } })).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    // Week of 29/11 (previous) and of 6/12/2021; coverage from daily reports of 5/12 and 12/12.
    let mut csv = String::from(
        "district_code,kind,period,source_agency,submitted_at,adults_18_plus,adults_dose1,new_cases_community,people_65_plus,people_65_plus_full\n",
    );
    for (code, previous_cases, cases, dose1) in [
        ("392", 10, 10, 56000),
        ("393", 10, 30, 40000),
        ("394", 10, 160, 56000),
        ("395", 10, 160, 40000),
        ("396", 200, 5, 56000),
    ] {
        csv.push_str(&format!("{code},WEEKLY_EPIDEMIC,2021-11-29,health-{code},2021-12-07T10:00:00+07:00,,,{previous_cases},10000,9000\n"));
        csv.push_str(&format!(
            "{code},WEEKLY_EPIDEMIC,2021-12-06,health-{code},2021-12-14T10:00:00+07:00,,,{cases},10000,9000\n"
        ));
        csv.push_str(&format!("{code},DAILY_VACCINATION,2021-12-05,health-{code},2021-12-05T16:00:00+07:00,70000,{dose1},,,\n"));
        csv.push_str(&format!("{code},DAILY_VACCINATION,2021-12-12,health-{code},2021-12-12T16:00:00+07:00,70000,{dose1},,,\n"));
    }
    imported(&import(&app, &csv));
    let body = app.as_agency("steering", "{ epidemicLevels(week: \"2021-12-06\") { district { code } level colour newCasesPer100k coverageDose1 treatmentCapacityMet rule } }", json!({})).await;
    let levels = body["data"]["epidemicLevels"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    let of = |code: &str| {
        levels
            .iter()
            .find(|l| l["district"]["code"] == code)
            .cloned()
            .expect("district")
    };
    assert_eq!(
        (of("392")["level"].as_i64(), of("392")["colour"].as_str()),
        (Some(1), Some("GREEN")),
        "< 20, coverage 80 %"
    );
    assert_eq!(of("393")["level"], 3, "20 to < 50, coverage 57 %");
    assert_eq!(
        of("394")["level"],
        3,
        ">= 150, coverage 80 %: level 3 per the decision's last row"
    );
    assert_eq!(
        (of("395")["level"].as_i64(), of("395")["colour"].as_str()),
        (Some(4), Some("RED")),
        ">= 150, coverage 57 %"
    );
    let held = of("396");
    assert_eq!(
        held["level"], 3,
        "quiet this week but last week 200 and only 50 beds: not lowered from 3"
    );
    assert_eq!(held["treatmentCapacityMet"], false);
    assert!(
        held["rule"].as_str().unwrap_or("").contains("not lowered"),
        "{held}"
    );
    assert!((of("392")["newCasesPer100k"].as_f64().expect("c") - 10.0).abs() < 1e-9);
    assert!((of("392")["coverageDose1"].as_f64().expect("c") - 0.8).abs() < 1e-9);
    let counts = app
        .as_agency(
            "steering",
            "{ epidemicLevelCounts(week: \"2021-12-06\") { level districts } }",
            json!({}),
        )
        .await;
    let total: i64 = counts["data"]["epidemicLevelCounts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|c| c["districts"].as_i64().expect("n"))
        .sum();
    assert_eq!(total, 27);
    assert_eq!(
        error_field(
            &app.as_agency(
                "steering",
                "{ epidemicLevels(week: \"2021-12-07\") { level } }",
                json!({})
            )
            .await
        ),
        "week"
    );
}

#[tokio::test]
async fn a_bad_import_writes_nothing_and_names_its_lines() {
    let app = TestApp::spawn().await;
    let before = app.scalar("SELECT COUNT(*) AS n FROM report").await;
    let out = import(
        &app,
        "district_code,kind,period,source_agency,adults_18_plus,adults_dose1\n380,DAILY_VACCINATION,2021-12-10,health-380,100,90\n381,DAILY_VACCINATION,2021-12-10,health-381,100,120\n999,DAILY_VACCINATION,2021-12-10,health-380,100,90\n",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 3: figures.adultsDose1"), "{stderr}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM report").await, before);
    let out = import(
        &app,
        "district_code,kind,period,source_agency\n380,DAILY_VACCINATION,2021-12-10,health-380\n999,DAILY_VACCINATION,2021-12-10,health-380\n382,DAILY_VACCINATION,2021-12-10,health-381\n",
    );
    assert!(!out.status.success(), "references are checked too");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3: district_code") && stderr.contains("line 4: source_agency"),
        "{stderr}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM report").await,
        before,
        "the good line 2 was not kept either"
    );
}

#[tokio::test]
async fn the_reporting_workflow_and_who_may_do_what() {
    let app = TestApp::spawn().await;
    let figures = json!({ "adults18Plus": 50000, "adultsDose1": 40000, "adultsFull": 30000, "dosesAdministeredToday": 350 });
    let input = |district: &str| json!({ "i": { "districtCode": district, "kind": "DAILY_VACCINATION", "period": "2021-12-07", "figures": figures } });
    // A committee writes for its own district only.
    assert_eq!(
        error_code(&app.as_agency("committee-380", SAVE, input("381")).await),
        "FORBIDDEN"
    );
    let saved = app.as_agency("committee-380", SAVE, input("380")).await;
    let id = saved["data"]["saveReport"]["report"]["id"].clone();
    assert_eq!(
        saved["data"]["saveReport"]["report"]["status"], "DRAFT",
        "{saved}"
    );
    let health_381 = app.issue("health-381", Role::Editor).await;
    assert_eq!(
        error_code(
            &app.gql(Some(&health_381), SUBMIT, json!({ "id": id }))
                .await
                .1
        ),
        "FORBIDDEN",
        "no submitting for another district"
    );
    assert_eq!(
        error_code(&app.as_agency("transport", SAVE, input("380")).await),
        "FORBIDDEN"
    );
    let submitted = app
        .as_agency("committee-380", SUBMIT, json!({ "id": id }))
        .await;
    let report = &submitted["data"]["submitReport"]["report"];
    assert_eq!(
        (report["status"].as_str(), report["late"].as_bool()),
        (Some("SUBMITTED"), Some(true)),
        "submitted years after 17:00 on 7/12/2021: {submitted}"
    );
    assert_eq!(
        error_code(&app.as_agency("committee-380", SAVE, input("380")).await),
        "INVALID_STATE",
        "a submitted report is not edited"
    );
    // Only a province HEALTH approver accepts or returns.
    let editor = app.issue("health", Role::Editor).await;
    assert_eq!(
        error_code(&app.gql(Some(&editor), ACCEPT, json!({ "id": id })).await.1),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(
            &app.as_agency("health-380", ACCEPT, json!({ "id": id }))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        app.as_agency("health", RETURN, json!({ "id": id })).await["data"]["returnReport"]["report"]
            ["status"],
        "RETURNED"
    );
    let corrected = app.as_agency("committee-380", SAVE, input("380")).await;
    assert_eq!(
        corrected["data"]["saveReport"]["report"]["id"], id,
        "the returned report is corrected in place"
    );
    app.as_agency("committee-380", SUBMIT, json!({ "id": id }))
        .await;
    assert_eq!(
        app.as_agency("health", ACCEPT, json!({ "id": id })).await["data"]["acceptReport"]["report"]
            ["status"],
        "ACCEPTED"
    );
    assert_eq!(
        error_code(&app.as_agency("health", RETURN, json!({ "id": id })).await),
        "INVALID_STATE",
        "accepted is frozen"
    );
    assert_eq!(
        error_code(&app.as_agency("committee-380", SAVE, input("380")).await),
        "INVALID_STATE"
    );
    let history = app
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_event WHERE entity = 'report' AND entity_id = '{id}'"
        ))
        .await;
    assert_eq!(
        history, 6,
        "save, submit, return, save, submit, accept: each step kept"
    );
}

#[tokio::test]
async fn figures_are_validated_with_the_field_named() {
    let app = TestApp::spawn().await;
    let before = app.scalar("SELECT COUNT(*) AS n FROM report").await;
    let cases = [
        (
            json!({ "adults18Plus": 100, "adultsDose1": 101 }),
            "figures.adultsDose1",
        ),
        (
            json!({ "adultsDose1": 50, "adultsFull": 51 }),
            "figures.adultsFull",
        ),
        (
            json!({ "adults18Plus": 100, "adultsDose1": 80, "unvaccinatedRefused": 5 }),
            "figures.unvaccinated",
        ),
        (json!({ "deaths": -1 }), "figures.deaths"),
    ];
    for (figures, field) in cases {
        let body = app.as_agency("health", SAVE, json!({ "i": { "districtCode": "390", "kind": "DAILY_VACCINATION", "period": "2021-12-07", "figures": figures } })).await;
        assert_eq!(
            (error_code(&body), error_field(&body)),
            ("BAD_USER_INPUT", field),
            "{body}"
        );
    }
    let weekly = app.as_agency("health", SAVE, json!({ "i": { "districtCode": "390", "kind": "WEEKLY_EPIDEMIC", "period": "2021-12-07", "figures": {} } })).await;
    assert_eq!(error_field(&weekly), "period", "a week starts on Monday");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM report").await, before);
}

#[tokio::test]
async fn report_calls_set_their_own_deadline() {
    let app = TestApp::spawn().await;
    let call = app.as_agency("health", "mutation { createReportCall(input: { kind: VACCINATION_CENSUS, period: \"2021-12-10\", deadline: \"2021-12-10T10:00:00Z\", aggregateDeadline: \"2021-12-11T04:00:00Z\", note: \"census of adults 18+\" }) { reportCall { id deadline } } }", json!({})).await;
    let call_id = call["data"]["createReportCall"]["reportCall"]["id"].clone();
    assert!(call_id.is_number(), "{call}");
    assert_eq!(error_code(&app.as_agency("steering", "mutation { createReportCall(input: { kind: VACCINATION_CENSUS, period: \"2021-12-10\", deadline: \"2021-12-10T10:00:00Z\" }) { reportCall { id } } }", json!({})).await), "FORBIDDEN");
    let saved = app.as_agency("health-380", SAVE, json!({ "i": { "districtCode": "380", "kind": "VACCINATION_CENSUS", "period": "2021-12-10", "reportCallId": call_id, "figures": { "adults18Plus": 150000, "adultsDose1": 140000 } } })).await;
    let id = saved["data"]["saveReport"]["report"]["id"].clone();
    let submitted = app
        .as_agency("health-380", SUBMIT, json!({ "id": id }))
        .await;
    assert_eq!(
        submitted["data"]["submitReport"]["report"]["dueAt"], "2021-12-10T10:00:00+00:00",
        "{submitted}"
    );
    let status = app
        .as_agency(
            "steering",
            "query($c: Int) { reportingStatus(reportCallId: $c) { expected submitted } }",
            json!({ "c": call_id }),
        )
        .await;
    assert_eq!(
        status["data"]["reportingStatus"],
        json!({ "expected": 27, "submitted": 1 })
    );
}

#[tokio::test]
async fn the_csv_export_is_authenticated_and_scoped() {
    let app = TestApp::spawn().await;
    let get = |token: Option<String>, uri: &str| {
        let mut builder = axum::http::Request::get(uri);
        if let Some(t) = token {
            builder = builder.header("authorization", format!("Bearer {t}"));
        }
        builder.body(axum::body::Body::empty()).expect("request")
    };
    let (status, headers, body) = app
        .send(get(
            Some(app.token("steering")),
            "/export/reports.csv?kind=DAILY_VACCINATION",
        ))
        .await;
    assert_eq!(status, 200);
    assert!(
        headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/csv"))
    );
    let text = String::from_utf8(body).expect("utf8");
    assert!(text.starts_with("id,district_code,kind,period,source_agency,status,due_at,submitted_at,late,adults_18_plus"), "{text}");
    assert!(
        text.lines().count() > 100
            && text
                .lines()
                .skip(1)
                .all(|l| l.contains(",DAILY_VACCINATION,"))
    );
    assert_eq!(app.send(get(None, "/export/reports.csv")).await.0, 401);
    let (_, _, body) = app
        .send(get(Some(app.token("transport")), "/export/reports.csv"))
        .await;
    let text = String::from_utf8(body).expect("utf8");
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.contains(",WEEKLY_EPIDEMIC,")),
        "transport reads epidemic figures only"
    );
    let (_, _, body) = app
        .send(get(Some(app.token("committee-380")), "/export/reports.csv"))
        .await;
    assert!(
        String::from_utf8(body)
            .expect("utf8")
            .lines()
            .skip(1)
            .all(|l| l.split(',').nth(1) == Some("380"))
    );
    assert_eq!(
        app.send(get(
            Some(app.token("steering")),
            "/export/reports.csv?kind=MONTHLY"
        ))
        .await
        .0,
        400
    );
}

#[tokio::test]
async fn report_events_reach_a_websocket_subscriber() {
    let app = TestApp::spawn().await;
    let server = app.serve().await;
    let query =
        "subscription { reportEvents(districtCode: \"380\") { id status kind district { code } } }";
    let mut socket = subscribe(server.addr, &app.token("steering"), query).await;
    let saved = app.as_agency("committee-380", SAVE, json!({ "i": { "districtCode": "380", "kind": "DAILY_VACCINATION", "period": "2021-12-03", "figures": { "dosesAdministeredToday": 12 } } })).await;
    let id = saved["data"]["saveReport"]["report"]["id"].clone();
    app.as_agency("committee-380", SUBMIT, json!({ "id": id }))
        .await;
    let event = next_event(&mut socket).await;
    assert_eq!(
        event["payload"]["data"]["reportEvents"],
        json!({ "id": id, "status": "SUBMITTED", "kind": "DAILY_VACCINATION", "district": { "code": "380" } }),
        "{event}"
    );
}

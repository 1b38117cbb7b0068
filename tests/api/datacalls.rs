//! Data calls to every sector, the compiler's aggregate, vaccination targets and the milestone report,
//! and rebalancing on real need (issue 19), through the router on the light fixture.

use chrono::{Duration, NaiveTime, Utc};
use entity::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, error_field};

const CREATE_FORM: &str = "mutation($i: CreateFormInput!) { createForm(input: $i) { form { code version fields { name type } rules } } }";
const CREATE_CALL: &str = "mutation($i: CreateCallInput!) { createCall(input: $i) { call { id deadline aggregateDeadline compilerAgency { code } } } }";
const SAVE: &str = "mutation($i: SaveAnswerInput!) { saveAnswer(input: $i) { answer { id status values { field value } } } }";
const SUBMIT: &str =
    "mutation($id: Int!) { submitAnswer(input: { id: $id }) { answer { id status submittedAt } } }";
const ACCEPT: &str =
    "mutation($id: Int!) { acceptAnswer(input: { id: $id }) { answer { id status } } }";
const STATUS: &str = "query($c: Int!) { callStatus(callId: $c) { expected submitted onTime late accepted completeness timeliness aggregateLate addressees { agency { code } sector districtCode status onTime late } compilation { late answersCount totals { field value } } } }";

fn ok(body: &Value) -> &Value {
    assert!(body.get("errors").is_none(), "{body}");
    &body["data"]
}

/// A sector agency (DEPARTMENT) created by the administrator, and an EDITOR token for it.
async fn sector(app: &TestApp, code: &str, sector: &str) -> String {
    let body = app
        .as_agency(
            "admin",
            "mutation($i: CreateAgencyInput!) { createAgency(input: $i) { agency { code kind sector } } }",
            json!({ "i": { "code": code, "name": format!("Sở {sector}"), "kind": "DEPARTMENT", "sector": sector } }),
        )
        .await;
    assert_eq!(ok(&body)["createAgency"]["agency"]["sector"], sector);
    app.issue(code, Role::Editor).await
}

async fn gql(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    app.gql(Some(token), query, variables).await.1
}

/// A form with three integers and the rule `a + b <= c`.
async fn abc_form(app: &TestApp, code: &str) -> Value {
    let fields = json!([
        { "name": "a", "label": "A", "type": "INTEGER", "required": true, "min": 0 },
        { "name": "b", "label": "B", "type": "INTEGER", "min": 0 },
        { "name": "c", "label": "C", "type": "INTEGER", "required": true },
        { "name": "note", "label": "Ghi chú", "type": "TEXT" }
    ]);
    let body = app
        .as_agency("health", CREATE_FORM, json!({ "i": { "code": code, "name": "Điều tra", "fields": fields, "rules": ["a + b <= c"] } }))
        .await;
    ok(&body)["createForm"]["form"].clone()
}

async fn call_abc(
    app: &TestApp,
    code: &str,
    deadline: chrono::DateTime<Utc>,
    aggregate: Option<chrono::DateTime<Utc>>,
) -> i64 {
    let input = json!({
        "formCode": code, "period": Utc::now().date_naive().to_string(),
        "addresseeKinds": ["DEPARTMENT", "PEOPLES_COMMITTEE"], "addresseeLevel": "ANY",
        "districtCodes": ["380", "381"], "deadline": deadline.to_rfc3339(),
        "aggregateDeadline": aggregate.map(|a| a.to_rfc3339()),
    });
    let body = app
        .as_agency("health", CREATE_CALL, json!({ "i": input }))
        .await;
    ok(&body)["createCall"]["call"]["id"]
        .as_i64()
        .expect("call id")
}

async fn answer(app: &TestApp, token: &str, call: i64, values: Value) -> Value {
    gql(
        app,
        token,
        SAVE,
        json!({ "i": { "callId": call, "values": values } }),
    )
    .await
}

fn abc(a: i64, b: i64, c: i64) -> Value {
    json!([{ "field": "a", "value": a.to_string() }, { "field": "b", "value": b.to_string() }, { "field": "c", "value": c.to_string() }])
}

#[tokio::test]
async fn a_sector_and_a_district_committee_answer_a_call_one_late_and_the_department_aggregate_is_late_after_its_deadline()
 {
    let app = TestApp::places().await;
    let culture = sector(&app, "culture", "Văn hóa").await;
    let form = abc_form(&app, "CENSUS_ABC").await;
    assert_eq!(form["version"], 1);
    let now = Utc::now();
    let call = call_abc(
        &app,
        "CENSUS_ABC",
        now + Duration::hours(1),
        Some(now + Duration::hours(3)),
    )
    .await;
    assert_eq!(
        ok(&app
            .as_agency(
                "health",
                "query($c: Int!) { callStatus(callId: $c) { call { compilerAgency { code } } } }",
                json!({ "c": call })
            )
            .await)["callStatus"]["call"]["compilerAgency"]["code"],
        "health"
    );

    // The sector answers on time.
    let saved = answer(&app, &culture, call, abc(1, 2, 5)).await;
    let sector_answer = ok(&saved)["saveAnswer"]["answer"]["id"]
        .as_i64()
        .expect("id");
    ok(&gql(&app, &culture, SUBMIT, json!({ "id": sector_answer })).await);
    // The committee of 380 answers two hours later, past the deadline; 381 never does.
    app.state.clock.advance(Duration::hours(2));
    let committee = app.token("committee-380");
    let saved = answer(&app, &committee, call, abc(10, 20, 40)).await;
    let committee_answer = ok(&saved)["saveAnswer"]["answer"]["id"]
        .as_i64()
        .expect("id");
    ok(&gql(&app, &committee, SUBMIT, json!({ "id": committee_answer })).await);

    let status = app.as_agency("health", STATUS, json!({ "c": call })).await;
    let s = &ok(&status)["callStatus"];
    assert_eq!(
        (
            s["expected"].as_i64(),
            s["submitted"].as_i64(),
            s["onTime"].as_i64(),
            s["late"].as_i64()
        ),
        (Some(3), Some(2), Some(1), Some(2)),
        "{s}"
    );
    assert!((s["completeness"].as_f64().expect("c") - 2.0 / 3.0).abs() < 1e-9);
    assert!((s["timeliness"].as_f64().expect("t") - 1.0 / 3.0).abs() < 1e-9);
    let lines = s["addressees"].as_array().expect("lines");
    let line = |code: &str| {
        lines
            .iter()
            .find(|l| l["agency"]["code"] == code)
            .cloned()
            .expect(code)
    };
    assert_eq!(line("culture")["sector"], "Văn hóa");
    assert_eq!(
        (
            line("culture")["onTime"].as_bool(),
            line("culture")["late"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert_eq!(
        (
            line("committee-380")["districtCode"].as_str(),
            line("committee-380")["late"].as_bool()
        ),
        (Some("380"), Some(true))
    );
    assert_eq!(
        (
            line("committee-381")["status"].clone(),
            line("committee-381")["late"].as_bool()
        ),
        (Value::Null, Some(true))
    );

    // The sector reads the status of the call it answered; its own answers only.
    let mine = gql(
        &app,
        &culture,
        "query($c: Int!) { callAnswers(callId: $c) { agency { code } } }",
        json!({ "c": call }),
    )
    .await;
    assert_eq!(
        ok(&mine)["callAnswers"],
        json!([{ "agency": { "code": "culture" } }])
    );
    ok(&gql(&app, &culture, STATUS, json!({ "c": call })).await);
    // Only the compiler accepts; a sector may not.
    assert_eq!(
        error_code(&gql(&app, &culture, ACCEPT, json!({ "id": committee_answer })).await),
        "FORBIDDEN"
    );
    for id in [sector_answer, committee_answer] {
        ok(&app.as_agency("health", ACCEPT, json!({ "id": id })).await);
    }

    // The aggregate is sent past its deadline (three hours after the call): late, frozen.
    app.state.clock.advance(Duration::hours(2));
    let sent = app
        .as_agency("health", "mutation($c: Int!) { sendCompilation(input: { callId: $c }) { compilation { late answersCount totals { field value } } } }", json!({ "c": call }))
        .await;
    let c = &ok(&sent)["sendCompilation"]["compilation"];
    assert_eq!(c["late"], true);
    assert_eq!(c["answersCount"], 2);
    assert_eq!(
        c["totals"],
        json!([{ "field": "a", "value": "11" }, { "field": "b", "value": "22" }, { "field": "c", "value": "45" }])
    );
    let again = app.as_agency("health", "mutation($c: Int!) { sendCompilation(input: { callId: $c }) { compilation { late } } }", json!({ "c": call })).await;
    assert_eq!(error_code(&again), "INVALID_STATE");
    let status = app.as_agency("health", STATUS, json!({ "c": call })).await;
    assert_eq!(ok(&status)["callStatus"]["aggregateLate"], true);
    assert_eq!(ok(&status)["callStatus"]["accepted"], 2);

    // CSV export of the form's answers: one column per field.
    let csv = app
        .as_agency(
            "health",
            "query($c: Int!) { callAnswersCsv(callId: $c) }",
            json!({ "c": call }),
        )
        .await;
    let csv = ok(&csv)["callAnswersCsv"].as_str().expect("csv").to_owned();
    assert!(
        csv.starts_with(
            "agency_code,agency_name,sector,district_code,status,submitted_at,late,a,b,c,note\n"
        ),
        "{csv}"
    );
    assert!(
        csv.lines().any(|l| l.starts_with("committee-380,")
            && l.contains(",ACCEPTED,")
            && l.contains(",true,10,20,40,")),
        "{csv}"
    );
}

#[tokio::test]
async fn an_aggregate_sent_by_its_deadline_is_on_time_and_adds_only_accepted_answers() {
    let app = TestApp::places().await;
    abc_form(&app, "ONTIME").await;
    let now = Utc::now();
    let call = call_abc(
        &app,
        "ONTIME",
        now + Duration::hours(1),
        Some(now + Duration::hours(2)),
    )
    .await;
    let committee = app.token("committee-380");
    let id = ok(&answer(&app, &committee, call, abc(1, 1, 2)).await)["saveAnswer"]["answer"]["id"]
        .as_i64()
        .expect("id");
    ok(&gql(&app, &committee, SUBMIT, json!({ "id": id })).await);
    // Submitted but not accepted: not in the totals.
    let sent = app
        .as_agency("health", "mutation($c: Int!) { sendCompilation(input: { callId: $c }) { compilation { late answersCount totals { field } } } }", json!({ "c": call }))
        .await;
    assert_eq!(
        ok(&sent)["sendCompilation"]["compilation"],
        json!({ "late": false, "answersCount": 0, "totals": [] })
    );
}

#[tokio::test]
async fn answers_import_as_csv_per_form() {
    let app = TestApp::places().await;
    abc_form(&app, "CSVFORM").await;
    let call = call_abc(&app, "CSVFORM", Utc::now() + Duration::hours(1), None).await;
    // The compiler imports answers received on paper: submitted at import.
    let csv = "agency_code,A,b,c,note\ncommittee-380,1,2,3,\"giấy, fax\"\n";
    let body = app
        .as_agency("health", "mutation($i: ImportAnswersInput!) { importAnswers(input: $i) { answers { status values { field value } agency { code } } } }", json!({ "i": { "callId": call, "csv": csv } }))
        .await;
    let answers = ok(&body)["importAnswers"]["answers"]
        .as_array()
        .expect("answers")
        .clone();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0]["status"], "SUBMITTED");
    assert!(
        answers[0]["values"]
            .as_array()
            .expect("v")
            .contains(&json!({ "field": "note", "value": "giấy, fax" }))
    );
    // A bad line fails the whole file, naming the line and the rule.
    let bad = "agency_code,a,b,c\nculture-none,1,1,1\n";
    let body = app
        .as_agency(
            "health",
            "mutation($i: ImportAnswersInput!) { importAnswers(input: $i) { answers { id } } }",
            json!({ "i": { "callId": call, "csv": bad } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    // An addressee imports its own row, as a draft; a row breaking the rule fails the file.
    let committee = app.issue("committee-381", Role::Editor).await;
    let own = "agency_code,a,b,c\ncommittee-381,5,5,9\n";
    let body = gql(
        &app,
        &committee,
        "mutation($i: ImportAnswersInput!) { importAnswers(input: $i) { answers { id } } }",
        json!({ "i": { "callId": call, "csv": own } }),
    )
    .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("line 2")
            && body["errors"][0]["message"]
                .as_str()
                .unwrap_or("")
                .contains("a + b <= c"),
        "{body}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM call_answer").await, 1);
    let own = "agency_code,a,b,c\ncommittee-381,4,5,9\n";
    let body = gql(
        &app,
        &committee,
        "mutation($i: ImportAnswersInput!) { importAnswers(input: $i) { answers { status } } }",
        json!({ "i": { "callId": call, "csv": own } }),
    )
    .await;
    assert_eq!(
        ok(&body)["importAnswers"]["answers"],
        json!([{ "status": "DRAFT" }])
    );
    // Another agency's row is not the addressee's to import.
    let other = "agency_code,a,b,c\ncommittee-380,1,1,2\n";
    let body = gql(
        &app,
        &committee,
        "mutation($i: ImportAnswersInput!) { importAnswers(input: $i) { answers { status } } }",
        json!({ "i": { "callId": call, "csv": other } }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn a_cross_field_rule_holds_at_its_boundary_and_fails_past_it_quoting_the_rule() {
    let app = TestApp::places().await;
    abc_form(&app, "RULE").await;
    let call = call_abc(&app, "RULE", Utc::now() + Duration::hours(1), None).await;
    let committee = app.token("committee-380");
    let at_boundary = answer(&app, &committee, call, abc(2, 3, 5)).await;
    ok(&at_boundary);
    let past = answer(&app, &committee, call, abc(2, 4, 5)).await;
    assert_eq!(error_code(&past), "BAD_USER_INPUT");
    assert!(
        past["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("a + b <= c"),
        "{past}"
    );
    assert_eq!(error_field(&past), "values.a");
    // Nothing written: the answer keeps its values.
    let kept = gql(
        &app,
        &committee,
        "query($c: Int!) { callAnswers(callId: $c) { values { field value } } }",
        json!({ "c": call }),
    )
    .await;
    assert_eq!(
        ok(&kept)["callAnswers"][0]["values"][1],
        json!({ "field": "b", "value": "3" })
    );
    // A required field missing is refused at submission.
    let id = ok(&answer(
        &app,
        &committee,
        call,
        json!([{ "field": "a", "value": "1" }]),
    )
    .await)["saveAnswer"]["answer"]["id"]
        .as_i64()
        .expect("id");
    let body = gql(&app, &committee, SUBMIT, json!({ "id": id })).await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "values.c")
    );
}

#[tokio::test]
async fn bad_forms_calls_targets_and_answers_are_refused_naming_the_field_and_write_nothing() {
    let app = TestApp::places().await;
    let fields = |kind: &str| json!([{ "name": "x", "label": "X", "type": "INTEGER" }, { "name": "y", "label": "Y", "type": kind }]);
    let body = app
        .as_agency(
            "health",
            CREATE_FORM,
            json!({ "i": { "code": "BAD", "name": "Bad", "fields": fields("NUMBERISH") } }),
        )
        .await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "fields[1].type"),
        "{body}"
    );
    let body = app.as_agency("health", CREATE_FORM, json!({ "i": { "code": "BAD", "name": "Bad", "fields": fields("INTEGER"), "rules": ["x + z <= y"] } })).await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "rules[0]"),
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains('z')
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM form").await, 0);

    let now = Utc::now();
    let input = json!({ "formCode": "VACCINATION_CENSUS", "period": now.date_naive().to_string(), "addresseeKinds": ["PEOPLES_COMMITTEE"], "addresseeLevel": "DISTRICT",
                        "deadline": (now + Duration::hours(5)).to_rfc3339(), "aggregateDeadline": (now + Duration::hours(4)).to_rfc3339() });
    let body = app
        .as_agency("health", CREATE_CALL, json!({ "i": input }))
        .await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "aggregateDeadline")
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM data_call").await, 0);

    let target = "mutation($i: SetTargetInput!) { setTarget(input: $i) { targets { share } } }";
    let body = app.as_agency("health", target, json!({ "i": { "districtCode": "380", "milestone": "2021-12-15", "measure": "COMPLETED_ADULTS", "share": 1.01 } })).await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "share")
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM target").await, 0);

    // A sector agency answering a call addressed to district committees only.
    let culture = sector(&app, "culture", "Văn hóa").await;
    let input = json!({ "formCode": "VACCINATION_CENSUS", "period": now.date_naive().to_string(), "addresseeKinds": ["PEOPLES_COMMITTEE"], "addresseeLevel": "DISTRICT" });
    let call = ok(&app
        .as_agency("health", CREATE_CALL, json!({ "i": input }))
        .await)["createCall"]["call"]["id"]
        .as_i64()
        .expect("id");
    let body = answer(
        &app,
        &culture,
        call,
        json!([{ "field": "adults18Plus", "value": "10" }]),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM call_answer").await, 0);
    // A DEPARTMENT agency names its sector; no other kind has one.
    let body = app
        .as_agency(
            "admin",
            "mutation($i: CreateAgencyInput!) { createAgency(input: $i) { agency { code } } }",
            json!({ "i": { "code": "nosector", "name": "X", "kind": "DEPARTMENT" } }),
        )
        .await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "sector")
    );
    // Forms and calls are issued by the province's approvers only.
    let body = gql(&app, &culture, CREATE_CALL, json!({ "i": input })).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn a_daily_call_defaults_to_the_district_deadline_and_the_departments_five_pm_report() {
    let app = TestApp::places().await;
    let day = Utc::now().date_naive();
    let input = json!({ "formCode": "DAILY_VACCINATION", "period": day.to_string(), "addresseeKinds": ["HEALTH"], "addresseeLevel": "DISTRICT" });
    let body = app
        .as_agency("health", CREATE_CALL, json!({ "i": input }))
        .await;
    let call = &ok(&body)["createCall"]["call"];
    let local = |h: u32| {
        lienthong::clock::local_instant(day, NaiveTime::from_hms_opt(h, 0, 0).expect("t"))
            .expect("instant")
    };
    assert_eq!(
        call["deadline"]
            .as_str()
            .map(|s| s.parse::<chrono::DateTime<Utc>>().expect("dt")),
        Some(local(16))
    );
    assert_eq!(
        call["aggregateDeadline"]
            .as_str()
            .map(|s| s.parse::<chrono::DateTime<Utc>>().expect("dt")),
        Some(local(17))
    );
    let forms = app
        .as_agency(
            "health",
            "{ forms { code builtIn defaultDueTime } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ok(&forms)["forms"][0],
        json!({ "code": "DAILY_VACCINATION", "builtIn": true, "defaultDueTime": "16:00" })
    );
    // The district's default is configuration.
    let app = TestApp::places_with(|c| {
        c.district_daily_due = NaiveTime::from_hms_opt(15, 30, 0).expect("t")
    })
    .await;
    let body = app
        .as_agency("health", CREATE_CALL, json!({ "i": input }))
        .await;
    let deadline = ok(&body)["createCall"]["call"]["deadline"]
        .as_str()
        .map(|s| s.parse::<chrono::DateTime<Utc>>().expect("dt"));
    assert_eq!(
        deadline,
        lienthong::clock::local_instant(day, NaiveTime::from_hms_opt(15, 30, 0).expect("t"))
    );
}

const SAVE_REPORT: &str =
    "mutation($i: SaveReportInput!) { saveReport(input: $i) { report { id } } }";

/// A submitted daily report of `district` for `back` days ago: 10,100 adults, 100 contraindicated.
async fn daily(app: &TestApp, district: &str, back: i64, dose1: i64, full: i64) {
    let token = app.token(&format!("health-{district}"));
    let day = lienthong::clock::today() - Duration::days(back);
    let adults = 10_100;
    let figures = json!({ "adults18Plus": adults, "adultsDose1": dose1, "adultsFull": full, "unvaccinatedContraindicated": 100,
                          "unvaccinatedDeferred": 0, "unvaccinatedRefused": 0, "unvaccinatedAbsent": adults - dose1 - 100, "unvaccinatedOther": 0 });
    let body = gql(app, &token, SAVE_REPORT, json!({ "i": { "districtCode": district, "kind": "DAILY_VACCINATION", "period": day.to_string(), "figures": figures } })).await;
    let id = ok(&body)["saveReport"]["report"]["id"]
        .as_i64()
        .expect("id");
    ok(&gql(
        app,
        &token,
        "mutation($id: Int!) { submitReport(input: { id: $id }) { report { id } } }",
        json!({ "id": id }),
    )
    .await);
}

#[tokio::test]
async fn progress_projects_completion_at_the_seven_day_pace_and_names_the_heads() {
    let app = TestApp::places().await;
    // 7 days: dose 1 from 9,000 to 9,700 of 10,000 eligible (100 a day), completed 6,000 to 6,700.
    daily(&app, "380", 7, 9_000, 6_000).await;
    daily(&app, "380", 3, 9_300, 6_300).await;
    daily(&app, "380", 0, 9_700, 6_700).await;
    let today = lienthong::clock::today();
    let milestone = (today + Duration::days(7)).to_string();
    let target = "mutation($i: SetTargetInput!) { setTarget(input: $i) { targets { share } } }";
    for (measure, share) in [("DOSE1_ADULTS", 1.0), ("COMPLETED_ADULTS", 0.75)] {
        ok(&app.as_agency("health", target, json!({ "i": { "districtCode": "380", "milestone": milestone, "measure": measure, "share": share } })).await);
    }
    let head = "mutation($i: SetResponsibleHeadInput!) { setResponsibleHead(input: $i) { responsibleHead { name title } } }";
    for (title, name) in [
        ("Bí thư Thành ủy", "Nguyễn Văn A"),
        ("Chủ tịch UBND thành phố", "Lê Thị B"),
        ("Bí thư Thành ủy", "Trần Văn C"),
    ] {
        ok(&app
            .as_agency(
                "health",
                head,
                json!({ "i": { "districtCode": "380", "title": title, "name": name } }),
            )
            .await);
    }
    let query = "query($m: Date!) { vaccinationProgress(milestone: $m) { districtCode eligible dose1Share completedShare dose1PerDay projectedCompletion behind targetsMet responsibleHeads { name title } } }";
    let body = app
        .as_agency("health", query, json!({ "m": milestone }))
        .await;
    let lines = ok(&body)["vaccinationProgress"]
        .as_array()
        .expect("lines")
        .clone();
    let l = lines
        .iter()
        .find(|l| l["districtCode"] == "380")
        .expect("380");
    assert_eq!(l["eligible"], 10_000);
    assert!((l["dose1Share"].as_f64().expect("s") - 0.97).abs() < 1e-9);
    assert!((l["dose1PerDay"].as_f64().expect("r") - 100.0).abs() < 1e-9);
    // Dose 1 needs 300 more (3 days), 75 % completed needs 800 more (8 days): today + 8, after the milestone.
    assert_eq!(
        l["projectedCompletion"],
        (today + Duration::days(8)).to_string()
    );
    assert_eq!(
        (l["behind"].as_bool(), l["targetsMet"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(
        l["responsibleHeads"],
        json!([{ "name": "Trần Văn C", "title": "Bí thư Thành ủy" }, { "name": "Lê Thị B", "title": "Chủ tịch UBND thành phố" }])
    );
    // A district with no report: no shares, no projection, behind.
    let other = lines
        .iter()
        .find(|l| l["districtCode"] == "381")
        .expect("381");
    assert_eq!(
        (
            other["dose1Share"].clone(),
            other["projectedCompletion"].clone(),
            other["behind"].clone()
        ),
        (Value::Null, Value::Null, json!(true))
    );
    // The committee's printable CSV names the heads on the district's line; police may not read it.
    let csv = app
        .as_agency(
            "steering",
            "query($m: Date!) { vaccinationProgressCsv(milestone: $m) }",
            json!({ "m": milestone }),
        )
        .await;
    let csv = ok(&csv)["vaccinationProgressCsv"]
        .as_str()
        .expect("csv")
        .to_owned();
    assert!(
        csv.lines().any(|l| l.starts_with("380,")
            && l.contains("Bí thư Thành ủy Trần Văn C; Chủ tịch UBND thành phố Lê Thị B")),
        "{csv}"
    );
    let police = app
        .as_agency(
            "police",
            "query($m: Date!) { vaccinationProgressCsv(milestone: $m) }",
            json!({ "m": milestone }),
        )
        .await;
    assert_eq!(error_code(&police), "FORBIDDEN");
}

#[tokio::test]
async fn remaining_need_gives_surplus_where_coverage_is_complete_and_stock_remains() {
    let app = TestApp::places().await;
    // 380 has vaccinated every eligible adult and still holds 5,000 doses; 381 has no report and no stock.
    daily(&app, "380", 1, 10_000, 10_000).await;
    let expires = (lienthong::clock::today() + Duration::days(120)).to_string();
    let receive = "mutation($i: ReceiveLotInput!) { receiveLot(input: $i) { lot { id } } }";
    ok(&app.as_agency("health", receive, json!({ "i": { "districtCode": "380", "vaccineCode": "PFIZER", "lotNumber": "FULL-1", "expiresOn": expires, "doses": 5000 } })).await);
    let query = "{ rebalancingSuggestions(vaccineCode: \"PFIZER\", horizonDays: 30, basis: REMAINING_NEED) { fromDistrict { code } toDistrict { code } doses sourceSurplus destinationShortage reasons } }";
    let body = app.as_agency("health", query, json!({})).await;
    let suggestions = ok(&body)["rebalancingSuggestions"]
        .as_array()
        .expect("list")
        .clone();
    assert!(!suggestions.is_empty(), "{body}");
    for s in &suggestions {
        assert_eq!(s["fromDistrict"]["code"], "380", "{s}");
        assert!(
            s["reasons"]
                .as_array()
                .expect("r")
                .contains(&json!("SURPLUS")),
            "{s}"
        );
    }
    assert_eq!(
        suggestions[0]["sourceSurplus"], 5000,
        "remaining need 0: every dose is surplus"
    );
    let moved: i64 = suggestions
        .iter()
        .map(|s| s["doses"].as_i64().expect("d"))
        .sum();
    assert_eq!(moved, 5000);
}

#[tokio::test]
async fn the_demo_tells_the_story_of_calls_targets_and_real_need() {
    let app = TestApp::spawn().await;
    let calls = app
        .as_agency("steering", "{ calls { id formCode } }", json!({}))
        .await;
    let calls = ok(&calls)["calls"].as_array().expect("calls").clone();
    let id = |form: &str| {
        calls
            .iter()
            .find(|c| c["formCode"] == form)
            .and_then(|c| c["id"].as_i64())
            .expect(form)
    };
    // The weekly call of 003: education late, labour on time, industry and trade missing.
    let weekly = app
        .as_agency("steering", STATUS, json!({ "c": id("SECTOR_WEEKLY") }))
        .await;
    let lines = ok(&weekly)["callStatus"]["addressees"]
        .as_array()
        .expect("lines")
        .clone();
    let late = |code: &str| {
        lines
            .iter()
            .find(|l| l["agency"]["code"] == code)
            .map(|l| (l["status"].clone(), l["late"].clone()))
            .expect(code)
    };
    assert_eq!(late("education"), (json!("SUBMITTED"), json!(true)));
    assert_eq!(late("labour"), (json!("SUBMITTED"), json!(false)));
    assert_eq!(late("industry-trade"), (Value::Null, json!(true)));
    // The census: the Department's aggregate sent before 11:00.
    let census = app
        .as_agency("health", STATUS, json!({ "c": id("VACCINATION_CENSUS") }))
        .await;
    let census = &ok(&census)["callStatus"];
    assert_eq!(
        (
            census["aggregateLate"].as_bool(),
            census["compilation"]["late"].as_bool()
        ),
        (Some(false), Some(false)),
        "{census}"
    );
    assert!(census["late"].as_i64().expect("late") > 0);
    let deliverables = app
        .as_agency(
            "steering",
            "{ deliverables { call { formCode } onTime late } }",
            json!({}),
        )
        .await;
    assert!(ok(&deliverables)["deliverables"].as_array().expect("list").contains(&json!({ "call": { "formCode": "VACCINATION_CENSUS" }, "onTime": true, "late": false })), "{deliverables}");
    // Targets for 15/12 with heads named, some districts behind.
    let milestone = lienthong::demo::milestone_15_12(lienthong::clock::today()).to_string();
    let progress = app.as_agency("steering", "query($m: Date!) { vaccinationProgress(milestone: $m) { districtCode behind responsibleHeads { name } } }", json!({ "m": milestone })).await;
    let lines = ok(&progress)["vaccinationProgress"]
        .as_array()
        .expect("lines")
        .clone();
    assert!(
        lines
            .iter()
            .all(|l| l["responsibleHeads"].as_array().map(Vec::len) == Some(2))
    );
    assert!(lines.iter().any(|l| l["behind"] == true));
    // Rebalancing on real need: the districts with complete coverage give, the others receive.
    let mut reasons = std::collections::BTreeSet::new();
    for vaccine in [
        "ASTRAZENECA",
        "PFIZER",
        "MODERNA",
        "VEROCELL",
        "HAYATVAX",
        "SPUTNIKV",
        "ABDALA",
    ] {
        let query = format!(
            "{{ rebalancingSuggestions(vaccineCode: \"{vaccine}\", basis: REMAINING_NEED) {{ fromDistrict {{ code }} reasons }} }}"
        );
        let body = app.as_agency("health", &query, json!({})).await;
        for s in ok(&body)["rebalancingSuggestions"]
            .as_array()
            .expect("list")
        {
            if ["382", "407"].contains(&s["fromDistrict"]["code"].as_str().unwrap_or("")) {
                reasons.extend(
                    s["reasons"]
                        .as_array()
                        .expect("r")
                        .iter()
                        .map(|r| r.as_str().unwrap_or("").to_owned()),
                );
            }
        }
    }
    assert!(
        reasons.contains("SURPLUS") && reasons.contains("SHORTAGE"),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn a_retried_create_call_with_its_key_makes_one_call() {
    let app = TestApp::places().await;
    let input = json!({ "formCode": "VACCINATION_CENSUS", "period": Utc::now().date_naive().to_string(), "addresseeKinds": ["PEOPLES_COMMITTEE"],
                        "addresseeLevel": "DISTRICT", "idempotencyKey": "census-1012" });
    let first = app
        .as_agency("health", CREATE_CALL, json!({ "i": input.clone() }))
        .await;
    let again = app
        .as_agency("health", CREATE_CALL, json!({ "i": input }))
        .await;
    assert_eq!(
        ok(&first)["createCall"]["call"]["id"],
        ok(&again)["createCall"]["call"]["id"]
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM data_call").await, 1);
    assert_eq!(app.audit_count("data_call.create").await, 1);
}

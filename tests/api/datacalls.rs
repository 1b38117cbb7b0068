//! Data calls to every sector and the compiler's aggregate, through the router on the light fixture
//! (targets, progress and rebalancing on real need: `targets.rs`).

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
pub(crate) const STATUS: &str = "query($c: Int!) { callStatus(callId: $c) { expected submitted onTime late accepted completeness timeliness aggregateLate addressees { agency { code } sector districtCode status onTime late } compilation { late answersCount totals { field value } } } }";

pub(crate) fn ok(body: &Value) -> &Value {
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

pub(crate) async fn gql(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
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
        "query($c: Int!) { callAnswers(callId: $c) { totalCount nodes { agency { code } } } }",
        json!({ "c": call }),
    )
    .await;
    assert_eq!(
        ok(&mine)["callAnswers"],
        json!({ "totalCount": 1, "nodes": [{ "agency": { "code": "culture" } }] })
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
        "query($c: Int!) { callAnswers(callId: $c) { nodes { values { field value } } } }",
        json!({ "c": call }),
    )
    .await;
    assert_eq!(
        ok(&kept)["callAnswers"]["nodes"][0]["values"][1],
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

#[tokio::test]
async fn a_retried_create_form_with_its_key_makes_one_version() {
    let app = TestApp::places().await;
    let input = json!({ "code": "UNVACCINATED_CENSUS", "name": "Rà soát người chưa tiêm",
                        "fields": [{ "name": "people", "label": "Số người", "type": "INTEGER", "required": true, "min": 0 }],
                        "idempotencyKey": "census-form-1" });
    let first = app
        .as_agency("health", CREATE_FORM, json!({ "i": input.clone() }))
        .await;
    let again = app
        .as_agency("health", CREATE_FORM, json!({ "i": input.clone() }))
        .await;
    assert_eq!(ok(&first)["createForm"]["form"]["version"], 1);
    assert_eq!(ok(&again)["createForm"]["form"]["version"], 1);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM form").await, 1);
    assert_eq!(app.audit_count("form.create").await, 1);
    // The same key for another form is a CONFLICT, and writes nothing.
    let mut other = input;
    other["name"] = json!("Một biểu mẫu khác");
    let refused = app
        .as_agency("health", CREATE_FORM, json!({ "i": other }))
        .await;
    assert_eq!(error_code(&refused), "CONFLICT", "{refused}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM form").await, 1);
    // Without a key, each request is a new version.
    let next = json!({ "code": "UNVACCINATED_CENSUS", "name": "Rà soát người chưa tiêm (sửa)",
                       "fields": [{ "name": "people", "label": "Số người", "type": "INTEGER", "required": true, "min": 0 }] });
    let second = app
        .as_agency("health", CREATE_FORM, json!({ "i": next }))
        .await;
    assert_eq!(ok(&second)["createForm"]["form"]["version"], 2);
}

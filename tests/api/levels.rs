//! Epidemic levels through the API: the hold carried across falling weeks, insufficient data instead of
//! zeros, the elderly raise at its boundary, the rule table in force by date, commune levels from a
//! report's commune lines, and declarations (recorded, audited, heard by a subscriber, read by a
//! district agency of another district), with the hostile cases of each.

use entity::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, error_field, next_event, subscribe};
use crate::reports::{import, imported};

/// Runs an operation with a token and returns its JSON body.
async fn call(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    app.gql(Some(token), query, variables).await.1
}

const LEVELS: &str = "query($w: Date!, $k: UnitKind) { epidemicLevels(week: $w, unitKind: $k) { unitKind unitCode computedLevel insufficientData declaredLevel declaration { decisionNumber effectiveFrom declaredBy } differs held elderlyRaise elderlyCoverageFull newCasesPer100k coverageDose1 treatmentCapacityMet rule ruleDecision ruleEffectiveFrom level colour district { code } } }";
const DECLARE: &str = "mutation($i: DeclareEpidemicLevelsInput!) { declareEpidemicLevels(input: $i) { declaration { id level decisionNumber effectiveFrom declaredBy units { unitKind unitCode } } } }";
const LOAD: &str = "mutation($i: LoadEpidemicRuleTableInput!) { loadEpidemicRuleTable(input: $i) { ruleTable { decision effectiveFrom } } }";

/// Population 100,000 (cases equal cases per 100,000) and 70,000 adults; `beds` decides capacity
/// (200 needed).
async fn profile(app: &TestApp, code: &str, beds: i64) {
    let update =
        "mutation($i: UpdateDistrictInput!) { updateDistrict(input: $i) { district { code } } }";
    let body = app.as_agency("health", update, json!({ "i": { "code": code, "population": 100000, "adults18Plus": 70000, "treatmentBeds": beds } })).await;
    assert!(body.get("errors").is_none(), "{body}");
}

const HEADER: &str = "district_code,kind,period,source_agency,submitted_at,adults_18_plus,adults_dose1,new_cases_community,people_65_plus,people_65_plus_full\n";

/// A weekly report (cases, and people 65+ with those fully vaccinated when given).
fn weekly(code: &str, monday: &str, cases: i64, elderly: Option<(i64, i64)>) -> String {
    let (people, full) = elderly.map_or((String::new(), String::new()), |(p, f)| {
        (p.to_string(), f.to_string())
    });
    format!(
        "{code},WEEKLY_EPIDEMIC,{monday},health-{code},2021-12-20T10:00:00+07:00,,,{cases},{people},{full}\n"
    )
}

/// A daily report giving coverage (of 70,000 adults) for the weeks that follow.
fn daily(code: &str, day: &str, dose1: i64) -> String {
    format!("{code},DAILY_VACCINATION,{day},health-{code},{day}T16:00:00+07:00,70000,{dose1},,,\n")
}

async fn levels(app: &TestApp, token: &str, week: &str, kind: &str) -> Vec<Value> {
    let body = call(app, token, LEVELS, json!({ "w": week, "k": kind })).await;
    body["data"]["epidemicLevels"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{body}"))
}

async fn level_of(app: &TestApp, week: &str, kind: &str, code: &str) -> Value {
    let token = app.token("steering");
    levels(app, &token, week, kind)
        .await
        .into_iter()
        .find(|l| l["unitCode"] == code)
        .unwrap_or_else(|| panic!("no {code}"))
}

#[tokio::test]
async fn a_district_without_capacity_stays_at_its_level_across_falling_weeks() {
    let app = TestApp::places().await;
    profile(&app, "388", 50).await;
    let mut csv = String::from(HEADER);
    csv.push_str(&daily("388", "2021-10-31", 40000));
    for (monday, cases) in [
        ("2021-11-01", 200),
        ("2021-11-08", 30),
        ("2021-11-15", 10),
        ("2021-11-22", 5),
    ] {
        csv.push_str(&weekly("388", monday, cases, Some((10000, 9000))));
    }
    imported(&import(&app, &csv));
    let first = level_of(&app, "2021-11-01", "DISTRICT", "388").await;
    assert_eq!(first["computedLevel"], 4, "{first}");
    for week in ["2021-11-08", "2021-11-15", "2021-11-22"] {
        let held = level_of(&app, week, "DISTRICT", "388").await;
        assert_eq!(held["computedLevel"], 4, "{week}: {held}");
        assert_eq!(held["held"], true, "{held}");
        assert_eq!(held["treatmentCapacityMet"], false);
        assert!(
            held["rule"]
                .as_str()
                .unwrap_or("")
                .contains("not lowered below level 4"),
            "{held}"
        );
    }
    // Capacity met: the level follows the cases again.
    profile(&app, "388", 250).await;
    let freed = level_of(&app, "2021-11-22", "DISTRICT", "388").await;
    assert_eq!(
        (freed["computedLevel"].as_i64(), freed["held"].as_bool()),
        (Some(2), Some(false)),
        "{freed}"
    );
}

#[tokio::test]
async fn a_missing_input_gives_insufficient_data_never_zero() {
    let app = TestApp::places().await;
    for code in ["380", "381", "382", "384"] {
        profile(&app, code, 250).await;
    }
    let mut csv = String::from(HEADER);
    // 380: everything; 381: no weekly report; 382: no daily report; 384: no age-group figures.
    csv.push_str(&daily("380", "2021-11-07", 56000));
    csv.push_str(&weekly("380", "2021-11-08", 10, Some((10000, 9000))));
    csv.push_str(&daily("381", "2021-11-07", 56000));
    csv.push_str(&weekly("382", "2021-11-08", 10, Some((10000, 9000))));
    csv.push_str(&daily("384", "2021-11-07", 56000));
    csv.push_str(&weekly("384", "2021-11-08", 10, None));
    imported(&import(&app, &csv));
    let week = "2021-11-08";
    let complete = level_of(&app, week, "DISTRICT", "380").await;
    assert_eq!(complete["computedLevel"], 1, "{complete}");
    assert_eq!(complete["insufficientData"], json!([]));
    for (code, missing) in [
        // No weekly report: its age-group figures are missing too.
        (
            "381",
            json!(["newCasesCommunity", "people65Plus", "people65PlusFull"]),
        ),
        ("382", json!(["coverageDose1"])),
        ("384", json!(["people65Plus", "people65PlusFull"])),
    ] {
        let l = level_of(&app, week, "DISTRICT", code).await;
        assert_eq!(l["computedLevel"], Value::Null, "{code}: {l}");
        assert_eq!(l["level"], Value::Null, "{code}: the old field too");
        assert_eq!(l["insufficientData"], missing, "{code}: {l}");
    }
    let no_cases = level_of(&app, week, "DISTRICT", "381").await;
    assert_eq!(
        no_cases["newCasesPer100k"],
        Value::Null,
        "not 0: {no_cases}"
    );
    // The province lacks what any district lacks.
    let province = level_of(&app, week, "PROVINCE", "38").await;
    assert_eq!(province["computedLevel"], Value::Null, "{province}");
    assert!(
        province["insufficientData"]
            .as_array()
            .expect("list")
            .contains(&json!("newCasesCommunity")),
        "{province}"
    );
    let counts = app
        .as_agency(
            "steering",
            "{ epidemicLevelCounts(week: \"2021-11-08\") { level colour units } }",
            json!({}),
        )
        .await;
    let buckets = counts["data"]["epidemicLevelCounts"]
        .as_array()
        .expect("counts");
    assert_eq!(buckets.len(), 5, "{counts}");
    assert_eq!(buckets[0]["units"], 1, "380 at level 1: {counts}");
    assert_eq!(buckets[4]["level"], Value::Null);
    assert_eq!(buckets[4]["colour"], "INSUFFICIENT_DATA");
    assert_eq!(buckets[4]["units"], 26, "every other district: {counts}");
}

#[tokio::test]
async fn too_few_elderly_fully_vaccinated_raise_the_level_at_the_boundary() {
    let app = TestApp::places().await;
    let mut csv = String::from(HEADER);
    for (code, full) in [("390", 7999), ("391", 8000)] {
        profile(&app, code, 250).await;
        csv.push_str(&daily(code, "2021-11-07", 56000));
        csv.push_str(&weekly(code, "2021-11-08", 10, Some((10000, full))));
    }
    imported(&import(&app, &csv));
    let below = level_of(&app, "2021-11-08", "DISTRICT", "390").await;
    assert_eq!(
        (
            below["computedLevel"].as_i64(),
            below["elderlyRaise"].as_bool()
        ),
        (Some(2), Some(true)),
        "79.99 % of 65+ fully vaccinated: raised from 1 to 2: {below}"
    );
    let at = level_of(&app, "2021-11-08", "DISTRICT", "391").await;
    assert_eq!(
        (at["computedLevel"].as_i64(), at["elderlyRaise"].as_bool()),
        (Some(1), Some(false)),
        "80 %: not raised: {at}"
    );
    // Contradicting age-group figures are refused, naming the figure.
    let save = "mutation($i: SaveReportInput!) { saveReport(input: $i) { report { id } } }";
    let bad = app.as_agency("health", save, json!({ "i": { "districtCode": "390", "kind": "WEEKLY_EPIDEMIC", "period": "2021-11-15", "figures": { "people65Plus": 100, "people65PlusFull": 101 } } })).await;
    assert_eq!(error_field(&bad), "figures.people65PlusFull", "{bad}");
    let bad = app.as_agency("health", save, json!({ "i": { "districtCode": "390", "kind": "WEEKLY_EPIDEMIC", "period": "2021-11-15", "figures": { "people65Plus": 100, "people50Plus": 90 } } })).await;
    assert_eq!(error_field(&bad), "figures.people65Plus", "{bad}");
}

#[tokio::test]
async fn the_table_in_force_that_week_is_used_and_a_bad_table_is_refused_with_its_row() {
    let app = TestApp::places().await;
    profile(&app, "392", 250).await;
    let mut csv = String::from(HEADER);
    csv.push_str(&daily("392", "2021-11-07", 40000));
    for monday in ["2021-11-08", "2021-11-15"] {
        csv.push_str(&weekly("392", monday, 30, Some((10000, 9000))));
    }
    imported(&import(&app, &csv));
    let approver = app.issue("steering", Role::Approver).await;
    let table = json!({
        "decision": "99/QĐ-UBND (test)",
        "casesCounted": "COMMUNITY",
        "bands": [
            { "from": 0, "to": 20, "covered": 1, "notCovered": 2 },
            { "from": 20, "to": 50, "covered": 2, "notCovered": 3 },
            { "from": 50, "to": null, "covered": 3, "notCovered": 4 }
        ],
        "coverageThreshold": 0.5,
        "elderly": []
    });
    let loaded = call(
        &app,
        &approver,
        LOAD,
        json!({ "i": { "effectiveFrom": "2021-11-15", "table": table.to_string() } }),
    )
    .await;
    assert!(loaded.get("errors").is_none(), "{loaded}");
    let before = level_of(&app, "2021-11-08", "DISTRICT", "392").await;
    assert_eq!(
        before["computedLevel"], 3,
        "Decision 4800: 30 cases, 57 % < 70 %: {before}"
    );
    assert_eq!(before["ruleDecision"], "4800/QĐ-BYT");
    let after = level_of(&app, "2021-11-15", "DISTRICT", "392").await;
    assert_eq!(
        after["computedLevel"], 2,
        "the new table: 57 % >= 50 %: {after}"
    );
    assert_eq!(after["ruleDecision"], "99/QĐ-UBND (test)");
    assert_eq!(after["ruleEffectiveFrom"], "2021-11-15");

    let rows = "SELECT COUNT(*) AS n FROM epidemic_rule_table";
    let mut overlapping = table.clone();
    overlapping["bands"][1]["from"] = json!(15);
    let mut gap = table.clone();
    gap["bands"][2]["from"] = json!(60);
    let mut bad_level = table.clone();
    bad_level["bands"][0]["covered"] = json!(5);
    for (bad, field) in [
        (overlapping, "table.bands[1]"),
        (gap, "table.bands[2]"),
        (bad_level, "table.bands[0]"),
    ] {
        let body = call(
            &app,
            &approver,
            LOAD,
            json!({ "i": { "effectiveFrom": "2021-11-22", "table": bad.to_string() } }),
        )
        .await;
        assert_eq!(error_field(&body), field, "{body}");
    }
    let body = call(
        &app,
        &approver,
        LOAD,
        json!({ "i": { "effectiveFrom": "2021-11-23", "table": table.to_string() } }),
    )
    .await;
    assert_eq!(error_field(&body), "effectiveFrom", "not a Monday: {body}");
    let body = app
        .as_agency(
            "steering",
            LOAD,
            json!({ "i": { "effectiveFrom": "2021-11-22", "table": table.to_string() } }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "a viewer: {body}");
    assert_eq!(app.scalar(rows).await, 1, "only the good table was written");
}

/// Two communes of 380, inserted as the commune register would where it does not hold them yet.
async fn communes(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    for (code, name) in [("14755", "Phường Hàm Rồng"), ("14758", "Phường Đông Thọ")] {
        let sql = format!(
            "INSERT INTO commune (code, name, search_name, kind, district_id, created_at, updated_at) \
             SELECT '{code}', '{name}', '{code}', 'WARD', id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM district WHERE code = '380' \
             AND NOT EXISTS (SELECT 1 FROM commune WHERE code = '{code}')"
        );
        app.state
            .db
            .execute_unprepared(&sql)
            .await
            .expect("commune");
    }
}

#[tokio::test]
async fn communes_get_levels_from_the_commune_lines_of_a_weekly_report() {
    let app = TestApp::places().await;
    communes(&app).await;
    let save = "mutation($i: SaveReportInput!) { saveReport(input: $i) { report { id } } }";
    let saved = app.as_agency("health-380", save, json!({ "i": { "districtCode": "380", "kind": "WEEKLY_EPIDEMIC", "period": "2021-11-08", "figures": { "newCasesCommunity": 40 } } })).await;
    let id = saved["data"]["saveReport"]["report"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{saved}"));
    let lines = "mutation($i: SaveReportCommuneLinesInput!) { saveReportCommuneLines(input: $i) { reportId communeCodes } }";
    let line = json!({ "communeCode": "14755", "population": 20000, "newCasesCommunity": 40, "adults18Plus": 14000, "adultsDose1": 9000, "people65Plus": 2000, "people65PlusFull": 1900 });
    // Hostile lines first: nothing is written.
    for (bad, field) in [
        (json!([line, line]), "lines[1].communeCode"),
        (
            json!([{ "communeCode": "16000", "population": 10 }]),
            "lines[0].communeCode",
        ),
        (
            json!([{ "communeCode": "14758", "adults18Plus": 10, "adultsDose1": 11 }]),
            "lines[0].adultsDose1",
        ),
        (
            json!([{ "communeCode": "14758", "people65Plus": 10, "people65PlusFull": 11 }]),
            "lines[0].people65PlusFull",
        ),
    ] {
        let body = app
            .as_agency(
                "health-380",
                lines,
                json!({ "i": { "reportId": id, "lines": bad } }),
            )
            .await;
        assert_eq!(error_field(&body), field, "{body}");
    }
    let neighbour = app.issue("health-381", Role::Editor).await;
    let other = call(
        &app,
        &neighbour,
        lines,
        json!({ "i": { "reportId": id, "lines": [line] } }),
    )
    .await;
    assert!(
        matches!(error_code(&other), "NOT_FOUND" | "FORBIDDEN"),
        "{other}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM report_commune_line")
            .await,
        0
    );
    let ok = app.as_agency("health-380", lines, json!({ "i": { "reportId": id, "lines": [line, { "communeCode": "14758", "newCasesCommunity": 0 }] } })).await;
    assert_eq!(
        ok["data"]["saveReportCommuneLines"]["communeCodes"],
        json!(["14755", "14758"]),
        "{ok}"
    );
    let submit = "mutation($id: Int!) { submitReport(input: { id: $id }) { report { status } } }";
    let body = app
        .as_agency("health-380", submit, json!({ "id": id }))
        .await;
    assert_eq!(
        body["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{body}"
    );
    let ham_rong = level_of(&app, "2021-11-08", "COMMUNE", "14755").await;
    // 200 per 100,000, 64 % with dose 1: level 4; 95 % of 65+ fully vaccinated.
    assert_eq!(ham_rong["computedLevel"], 4, "{ham_rong}");
    assert_eq!(ham_rong["district"]["code"], "380");
    let dong_tho = level_of(&app, "2021-11-08", "COMMUNE", "14758").await;
    assert_eq!(dong_tho["computedLevel"], Value::Null, "{dong_tho}");
    assert!(
        dong_tho["insufficientData"]
            .as_array()
            .expect("list")
            .contains(&json!("population")),
        "{dong_tho}"
    );
}

#[tokio::test]
async fn a_committee_declaration_is_recorded_audited_heard_and_read_by_every_district() {
    let app = TestApp::places().await;
    communes(&app).await;
    profile(&app, "388", 250).await;
    let mut csv = String::from(HEADER);
    csv.push_str(&daily("388", "2021-11-07", 56000));
    csv.push_str(&weekly("388", "2021-11-08", 10, Some((10000, 9000))));
    imported(&import(&app, &csv));
    let approver = app.issue("steering", Role::Approver).await;
    let neighbour = app.issue("health-381", Role::Viewer).await;
    let server = app.serve().await;
    let mut socket = subscribe(
        server.addr,
        &neighbour,
        "subscription { epidemicLevelEvents { cursor declaration { decisionNumber level units { unitCode } } } }",
    )
    .await;
    let input = json!({
        "unitCodes": ["388", "14755", "38"],
        "level": 3,
        "decisionNumber": "4512/QĐ-UBND",
        "effectiveFrom": "2021-11-10T00:00:00Z",
        "note": "Cấp độ 3 theo đề nghị của Sở Y tế",
        "idempotencyKey": "decl-1"
    });
    let rows = "SELECT COUNT(*) AS n FROM epidemic_level_declared_unit";
    let hostile = [
        (json!({ "level": 5 }), "level"),
        (json!({ "level": 0 }), "level"),
        (json!({ "unitCodes": ["388", "99999"] }), "unitCodes[1]"),
        (json!({ "unitCodes": ["222"] }), "unitCodes[0]"),
        (json!({ "unitCodes": ["22"] }), "unitCodes[0]"),
        (json!({ "unitCodes": [] }), "unitCodes"),
        (json!({ "decisionNumber": "  " }), "decisionNumber"),
        (
            json!({ "effectiveFrom": "2020-01-01T00:00:00Z" }),
            "effectiveFrom",
        ),
        (
            json!({ "effectiveFrom": "2099-01-01T00:00:00Z" }),
            "effectiveFrom",
        ),
    ];
    for (change, field) in hostile {
        let mut bad = input.clone();
        for (k, v) in change.as_object().expect("object") {
            bad[k] = v.clone();
        }
        bad["idempotencyKey"] = json!(null);
        let body = call(&app, &approver, DECLARE, json!({ "i": bad })).await;
        assert_eq!(error_field(&body), field, "{change}: {body}");
    }
    for (who, role) in [
        ("committee-380", Role::Approver),
        ("steering", Role::Editor),
        ("health", Role::Approver),
    ] {
        let token = app.issue(who, role).await;
        let body = call(&app, &token, DECLARE, json!({ "i": input })).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{who} {role:?}: {body}");
    }
    assert_eq!(app.scalar(rows).await, 0, "nothing written");

    let made = call(&app, &approver, DECLARE, json!({ "i": input })).await;
    let declaration = &made["data"]["declareEpidemicLevels"]["declaration"];
    assert_eq!(declaration["decisionNumber"], "4512/QĐ-UBND", "{made}");
    assert_eq!(
        declaration["units"],
        json!([
            { "unitKind": "DISTRICT", "unitCode": "388" },
            { "unitKind": "COMMUNE", "unitCode": "14755" },
            { "unitKind": "PROVINCE", "unitCode": "38" }
        ])
    );
    let again = call(&app, &approver, DECLARE, json!({ "i": input })).await;
    assert_eq!(
        again["data"]["declareEpidemicLevels"]["declaration"]["id"], declaration["id"],
        "a retry returns the first declaration"
    );
    assert_eq!(app.scalar(rows).await, 3);
    assert_eq!(app.audit_count("epidemic_level.declare").await, 1);

    let heard = next_event(&mut socket).await;
    let event = &heard["payload"]["data"]["epidemicLevelEvents"]["declaration"];
    assert_eq!(event["decisionNumber"], "4512/QĐ-UBND", "{heard}");
    assert_eq!(event["level"], 3);

    // A district health centre reads its neighbour's declared level, side by side with the computed one.
    let seen = levels(&app, &neighbour, "2021-11-08", "DISTRICT").await;
    assert_eq!(seen.len(), 27, "every district");
    let l388 = seen.iter().find(|l| l["unitCode"] == "388").expect("388");
    assert_eq!(l388["declaredLevel"], 3, "{l388}");
    assert_eq!(l388["computedLevel"], 1, "{l388}");
    assert_eq!(l388["differs"], true);
    assert_eq!(l388["declaration"]["decisionNumber"], "4512/QĐ-UBND");
    assert!(
        l388["declaration"]["declaredBy"]
            .as_str()
            .unwrap_or("")
            .starts_with("steering/")
    );
    let before = level_of(&app, "2021-11-01", "DISTRICT", "388").await;
    assert_eq!(
        before["declaredLevel"],
        Value::Null,
        "not yet in force the week before: {before}"
    );
    let differences = call(&app, &neighbour, "{ epidemicLevelDifferences(week: \"2021-11-08\") { unitCode declaredLevel computedLevel } }", json!({}))
        .await;
    assert_eq!(
        differences["data"]["epidemicLevelDifferences"],
        json!([{ "unitCode": "388", "declaredLevel": 3, "computedLevel": 1 }]),
        "{differences}"
    );
    let commune = level_of(&app, "2021-11-08", "COMMUNE", "14755").await;
    assert_eq!(commune["declaredLevel"], 3, "{commune}");

    // The declaration is this province's word in the epidemic-area register the gateways consult.
    let areas = call(
        &app,
        &neighbour,
        "{ epidemicAreas(at: \"2021-11-12T00:00:00Z\", filter: {areaCode: \"388\"}) { nodes { areaCode level source validFrom } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        areas["data"]["epidemicAreas"]["nodes"],
        json!([{ "areaCode": "388", "level": 3, "source": "DECLARED_LEVEL", "validFrom": "2021-11-10T00:00:00+00:00" }]),
        "{areas}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM epidemic_area WHERE source = 'DECLARED_LEVEL'")
            .await,
        3,
        "one register entry per declared unit, none for the retry"
    );
}

#[tokio::test]
async fn the_demo_tells_the_levels_story() {
    use chrono::{Datelike, Duration};
    let app = TestApp::spawn().await;
    let today = lienthong::clock::today();
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let last_week = (this_monday - Duration::days(7)).to_string();
    let held = level_of(&app, &last_week, "DISTRICT", "388").await;
    assert_eq!(
        (
            held["computedLevel"].as_i64(),
            held["held"].as_bool(),
            held["declaredLevel"].as_i64()
        ),
        (Some(4), Some(true), Some(4)),
        "{held}"
    );
    for weeks_back in [3, 2] {
        let week = (this_monday - Duration::days(7 * weeks_back)).to_string();
        let l = level_of(&app, &week, "DISTRICT", "388").await;
        assert_eq!(
            (l["computedLevel"].as_i64(), l["held"].as_bool()),
            (Some(4), Some(true)),
            "{week}: {l}"
        );
    }
    let missing = level_of(&app, &last_week, "DISTRICT", "384").await;
    assert_eq!(
        missing["insufficientData"],
        json!(["people65Plus", "people65PlusFull"]),
        "{missing}"
    );
    let raised = level_of(&app, &last_week, "DISTRICT", "386").await;
    assert_eq!(raised["elderlyRaise"], true, "{raised}");
    let token = app.token("health-380");
    let communes = levels(&app, &token, &last_week, "COMMUNE").await;
    let with_level = communes
        .iter()
        .filter(|c| !c["computedLevel"].is_null())
        .count();
    assert_eq!(with_level, 34 + 21, "the communes of 380 and 389");
    let ham_rong = communes
        .iter()
        .find(|c| c["unitCode"] == "14755")
        .expect("14755");
    assert_eq!(ham_rong["declaredLevel"], 3, "{ham_rong}");
}

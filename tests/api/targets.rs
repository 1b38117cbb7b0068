//! Vaccination targets, the milestone report and rebalancing on real need, through the router; and the
//! demo's story of calls, targets and surplus.

use chrono::Duration;
use serde_json::{Value, json};

use crate::datacalls::{STATUS, gql, ok};
use crate::helpers::{TestApp, error_code};

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
        .as_agency(
            "steering",
            "{ calls(first: 500) { nodes { id formCode } } }",
            json!({}),
        )
        .await;
    let calls = ok(&calls)["calls"]["nodes"]
        .as_array()
        .expect("calls")
        .clone();
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
            "{ deliverables { nodes { call { formCode } onTime late } } }",
            json!({}),
        )
        .await;
    assert!(ok(&deliverables)["deliverables"]["nodes"].as_array().expect("list").contains(&json!({ "call": { "formCode": "VACCINATION_CENSUS" }, "onTime": true, "late": false })), "{deliverables}");
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

//! Vaccination targets, the milestone report and rebalancing on real need, through the router; and the
//! demo's story of calls, targets and surplus.

use chrono::Duration;
use serde_json::{Value, json};

use crate::datacalls::{STATUS, gql, ok};
use crate::helpers::{TestApp, error_code, error_field};

const SAVE_REPORT: &str =
    "mutation($i: SaveReportInput!) { saveReport(input: $i) { report { id } } }";

/// A submitted daily report of `district` for `back` days ago: 10,100 adults, 100 contraindicated.
async fn daily(app: &TestApp, district: &str, back: i64, dose1: i64, full: i64) {
    daily_with(app, district, back, dose1, full, json!({})).await;
}

/// [`daily`] with more figures (the adolescents', say).
async fn daily_with(app: &TestApp, district: &str, back: i64, dose1: i64, full: i64, more: Value) {
    let token = app.token(&format!("health-{district}"));
    let day = lienthong::clock::today() - Duration::days(back);
    let adults = 10_100;
    let mut figures = json!({ "adultsDose1": dose1, "adultsFull": full, "unvaccinatedContraindicated": 100, "adults18Plus": adults,
                          "unvaccinatedDeferred": 0, "unvaccinatedRefused": 0, "unvaccinatedAbsent": adults - dose1 - 100, "unvaccinatedOther": 0 });
    for (k, v) in more.as_object().expect("figures") {
        figures[k] = v.clone();
    }
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
    // The 15-17 allocations: used up in several districts, one short of its 100 % target and behind.
    let milestone = lienthong::demo::milestone_10_12(lienthong::clock::today()).to_string();
    let teens = app.as_agency("steering", "query($m: Date!) { vaccinationProgress(milestone: $m) { districtCode adolescentDosesAllocated adolescentAllocationUsedShare adolescentAllocationTarget behind } }", json!({ "m": milestone })).await;
    let teens = ok(&teens)["vaccinationProgress"]
        .as_array()
        .expect("lines")
        .clone();
    let allocated: Vec<&Value> = teens
        .iter()
        .filter(|l| !l["adolescentDosesAllocated"].is_null())
        .collect();
    assert!(allocated.len() >= 4, "{teens:?}");
    let short: Vec<&&Value> = allocated
        .iter()
        .filter(|l| l["adolescentAllocationUsedShare"].as_f64().expect("share") < 1.0)
        .collect();
    assert_eq!(short.len(), 1, "{allocated:?}");
    assert_eq!(
        (
            short[0]["districtCode"].clone(),
            short[0]["behind"].clone(),
            short[0]["adolescentAllocationTarget"].as_f64()
        ),
        (json!("391"), json!(true), Some(1.0))
    );
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

const ALLOCATE: &str = "mutation($i: SetAdolescentAllocationInput!) { setAdolescentAllocation(input: $i) { allocation { id asOf doses note setBy district { code } } } }";

const TEENS: &str = "query($m: Date!, $d: Date) { vaccinationProgress(milestone: $m, asOf: $d) { districtCode adolescentsDose1 adolescentsDose2 adolescentDosesAllocated adolescentDosesUsed adolescentAllocationUsedShare adolescentAllocationTarget behind } }";

/// The milestone report's line of `district`.
async fn line(app: &TestApp, milestone: &str, as_of: Option<&str>, district: &str) -> Value {
    let body = app
        .as_agency("health", TEENS, json!({ "m": milestone, "d": as_of }))
        .await;
    ok(&body)["vaccinationProgress"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["districtCode"] == district)
        .cloned()
        .expect(district)
}

async fn allocate(app: &TestApp, district: &str, doses: i64, as_of: &str) -> Value {
    app.as_agency(
        "health",
        ALLOCATE,
        json!({ "i": { "districtCode": district, "doses": doses, "asOf": as_of, "note": "QĐ 15-17" } }),
    )
    .await
}

async fn teen_target(app: &TestApp, milestone: &str, share: f64) {
    let target = "mutation($i: SetTargetInput!) { setTarget(input: $i) { targets { share } } }";
    ok(&app.as_agency("health", target, json!({ "i": { "milestone": milestone, "measure": "ADOLESCENT_ALLOCATION_USED", "share": share } })).await);
}

#[tokio::test]
async fn the_share_of_the_15_17_allocation_used_at_its_boundary() {
    let app = TestApp::places().await;
    let today = lienthong::clock::today();
    let day = |back: i64| (today - Duration::days(back)).to_string();
    // Every eligible adult done, so only the 15-17 measure can put 380 behind. 600 adolescents with
    // dose 1 and 400 with dose 2: 1,000 doses used.
    daily_with(
        &app,
        "380",
        0,
        10_000,
        10_000,
        json!({ "adolescents1517Dose1": 600, "adolescents1517Dose2": 400 }),
    )
    .await;
    let milestone = today.to_string();
    teen_target(&app, &milestone, 1.0).await;
    // No allocation yet: allocated and share null, used shown, judged on the adults only.
    let l = line(&app, &milestone, None, "380").await;
    assert_eq!(
        (
            l["adolescentDosesAllocated"].clone(),
            l["adolescentDosesUsed"].clone(),
            l["adolescentAllocationUsedShare"].clone(),
            l["behind"].clone()
        ),
        (Value::Null, json!(1000), Value::Null, json!(false)),
        "{l}"
    );
    // Exactly the allocation used on the milestone: 100 %, not behind.
    let body = allocate(&app, "380", 1000, &day(5)).await;
    let a = &ok(&body)["setAdolescentAllocation"]["allocation"];
    assert_eq!(
        (
            a["doses"].clone(),
            a["asOf"].clone(),
            a["district"]["code"].clone()
        ),
        (json!(1000), json!(day(5)), json!("380"))
    );
    let l = line(&app, &milestone, None, "380").await;
    assert_eq!(
        (
            l["adolescentDosesAllocated"].clone(),
            l["adolescentDosesUsed"].clone(),
            l["adolescentAllocationUsedShare"].as_f64(),
            l["behind"].clone()
        ),
        (json!(1000), json!(1000), Some(1.0), json!(false)),
        "{l}"
    );
    assert_eq!(
        (l["adolescentsDose1"].clone(), l["adolescentsDose2"].clone()),
        (json!(600), json!(400))
    );
    // One dose more allocated the same day replaces it: 1,000 of 1,001 used, behind on the milestone.
    ok(&allocate(&app, "380", 1001, &day(5)).await);
    let l = line(&app, &milestone, None, "380").await;
    assert_eq!(l["adolescentDosesAllocated"], 1001);
    assert!(
        (l["adolescentAllocationUsedShare"].as_f64().expect("share") - 1000.0 / 1001.0).abs()
            < 1e-12
    );
    assert_eq!(l["behind"], true, "{l}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM adolescent_allocation")
            .await,
        1
    );
    // A later day's allocation supersedes it from that day on; looked at before it, the earlier holds.
    ok(&allocate(&app, "380", 900, &day(1)).await);
    let l = line(&app, &milestone, None, "380").await;
    assert_eq!(
        (
            l["adolescentDosesAllocated"].clone(),
            l["adolescentAllocationUsedShare"].as_f64(),
            l["behind"].clone()
        ),
        (json!(900), Some(1000.0 / 900.0), json!(false)),
        "{l}"
    );
    let before = line(&app, &milestone, Some(&day(3)), "380").await;
    assert_eq!(
        (
            before["adolescentDosesAllocated"].clone(),
            before["adolescentDosesUsed"].clone(),
            before["adolescentAllocationUsedShare"].clone()
        ),
        (json!(1001), Value::Null, Value::Null),
        "no report by then: {before}"
    );
    // Every write audited: created, replaced, the later day created.
    assert_eq!(app.audit_count("adolescent_allocation.set").await, 3);
    let changed = app.scalar("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'adolescent_allocation.set' AND entity = 'adolescent_allocation' AND before IS NOT NULL").await;
    assert_eq!(changed, 1);
    // A district with an allocation and no report: no share, and not judged on it.
    ok(&allocate(&app, "381", 500, &day(5)).await);
    let other = line(&app, &milestone, None, "381").await;
    assert_eq!(
        (
            other["adolescentDosesAllocated"].clone(),
            other["adolescentDosesUsed"].clone(),
            other["adolescentAllocationUsedShare"].clone()
        ),
        (json!(500), Value::Null, Value::Null)
    );
    // The CSV carries the same columns.
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
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name}: {csv}"))
    };
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("380,"))
        .expect("380")
        .split(',')
        .collect();
    assert_eq!(
        [
            row[col("adolescent_doses_allocated")],
            row[col("adolescent_doses_used")],
            row[col("adolescent_allocation_used_pct")],
            row[col("adolescent_allocation_target_pct")],
            row[col("behind")]
        ],
        ["900", "1000", "111.1", "100.0", "false"],
        "{csv}"
    );
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("381,"))
        .expect("381")
        .split(',')
        .collect();
    assert_eq!(
        [
            row[col("adolescent_doses_allocated")],
            row[col("adolescent_doses_used")],
            row[col("adolescent_allocation_used_pct")]
        ],
        ["500", "", ""]
    );
}

#[tokio::test]
async fn before_the_milestone_behind_when_the_pace_of_doses_used_misses_it() {
    let app = TestApp::places().await;
    let today = lienthong::clock::today();
    // Adolescent doses used: 300 a week ago, 1,000 today: 100 a day.
    daily_with(
        &app,
        "380",
        7,
        10_000,
        10_000,
        json!({ "adolescents1517Dose1": 200, "adolescents1517Dose2": 100 }),
    )
    .await;
    daily_with(
        &app,
        "380",
        0,
        10_000,
        10_000,
        json!({ "adolescents1517Dose1": 600, "adolescents1517Dose2": 400 }),
    )
    .await;
    let milestone = (today + Duration::days(3)).to_string();
    teen_target(&app, &milestone, 1.0).await;
    // 1,300 allocated: 300 more in 3 days, on the milestone: on track though below it today.
    ok(&allocate(&app, "380", 1300, &today.to_string()).await);
    let l = line(&app, &milestone, None, "380").await;
    assert_eq!(l["behind"], false, "{l}");
    // 1,301: 4 days, a day late.
    ok(&allocate(&app, "380", 1301, &today.to_string()).await);
    let l = line(&app, &milestone, None, "380").await;
    assert_eq!(l["behind"], true, "{l}");
    // A target of 75 % is already reached: not behind.
    teen_target(&app, &milestone, 0.75).await;
    let l = line(&app, &milestone, None, "380").await;
    assert_eq!(
        (
            l["adolescentAllocationTarget"].as_f64(),
            l["behind"].clone()
        ),
        (Some(0.75), json!(false)),
        "{l}"
    );
}

#[tokio::test]
async fn allocations_refuse_bad_input_and_other_callers_writing_nothing() {
    let app = TestApp::places().await;
    let today = lienthong::clock::today().to_string();
    let cases = [
        (
            json!({ "districtCode": "999", "doses": 100, "asOf": today }),
            "districtCode",
        ),
        (
            json!({ "districtCode": "380", "doses": -1, "asOf": today }),
            "doses",
        ),
        (
            json!({ "districtCode": "380", "doses": 20_000_001, "asOf": today }),
            "doses",
        ),
        (
            json!({ "districtCode": "380", "doses": 5_000_000_000_i64, "asOf": today }),
            "doses",
        ),
        (
            json!({ "districtCode": "380", "doses": 100, "asOf": today, "note": "x".repeat(501) }),
            "note",
        ),
        (
            json!({ "districtCode": "380", "doses": 100, "asOf": today, "idempotencyKey": "" }),
            "idempotencyKey",
        ),
    ];
    for (input, field) in cases {
        let body = app
            .as_agency("health", ALLOCATE, json!({ "i": input }))
            .await;
        assert_eq!(
            (error_code(&body), error_field(&body)),
            ("BAD_USER_INPUT", field),
            "{input}: {body}"
        );
    }
    // A district committee, even an approver, and the steering committee's viewer: FORBIDDEN.
    let approver = app.issue("committee-380", entity::Role::Approver).await;
    let (_, body) = app
        .gql(
            Some(&approver),
            ALLOCATE,
            json!({ "i": { "districtCode": "380", "doses": 100, "asOf": today } }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    for agency in ["committee-380", "health-380", "steering", "police"] {
        let body = app
            .as_agency(
                agency,
                ALLOCATE,
                json!({ "i": { "districtCode": "380", "doses": 100, "asOf": today } }),
            )
            .await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{agency}: {body}");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM adolescent_allocation")
            .await,
        0
    );
    assert_eq!(app.audit_count("adolescent_allocation.set").await, 0);
    // The steering committee's approver may; a retry with the same key returns the first result, the
    // same key for other doses is a CONFLICT.
    let steering = app.issue("steering", entity::Role::Approver).await;
    let keyed = |doses: i64| json!({ "i": { "districtCode": "380", "doses": doses, "asOf": today, "idempotencyKey": "alloc-1" } });
    let first = app.gql(Some(&steering), ALLOCATE, keyed(100)).await.1;
    let again = app.gql(Some(&steering), ALLOCATE, keyed(100)).await.1;
    assert_eq!(
        ok(&first)["setAdolescentAllocation"]["allocation"]["id"],
        ok(&again)["setAdolescentAllocation"]["allocation"]["id"]
    );
    let other = app.gql(Some(&steering), ALLOCATE, keyed(200)).await.1;
    assert_eq!(error_code(&other), "CONFLICT", "{other}");
    assert_eq!(app.audit_count("adolescent_allocation.set").await, 1);
}

#[tokio::test]
async fn reports_refuse_more_adolescents_with_dose_2_than_with_dose_1() {
    let app = TestApp::places().await;
    let token = app.token("health-380");
    let day = lienthong::clock::today().to_string();
    let save = |d1: i64, d2: i64| json!({ "i": { "districtCode": "380", "kind": "DAILY_VACCINATION", "period": day, "figures": { "adolescents1517Dose1": d1, "adolescents1517Dose2": d2 } } });
    let body = gql(&app, &token, SAVE_REPORT, save(100, 101)).await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        ("BAD_USER_INPUT", "figures.adolescents1517Dose2"),
        "{body}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM report").await, 0);
    ok(&gql(&app, &token, SAVE_REPORT, save(100, 100)).await);
}

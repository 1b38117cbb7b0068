//! The situation board at `/board`: the page names only files the binary serves and carries a strict
//! policy; and (with Node, `clients/browser` installed and Chromium) a headless browser, with every
//! request off this machine refused, drives it against a real `serve --demo` process: every panel's
//! figures equal the API's own answers, a positive screening shows up live within 2 s, transport sees
//! nothing personal and no stock, a revoked token goes back to sign-in, and English is a click away.
//! Screenshots of every panel at 1366x768 and 1920x1080 land in `target/board-screenshots/`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use axum::http::{StatusCode, header};
use lienthong::graphql::board;
use serde_json::{Value, json};

use crate::graphiql::{browser, get, header_of, links_of, run_browser_check};
use crate::helpers::{HttpClient, ServerProcess, TestApp, TestDb};

/// The relative module paths a script imports (`from './x.js'`).
fn imports_of(script: &str) -> Vec<String> {
    script
        .match_indices("from './")
        .map(|(at, _)| {
            let rest = &script[at + "from './".len()..];
            rest[..rest.find('\'').expect("closing quote")].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_board_names_only_embedded_files_and_carries_a_strict_policy() {
    let app = TestApp::places().await;
    for path in ["/board", "/board/"] {
        let (status, headers, body) = get(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(header_of(&headers, header::CONTENT_TYPE).starts_with("text/html"));
        let policy = header_of(&headers, header::CONTENT_SECURITY_POLICY);
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "img-src 'self' data:",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{directive} in {policy}");
        }
        assert!(!policy.contains("unsafe"), "{policy}");
        assert_eq!(header_of(&headers, header::X_FRAME_OPTIONS), "DENY");
        assert_eq!(header_of(&headers, header::CACHE_CONTROL), "no-cache");
        let page = String::from_utf8(body).expect("utf-8");
        assert!(page.contains("<html lang=\"vi\">"));
        // No inline script or style: every script has a src, and no style element or attribute.
        assert_eq!(
            page.matches("<script").count(),
            page.matches("<script type=\"module\" src=").count()
        );
        assert!(!page.contains("<style") && !page.contains("style=\""));
        let links = links_of(&page);
        assert_eq!(links.len(), 3, "{links:?}");
        for link in links.iter().filter(|l| *l != "data:,") {
            assert!(link.starts_with(&board::asset_base()), "{link}");
        }
    }
    // Every file: served with its type and a long cache; its imports are files of the board too.
    let names = board::asset_names();
    for name in &names {
        let link = format!("{}/{name}", board::asset_base());
        let (status, headers, body) = get(&app, &link).await;
        assert_eq!(status, StatusCode::OK, "{link}");
        let expected = if name.ends_with(".css") {
            "text/css"
        } else {
            "text/javascript"
        };
        assert!(header_of(&headers, header::CONTENT_TYPE).starts_with(expected));
        assert_eq!(
            header_of(&headers, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        let text = String::from_utf8(body).expect("utf-8");
        for import in imports_of(&text) {
            assert!(names.contains(&import.as_str()), "{name} imports {import}");
        }
        // Nothing from elsewhere (the SVG namespace is a name, not a place), and no HTML written
        // from strings.
        let text = text.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{name}"
        );
        assert!(!text.contains("innerHTML"), "{name}");
    }
    for path in [
        "/board/0000000000000000/main.js".to_owned(),
        format!("{}/index.html", board::asset_base()),
    ] {
        let (status, headers, _) = get(&app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(header_of(&headers, header::CACHE_CONTROL), "no-store");
    }
}

#[test]
fn the_map_places_districts_by_the_committed_centroids() {
    let csv = include_str!("../../data/district-centroids-2021.csv");
    let script = include_str!("../../assets/board/centroids.js");
    let mut rows = 0;
    for line in csv.lines().skip(1).filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        let entry = format!(
            "'{}': [{}, {}, {}],",
            cells[0], cells[1], cells[2], cells[3]
        );
        assert!(script.contains(&entry), "{entry} missing from centroids.js");
        rows += 1;
    }
    assert_eq!(script.matches("],").count(), rows);
    // Every district of the demo province has a centroid.
    for line in include_str!("../../data/districts-2021.csv")
        .lines()
        .filter(|l| l.split(',').nth(3) == Some("38"))
    {
        let code = line.split(',').next().expect("code");
        assert!(script.contains(&format!("'{code}':")), "{code}");
    }
}

/// What the health token's view of each panel is, asked field by field (each within the server's
/// complexity limit).
const HEALTH_VIEW: [&str; 10] = [
    "query($week: Date!) { districts(first: 100) { nodes { code } } epidemicLevels(week: $week, unitKind: DISTRICT) { unitCode computedLevel declaredLevel } }",
    "{ followUpSummary { district { code } overdue } }",
    "query($today: Date!, $yesterday: Date!) { today: reportingStatus(kind: DAILY_VACCINATION, period: $today) { ...Status } yesterday: reportingStatus(kind: DAILY_VACCINATION, period: $yesterday) { ...Status } } fragment Status on ReportingStatusView { expected submitted late missing completeness timeliness }",
    "query($milestone: Date!) { vaccinationProgress(milestone: $milestone) { districtCode dose1Share completedShare } }",
    "{ stockSummary { vaccine { code } dosesOnHand dosesAvailable } }",
    "{ expiringLots(withinDays: 14) { id dosesAvailable } }",
    "{ transfers(filter: { status: DISPATCHED }, first: 100) { totalCount pageInfo { hasNextPage } nodes { id doses } } }",
    "{ quarantineFacilities(first: 100) { pageInfo { hasNextPage } nodes { code occupancy } } }",
    "{ quarantineSummary { district { code } open } }",
    "{ vesselCalls(first: 100) { pageInfo { hasNextPage } nodes { id cargoRelease } } }",
];

/// The data of an operation that must succeed.
async fn data_of(api: &HttpClient, token: &str, query: &str, variables: Value) -> Value {
    let body = api.gql(token, query, variables).await;
    assert!(body["errors"].is_null(), "{query}: {body}");
    body["data"].clone()
}

/// Unacknowledged alerts raised by `until` (RFC 3339), counted from the API.
async fn alerts_raised_by(
    api: &HttpClient,
    token: &str,
    until: chrono::DateTime<chrono::Utc>,
) -> usize {
    let mut after = Value::Null;
    let mut count = 0;
    loop {
        let d = data_of(
            api,
            token,
            "query($after: String) { alerts(filter: { acknowledged: false }, first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { createdAt } } }",
            json!({ "after": after }),
        )
        .await;
        for a in d["alerts"]["nodes"].as_array().expect("alerts") {
            let at: chrono::DateTime<chrono::Utc> = a["createdAt"]
                .as_str()
                .expect("at")
                .parse()
                .expect("rfc 3339");
            if at <= until {
                count += 1;
            }
        }
        if d["alerts"]["pageInfo"]["hasNextPage"] != true {
            return count;
        }
        after = d["alerts"]["pageInfo"]["endCursor"].clone();
    }
}

/// A JSON value as the board writes it in `data-v` (null as "").
fn raw(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn add(map: &mut BTreeMap<String, f64>, key: String, n: &Value) {
    *map.entry(key).or_default() += n.as_f64().expect("a number");
}

/// The figures the board should show, from the API's own answers.
async fn expected_figures(
    api: &HttpClient,
    token: &str,
    params: &Value,
) -> BTreeMap<String, String> {
    let today = params["today"].as_str().expect("today");
    let yesterday = (chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d").expect("date")
        - chrono::Duration::days(1))
    .to_string();
    let mut d = json!({});
    let variables = json!({ "week": params["week"], "today": today, "yesterday": yesterday, "milestone": params["milestone"] });
    for query in HEALTH_VIEW {
        let wanted: serde_json::Map<String, Value> = variables
            .as_object()
            .expect("variables")
            .iter()
            .filter(|(name, _)| query.contains(&format!("${name}")))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let answer = data_of(api, token, query, Value::Object(wanted)).await;
        for (field, value) in answer.as_object().expect("data") {
            d[field] = value.clone();
        }
    }
    for connection in ["transfers", "quarantineFacilities", "vesselCalls"] {
        assert_ne!(
            d[connection]["pageInfo"]["hasNextPage"], true,
            "{connection} fits a page"
        );
    }
    let mut out = BTreeMap::new();
    let levels = d["epidemicLevels"].as_array().expect("levels");
    for district in d["districts"]["nodes"].as_array().expect("districts") {
        let code = district["code"].as_str().expect("code");
        let l = levels.iter().find(|l| l["unitCode"] == code);
        let (level, how) = match l {
            Some(l) if !l["declaredLevel"].is_null() => (raw(&l["declaredLevel"]), "declared"),
            Some(l) if !l["computedLevel"].is_null() => (raw(&l["computedLevel"]), "computed"),
            _ => (String::new(), "insufficient"),
        };
        out.insert(format!("level:{code}"), format!("{level}|{how}"));
    }
    let mut sums = BTreeMap::new();
    for row in d["followUpSummary"].as_array().expect("follow-ups") {
        if let Some(code) = row["district"]["code"].as_str() {
            add(&mut sums, format!("overdue:{code}"), &row["overdue"]);
        }
    }
    for (period, status) in [(today, &d["today"]), (yesterday.as_str(), &d["yesterday"])] {
        if status["expected"].as_i64().unwrap_or(0) == 0 {
            continue;
        }
        for field in [
            "completeness",
            "timeliness",
            "submitted",
            "expected",
            "late",
            "missing",
        ] {
            out.insert(format!("daily:{period}:{field}"), raw(&status[field]));
        }
    }
    for row in d["vaccinationProgress"].as_array().expect("progress") {
        let code = row["districtCode"].as_str().expect("code");
        for field in ["dose1Share", "completedShare"] {
            out.insert(format!("progress:{code}:{field}"), raw(&row[field]));
        }
    }
    for line in d["stockSummary"].as_array().expect("stock") {
        let code = line["vaccine"]["code"].as_str().expect("vaccine");
        add(
            &mut sums,
            format!("stock:{code}:onHand"),
            &line["dosesOnHand"],
        );
        add(
            &mut sums,
            format!("stock:{code}:available"),
            &line["dosesAvailable"],
        );
    }
    for lot in d["expiringLots"].as_array().expect("lots") {
        out.insert(
            format!("expiring:{}", lot["id"]),
            raw(&lot["dosesAvailable"]),
        );
    }
    // The panel stands empty (not "0 on the road") when there are none.
    if d["transfers"]["totalCount"].as_i64().unwrap_or(0) > 0 {
        out.insert("transit:count".into(), raw(&d["transfers"]["totalCount"]));
    }
    for t in d["transfers"]["nodes"].as_array().expect("transfers") {
        out.insert(format!("transit:{}", t["id"]), raw(&t["doses"]));
    }
    for f in d["quarantineFacilities"]["nodes"]
        .as_array()
        .expect("facilities")
    {
        out.insert(
            format!("facility:{}", raw(&f["code"])),
            raw(&f["occupancy"]),
        );
    }
    for row in d["quarantineSummary"].as_array().expect("summary") {
        if let Some(code) = row["district"]["code"].as_str() {
            add(&mut sums, format!("cases:{code}"), &row["open"]);
        }
    }
    let vessels = d["vesselCalls"]["nodes"].as_array().expect("vessels");
    let held: Vec<&Value> = vessels
        .iter()
        .filter(|v| v["cargoRelease"] != "RELEASED")
        .collect();
    out.insert("vessels:held".into(), held.len().to_string());
    for v in held {
        out.insert(format!("vessel:{}", v["id"]), raw(&v["cargoRelease"]));
    }
    for (key, sum) in sums {
        out.insert(key, sum.to_string());
    }
    out
}

/// The figures of the calls and suggestions the board chose to show, from the API.
async fn expected_chosen(
    api: &HttpClient,
    token: &str,
    shown: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut suggestions = 0;
    let calls: Vec<i64> = shown
        .keys()
        .filter_map(|k| k.strip_prefix("call:")?.split(':').next()?.parse().ok())
        .collect();
    for id in calls {
        let body = api
            .gql(
                token,
                "query($id: Int!) { callStatus(callId: $id) { completeness timeliness submitted expected } }",
                json!({ "id": id }),
            )
            .await;
        let status = &body["data"]["callStatus"];
        for field in ["completeness", "timeliness", "submitted", "expected"] {
            out.insert(format!("call:{id}:{field}"), raw(&status[field]));
        }
    }
    let vaccines = data_of(api, token, "{ vaccines { code } }", json!({})).await;
    for vaccine in vaccines["vaccines"].as_array().expect("vaccines") {
        let body = api
            .gql(
                token,
                "query($v: String!) { rebalancingSuggestions(vaccineCode: $v) { id doses } }",
                json!({ "v": vaccine["code"] }),
            )
            .await;
        for s in body["data"]["rebalancingSuggestions"]
            .as_array()
            .expect("suggestions")
        {
            let key = format!("suggestion:{}", raw(&s["id"]));
            // The board names the largest few and counts them all.
            if shown.contains_key(&key) {
                out.insert(key, raw(&s["doses"]));
            }
            suggestions += 1;
        }
    }
    out.insert("suggestions:count".into(), suggestions.to_string());
    out
}

/// Equal as numbers when both are, else as text.
fn same(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

fn figures_of(seen: &Value) -> BTreeMap<String, String> {
    seen["figures"]
        .as_object()
        .expect("figures")
        .iter()
        .map(|(k, v)| (k.clone(), raw(v)))
        .collect()
}

#[tokio::test]
async fn the_board_shows_the_apis_figures_live_in_a_browser_without_the_internet() {
    let Some(browser) = browser() else {
        return;
    };
    let db = TestDb::create().await;
    let url = db.url.clone();
    let (server, tokens) = tokio::task::spawn_blocking(move || ServerProcess::start_demo(&url))
        .await
        .expect("demo server");
    for agency in ["health", "police", "transport", "admin"] {
        assert!(tokens.contains_key(agency), "{agency} in {tokens:?}");
    }
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/board-screenshots");
    let args = [
        format!("http://{}", server.addr),
        json!(tokens).to_string(),
        shots.display().to_string(),
    ];
    let seen = run_browser_check(&browser, "board.mjs", &args, Duration::from_secs(420)).await;
    assert_eq!(seen["defaultLang"], "vi");
    assert_eq!(seen["urlHasToken"], false);
    assert_eq!(seen["storage"]["localHasToken"], false);
    assert_eq!(
        seen["personalAsked"],
        json!([]),
        "no personal field is asked for"
    );

    // Province health: every panel shows figures, and they are the API's.
    let health = &seen["health"];
    for (panel, state) in health["panels"].as_object().expect("panels") {
        assert_eq!(state, "ok", "{panel}: {health}");
    }
    let api = HttpClient::new(server.addr);
    let shown = figures_of(health);
    let mut expected = expected_figures(&api, &tokens["health"], &health["params"]).await;
    expected.extend(expected_chosen(&api, &tokens["health"], &shown).await);
    // Alerts keep coming (overdue tests are raised by the clock): the board's count is the API's count
    // of alerts raised by the time the board was read, give or take the last 3 s of delivery.
    let read_at: chrono::DateTime<chrono::Utc> = health["readAt"]
        .as_str()
        .expect("readAt")
        .parse()
        .expect("rfc 3339");
    let open: usize = shown["alerts:open"].parse().expect("alerts count");
    let (low, high) = (
        alerts_raised_by(
            &api,
            &tokens["health"],
            read_at - chrono::Duration::seconds(3),
        )
        .await,
        alerts_raised_by(&api, &tokens["health"], read_at).await,
    );
    assert!(
        (low..=high).contains(&open),
        "alerts: board {open}, API {low}..={high}"
    );
    expected.insert("alerts:open".into(), shown["alerts:open"].clone());
    let mut differences = Vec::new();
    for (key, want) in &expected {
        match shown.get(key) {
            Some(got) if same(got, want) => {}
            got => differences.push(format!("{key}: board {got:?}, API {want:?}")),
        }
    }
    for key in shown.keys().filter(|k| !expected.contains_key(*k)) {
        differences.push(format!("{key}: on the board, not in the API's answers"));
    }
    assert!(differences.is_empty(), "{differences:#?}");
    for prefix in [
        "level:",
        "progress:",
        "stock:",
        "facility:",
        "vessel:",
        "call:",
    ] {
        assert!(
            shown.keys().any(|k| k.starts_with(prefix)),
            "the demo shows {prefix} figures"
        );
    }
    assert_eq!(shown.keys().filter(|k| k.starts_with("level:")).count(), 27);
    assert_eq!(health["personalShown"], json!([]));

    // The district opened by keyboard, with six weeks of history.
    assert_eq!(seen["district"]["weeks"], 6, "{seen}");
    assert_eq!(seen["district"]["focusVisible"], true);
    let inputs = seen["district"]["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 11, "inputs, levels and rule: {seen}");
    assert!(inputs.iter().all(|i| !i.as_str().unwrap_or("").is_empty()));

    // The positive screening's alert, live, within 2 s and without a reload.
    assert!(seen["live"]["ms"].as_u64().expect("ms") <= 2000, "{seen}");
    assert_eq!(seen["live"]["reloads"], 0);
    assert!(
        shown.contains_key("alerts:open"),
        "the alerts count is compared above"
    );
    assert_eq!(seen["timeFormat"], "dd/mm/yyyy HH:MM");
    // Keep-alive, and the catch-up after a reconnect: the alert raised while the socket was down
    // arrives from the `alerts` query, not from the new subscription.
    assert_eq!(seen["pong"], true, "{seen}");
    let catch_up = &seen["catchUp"];
    assert_eq!(catch_up["shownWhileCut"], false, "{catch_up}");
    assert_eq!(catch_up["reconnected"], true, "{catch_up}");
    assert_eq!(catch_up["deliveredLive"], false, "{catch_up}");
    assert_eq!(catch_up["reloads"], 0, "{catch_up}");

    assert_eq!(seen["english"]["lang"], "en");
    assert_eq!(seen["english"]["title"], "Epidemic situation board");
    assert_eq!(seen["english"]["mapTitle"], "Map of epidemic levels");

    // Transport: the map and the alerts of the posts it works, nothing personal, no stock.
    let transport = &seen["transport"];
    assert_eq!(transport["panels"]["map"], "ok", "{transport}");
    assert_eq!(transport["panels"]["alerts"], "ok", "{transport}");
    let stock = transport["panels"]["stock"].as_str().expect("stock");
    assert!(matches!(stock, "forbidden" | "empty"), "{transport}");
    let transport_figures = figures_of(transport);
    assert!(
        !transport_figures.keys().any(|k| k.starts_with("stock:")
            || k.starts_with("expiring:")
            || k.starts_with("suggestion:")),
        "{transport_figures:?}"
    );
    assert_eq!(transport["personalShown"], json!([]));

    // Revoked: back at sign-in, the token forgotten, and still there after a reload.
    assert_eq!(seen["revoked"]["tokenKept"], false, "{seen}");
    assert_eq!(seen["revoked"]["afterReload"], true, "{seen}");

    let screenshots = seen["screenshots"].as_array().expect("screenshots");
    for size in ["1366x768", "1920x1080"] {
        for panel in [
            "map",
            "alerts",
            "followups",
            "reporting",
            "progress",
            "stock",
            "transfers",
            "quarantine",
            "ports",
        ] {
            let name = format!("health-{size}-{panel}.png");
            assert!(screenshots.iter().any(|s| s == &name), "{name}");
            assert!(shots.join(&name).exists(), "{name}");
        }
    }
    drop(server);
}

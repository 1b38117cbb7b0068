//! SQL statements per request: every nested list is loaded in batches, so a request costs the same
//! number of statements whatever the length of its lists. Each case runs at two list sizes (checked to
//! differ) and compares the statements the server executed, counted by the connection's own hook.
//!
//! A DataLoader batches the keys that arrive within its window; a debug build resolving hundreds of rows
//! can outlast the production window of 1 ms, so the test widens it. A relation without a loader grows
//! with the list whatever the window.

use std::time::Duration;

use entity::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Runs `query` with `$n` (and `$m`, when the query nests a second list) and returns the statements it
/// executed and the response.
async fn measure(app: &TestApp, token: &str, query: &str, n: i64, m: i64) -> (u64, Value) {
    let before = app.state.statements_executed();
    let mut variables = json!({});
    for (name, value) in [("n", n), ("m", m)] {
        if query.contains(&format!("${name}:")) {
            variables[name] = json!(value);
        }
    }
    let (_, body) = app.gql(Some(token), query, variables).await;
    let used = app.state.statements_executed() - before;
    assert!(body.get("errors").is_none(), "{query}: {body}");
    (used, body)
}

/// Number of leaf objects in a response: grows with the lists' lengths.
fn objects(v: &Value) -> usize {
    match v {
        Value::Object(map) => 1 + map.values().map(objects).sum::<usize>(),
        Value::Array(items) => items.iter().map(objects).sum(),
        _ => 0,
    }
}

/// Asserts that the larger lists cost no more statements than the smaller, and at most `cap`.
async fn flat(
    app: &TestApp,
    token: &str,
    query: &str,
    small: (i64, i64),
    large: (i64, i64),
    cap: u64,
) {
    // The token is verified once before counting: after that it costs no statement on PostgreSQL
    // (and the one read of the change counter on SQLite), whatever the request.
    measure(app, token, query, small.0, small.1).await;
    let (few, small_body) = measure(app, token, query, small.0, small.1).await;
    let (many, large_body) = measure(app, token, query, large.0, large.1).await;
    assert!(
        objects(&large_body) > objects(&small_body),
        "the larger lists must hold more rows: {query}\n{small_body}\n{large_body}"
    );
    assert_eq!(few, many, "statements grew with the lists: {query}");
    assert!(many <= cap, "{many} statements (at most {cap}): {query}");
}

#[tokio::test]
async fn nested_lists_cost_a_bounded_number_of_statements() {
    // A window wide enough that a busy machine still batches each level of a response in one statement.
    let app = TestApp::spawn_with(|c| c.loader_batch_window = Duration::from_millis(300)).await;
    let health = app.token("health");
    let admin = app.token("admin");

    // More transfers than the demo holds, so the two sizes differ.
    let health_381 = app.issue("health-381", Role::Editor).await;
    let lot = app.lot_id("380", "ASTRAZENECA").await;
    for _ in 0..8 {
        let (_, body) = app
            .gql(
                Some(&health_381),
                "mutation($i: RequestTransferInput!) { requestTransfer(input: $i) { transfer { id } } }",
                json!({ "i": { "lotId": lot, "toDistrictCode": "381", "doses": 1 } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }

    // Benchmark case A: authentication, districts, their lots with vaccines: 3 statements.
    flat(
        &app,
        &health,
        "query($n: Int!, $m: Int!) { districts(first: $n) { nodes { code name population adults18Plus
           vaccineLots(first: $m) { lotNumber dosesOnHand expiresOn vaccine { code name } } } } }",
        (2, 1),
        (27, 10),
        3,
    )
    .await;
    // Benchmark case B: authentication and the district: 2 statements.
    let (b, body) = measure(
        &app,
        &health,
        "{ district(code: \"380\") { code name population adults18Plus } }",
        0,
        0,
    )
    .await;
    assert_eq!(body["data"]["district"]["code"], "380");
    assert!(b <= 2, "case B took {b} statements");

    // (who, query, small sizes, large sizes, most statements allowed)
    type Case<'a> = (&'a str, &'a str, (i64, i64), (i64, i64), u64);
    let cases: [Case; 9] = [
        (
            "health",
            "query($n: Int!, $m: Int!) { districts(first: $n) { totalCount nodes { code province { code }
               vaccineLots(first: $m, includeEmpty: true) { lotNumber district { code } vaccine { code } } } } }",
            (2, 1),
            (27, 10),
            6,
        ),
        (
            "health",
            "query($n: Int!) { transfers(first: $n) { nodes { id fromDistrict { code } toDistrict { code }
               vaccine { code } fromLot { lotNumber vaccine { code } district { code } } toLot { lotNumber }
               timeline { status at by } } } }",
            // The demo's first transfers stand at each step, so both sizes reach every relation.
            (5, 0),
            (12, 0),
            8,
        ),
        (
            "health",
            "query($n: Int!) { checkpoints(first: $n) { nodes { code district { code }
               statusHistory { status reason } staffingAgencies { code district { code } } } } }",
            (1, 0),
            (12, 0),
            8,
        ),
        (
            "health",
            "query($n: Int!) { screenings(first: $n) { nodes { id checkpoint { code district { code } }
               destinationDistrict { code } decision } } }",
            (1, 0),
            (200, 0),
            6,
        ),
        (
            "health",
            "query($n: Int!) { stockEvents(first: $n) { nodes { id kind lot { lotNumber district { code }
               vaccine { code } } } } }",
            (1, 0),
            (200, 0),
            6,
        ),
        (
            "health",
            "query($n: Int!) { reports(first: $n) { nodes { id district { code } sourceAgency { code }
               figures { adultsFull } } } }",
            (1, 0),
            (150, 0),
            6,
        ),
        (
            "health",
            "query($n: Int!) { alerts(first: $n) { nodes { id district { code }
               screening { checkpoint { code } } } } }",
            (1, 0),
            (30, 0),
            8,
        ),
        (
            "admin",
            "query($n: Int!) { apiTokens(first: $n) { nodes { jti agency { code district { code } } } } }",
            // The first six tokens belong to province agencies, which have no district.
            (7, 0),
            (40, 0),
            6,
        ),
        (
            "health",
            "{ expiringLots(withinDays: 3650) { lotNumber district { code } vaccine { code } }
               epidemicLevels(week: \"2021-10-11\") { level district { code } } }",
            (0, 0),
            (0, 0),
            10,
        ),
    ];
    for (who, query, small, large, cap) in cases {
        let token = if who == "admin" { &admin } else { &health };
        if small == large {
            // Lists whose length the caller does not choose: the cost is checked against its cap.
            let (used, _) = measure(&app, token, query, 0, 0).await;
            assert!(used <= cap, "{used} statements (at most {cap}): {query}");
        } else {
            flat(&app, token, query, small, large, cap).await;
        }
    }
}

#[tokio::test]
async fn cursors_walk_every_row_once_and_are_bound_to_their_list_and_filter() {
    let app = TestApp::spawn().await;
    let health = app.token("health");
    let page = "query($after: String, $kind: DistrictKind) { districts(first: 4, after: $after, filter: { kind: $kind }) {
        edges { cursor node { code } } pageInfo { hasNextPage } } }";
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (_, body) = app
            .gql(Some(&health), page, json!({ "after": after }))
            .await;
        let conn = &body["data"]["districts"];
        let edges = conn["edges"].as_array().expect("edges").clone();
        seen.extend(
            edges
                .iter()
                .map(|e| e["node"]["code"].as_str().unwrap().to_owned()),
        );
        after = edges
            .last()
            .map(|e| e["cursor"].as_str().unwrap().to_owned());
        if conn["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
    }
    let unique: std::collections::BTreeSet<_> = seen.iter().collect();
    assert_eq!(seen.len(), 27, "every district once: {seen:?}");
    assert_eq!(unique.len(), 27);

    // A cursor of the unfiltered list, replayed with a filter, or against another list: refused.
    let (_, first) = app.gql(Some(&health), page, json!({})).await;
    let cursor = first["data"]["districts"]["edges"][0]["cursor"].clone();
    let (_, other_filter) = app
        .gql(
            Some(&health),
            page,
            json!({ "after": cursor, "kind": "DISTRICT" }),
        )
        .await;
    assert_eq!(crate::helpers::error_code(&other_filter), "BAD_USER_INPUT");
    assert_eq!(crate::helpers::error_field(&other_filter), "after");
    let (_, other_list) = app
        .gql(
            Some(&health),
            "query($after: String) { transfers(first: 4, after: $after) { nodes { id } } }",
            json!({ "after": cursor }),
        )
        .await;
    assert_eq!(crate::helpers::error_code(&other_list), "BAD_USER_INPUT");
    // The same cursor with the same filter spelled differently (an explicit null) still works.
    let (_, same) = app
        .gql(
            Some(&health),
            page,
            json!({ "after": cursor, "kind": null }),
        )
        .await;
    assert!(same.get("errors").is_none(), "{same}");
}

/// `District.vaccineLots` reads one range of the (district, id) index per district, on both databases,
/// when lots of different districts interleave by id (as they arrive over time) and the table is large
/// enough for the planner to weigh its choices. Walking the primary key instead reads and drops the
/// other districts' lots: on PostgreSQL, with its default page costs, that doubled the database's CPU
/// per request (see `db::connect`).
#[tokio::test]
async fn district_lots_read_one_index_range_per_district() {
    use lienthong::stock::reads::{LotSlice, first_lots_statement};
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    let app = TestApp::spawn().await;
    let db = &app.state.db;
    let backend = db.get_database_backend();
    // 3,000 lots dealt round-robin over the districts.
    let numbers = match backend {
        DbBackend::Postgres => "SELECT g AS n FROM generate_series(1, 3000) AS g",
        _ => {
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 3000) SELECT n FROM s"
        }
    };
    let expires = (lienthong::clock::today() + chrono::Duration::days(200)).to_string();
    db.execute_unprepared(&format!(
        "INSERT INTO vaccine_lot (lot_number, vaccine_id, district_id, expires_on, doses_on_hand, doses_reserved, version, created_at, updated_at) \
         SELECT 'PLAN-' || CAST(s.n AS TEXT), (SELECT MIN(id) FROM vaccine), d.id, '{expires}', 100, 0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP \
         FROM ({numbers}) AS s JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM district) AS d \
         ON d.k = s.n % (SELECT COUNT(*) FROM district) ORDER BY s.n"
    ))
    .await
    .expect("deal lots");
    db.execute_unprepared("ANALYZE").await.expect("analyze");
    let district_ids: Vec<i32> = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id FROM district ORDER BY id LIMIT 30",
        ))
        .await
        .expect("districts")
        .iter()
        .map(|row| row.try_get_by_index::<i32>(0).expect("id"))
        .collect();
    assert!(district_ids.len() >= 20, "{district_ids:?}");
    let slice = LotSlice {
        first: 10,
        include_empty: false,
        include_expired: false,
        today: lienthong::clock::today(),
    };
    let statement = first_lots_statement(backend, &district_ids, slice);
    let explain = match backend {
        DbBackend::Postgres => "EXPLAIN",
        _ => "EXPLAIN QUERY PLAN",
    };
    let plan: Vec<String> = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!("{explain} {}", statement.sql),
            statement.values.map(|v| v.0).unwrap_or_default(),
        ))
        .await
        .expect("explain")
        .iter()
        .map(|row| {
            let column = usize::from(backend != DbBackend::Postgres) * 3;
            row.try_get_by_index::<String>(column).expect("plan line")
        })
        .collect();
    let plan = plan.join("\n");
    let ranges = plan.matches("idx_vaccine_lot_district_id").count();
    match backend {
        // One parameterised index scan, run once per district.
        DbBackend::Postgres => assert!(ranges == 1 && !plan.contains("vaccine_lot_pkey"), "{plan}"),
        // One search of the index per arm of the union.
        _ => assert_eq!(ranges, district_ids.len(), "{plan}"),
    }
}

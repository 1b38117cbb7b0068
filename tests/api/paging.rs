//! Every connection pages exactly: walked with random page sizes, each row comes once, in the order of
//! the whole list, and the walk ends. Screenings get extra rows at one instant and at instants a
//! nanosecond or a microsecond apart, where a cursor that rounds the time would loop.

use std::collections::HashSet;

use chrono::{Duration, SecondsFormat, Timelike, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// (field, agency that reads it, the node's key field)
const CONNECTIONS: &[(&str, &str, &str)] = &[
    ("agencies", "admin", "code"),
    ("alerts", "health", "id"),
    ("apiTokens", "admin", "jti"),
    ("auditEvents", "admin", "id"),
    ("checkpoints", "police", "code"),
    ("districts", "health", "code"),
    ("persistedOperations", "admin", "hash"),
    ("reportCalls", "health", "id"),
    ("reports", "health", "id"),
    ("screenings", "police", "id"),
    ("stockEvents", "health", "id"),
    ("transfers", "health", "id"),
    ("vaccineLots", "health", "id"),
];

async fn page(
    app: &TestApp,
    field: &str,
    agency: &str,
    key: &str,
    first: usize,
    after: Option<&str>,
) -> Value {
    let query = format!(
        "query($first: Int, $after: String) {{ {field}(first: $first, after: $after) {{ totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {key} }} }} }} }}"
    );
    let body = app
        .as_agency(agency, &query, json!({ "first": first, "after": after }))
        .await;
    assert!(body.get("errors").is_none(), "{field}: {body}");
    body["data"][field].clone()
}

fn keys(page: &Value, key: &str) -> Vec<String> {
    page["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["node"][key].to_string())
        .collect()
}

/// Screenings at one instant, a nanosecond apart and a microsecond apart, as clients may send them.
async fn record_close_screenings(app: &TestApp) {
    let base = (Utc::now() - Duration::hours(2))
        .with_nanosecond(0)
        .unwrap_or_else(Utc::now);
    let nanos = [
        123_456_789,
        123_456_789,
        123_456_789,
        123_456_000,
        123_456_000,
        123_456_001,
        123_457_000,
        0,
        0,
    ];
    for n in nanos {
        let at = (base + Duration::nanoseconds(n)).to_rfc3339_opts(SecondsFormat::AutoSi, false);
        let input = json!({
            "checkpointCode": "TH-QL1-BIMSON", "recordedAt": at, "direction": "INBOUND", "peopleCount": 1,
            "vehicleKind": "CAR", "vehiclePlate": "36A-11111", "decision": "ALLOWED"
        });
        let body = app
            .as_agency("police", "mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { screening { id } } }", json!({ "i": input }))
            .await;
        assert!(
            body["data"]["recordScreening"]["screening"]["id"].is_number(),
            "{body}"
        );
    }
}

#[tokio::test]
async fn every_connection_pages_each_row_once_in_order() {
    let app = TestApp::spawn().await;
    record_close_screenings(&app).await;
    for n in 1..=3 {
        let register = "mutation($name: String!, $query: String!) { registerOperation(input: { name: $name, query: $query }) { operation { hash } } }";
        let query = format!("{{ districts(first: {n}) {{ totalCount }} }}");
        let body = app
            .as_agency(
                "admin",
                register,
                json!({ "name": format!("districts{n}"), "query": query }),
            )
            .await;
        assert!(
            body["data"]["registerOperation"]["operation"]["hash"].is_string(),
            "{body}"
        );
    }
    for day in 10..=13 {
        let call = format!(
            "mutation {{ createReportCall(input: {{ kind: VACCINATION_CENSUS, period: \"2021-12-{day}\", deadline: \"2021-12-{day}T10:00:00Z\" }}) {{ reportCall {{ id }} }} }}"
        );
        let body = app.as_agency("health", &call, json!({})).await;
        assert!(
            body["data"]["createReportCall"]["reportCall"]["id"].is_number(),
            "{body}"
        );
    }
    let seed: u64 = rand::rng().random();
    let mut rng = StdRng::seed_from_u64(seed);
    for &(field, agency, key) in CONNECTIONS {
        let (expected, total) = walk(&app, field, agency, key, &mut |_| 500).await;
        assert!(
            total > 0,
            "{field}: the fixture holds no rows to page through"
        );
        // Small pages with ties, larger ones on long lists (the audit log) to keep the walk short.
        let most = (total / 20).max(7);
        for _ in 0..3 {
            let (order, _) = walk(&app, field, agency, key, &mut |_| {
                rng.random_range(1..=most)
            })
            .await;
            assert_eq!(
                order, expected,
                "{field} (seed {seed}): pages of random sizes differ from pages of 500"
            );
        }
    }
}

/// Walks a list to its end with the page sizes `size` gives; each row must come once, and the walk must
/// end. Returns the keys in order and the list's totalCount, which they must match.
async fn walk(
    app: &TestApp,
    field: &str,
    agency: &str,
    key: &str,
    size: &mut impl FnMut(usize) -> usize,
) -> (Vec<String>, usize) {
    let (mut seen, mut order, mut after, mut total) =
        (HashSet::new(), Vec::new(), None::<String>, 0);
    for step in 0.. {
        let page = page(app, field, agency, key, size(step), after.as_deref()).await;
        total = page["totalCount"].as_u64().expect("totalCount") as usize;
        assert!(step <= total, "{field}: the walk does not end");
        for k in keys(&page, key) {
            assert!(seen.insert(k.clone()), "{field}: {k} came twice");
            order.push(k);
        }
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap_or(false) {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(
        order.len(),
        total,
        "{field}: rows walked against totalCount"
    );
    (order, total)
}

//! The synchronous path of plain lists (`graphql::plain`) on the real schema: `District.vaccineLots`
//! with its nested `vaccine`, against the library's path for the same selection. The library's path is
//! forced by one extra field that waits (`daysToExpiry`), removed from the text before comparing, so the
//! two bodies must match byte for byte, key order included.

use axum::body::Body;
use axum::http::Request;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::helpers::TestApp;

/// The raw body of `query` as `token`.
async fn body(app: &TestApp, token: &str, query: &str) -> String {
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(json!({ "query": query }).to_string()))
        .expect("request");
    let (status, _, bytes) = app.send(request).await;
    let text = String::from_utf8(bytes).expect("utf-8");
    assert_eq!(status, 200, "{text}");
    assert!(!text.contains("\"errors\""), "{query}: {text}");
    text
}

/// `text` without the `,"zzWaits":<integer>` members the forcing field added.
fn without_forcing_field(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(",\"zzWaits\":") {
        out.push_str(&rest[..at]);
        rest = &rest[at + ",\"zzWaits\":".len()..];
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '-'))
            .unwrap_or(rest.len());
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

const LOT_FIELDS: [&str; 9] = [
    "id",
    "lotNumber",
    "expiresOn",
    "dosesOnHand",
    "dosesReserved",
    "dosesAvailable",
    "allocationRef",
    "version",
    "__typename",
];
const VACCINE_FIELDS: [&str; 7] = [
    "code",
    "name",
    "manufacturer",
    "dosesInSchedule",
    "minIntervalDays",
    "dosesPerVial",
    "__typename",
];

/// A random selection of lot fields; it starts with `id`, so no lot's selection is left empty by
/// `@include(if: false)` (an empty one is null on both paths, and the forcing field would fill it).
fn lot_selection(rng: &mut StdRng) -> String {
    let mut items = vec!["id".to_owned()];
    for _ in 0..1 + rng.random_range(0..6) {
        items.push(match rng.random_range(0..8) {
            0 => {
                let fields: Vec<&str> = (0..1 + rng.random_range(0..3))
                    .map(|_| VACCINE_FIELDS[rng.random_range(0..VACCINE_FIELDS.len())])
                    .collect();
                format!("vaccine {{ {} }}", fields.join(" "))
            }
            1 => format!(
                "... on VaccineLot {{ {} vaccine {{ code }} }}",
                LOT_FIELDS[rng.random_range(0..LOT_FIELDS.len())]
            ),
            2 => format!(
                "{} @include(if: {})",
                LOT_FIELDS[rng.random_range(0..LOT_FIELDS.len())],
                rng.random_range(0..2) == 0
            ),
            3 => format!("n: {}", "lotNumber"),
            _ => LOT_FIELDS[rng.random_range(0..LOT_FIELDS.len())].to_owned(),
        });
    }
    items.join(" ")
}

#[tokio::test]
async fn vaccine_lots_answer_alike_on_both_paths() {
    let app = TestApp::spawn().await;
    let token = app.token("health");
    for seed in 1..=60_u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let set = lot_selection(&mut rng);
        let query = |extra: &str| {
            format!(
                "{{ districts(first: 5) {{ nodes {{ code vaccineLots(first: 10, includeEmpty: true) {{ {set}{extra} }} }} }} }}"
            )
        };
        let fast = body(&app, &token, &query("")).await;
        let generic = body(&app, &token, &query(" zzWaits: daysToExpiry")).await;
        assert!(generic.contains("zzWaits"), "{generic}");
        assert_eq!(fast, without_forcing_field(&generic), "seed {seed}: {set}");
        assert!(
            fast.contains("\"vaccineLots\":[{") || fast.contains("\"vaccineLots\":[null"),
            "no lots to compare: {fast}"
        );
    }
}

/// Response fields come back in the order the query asked for them (GraphQL's ordered result maps) on
/// both paths: the body is written straight from the executor's ordered value. (Where the library
/// answers an object's fields concurrently, a field that waits for a loader takes its place when it
/// finishes; here `vaccineLots`.)
#[tokio::test]
async fn fields_come_back_in_the_order_asked() {
    let app = TestApp::spawn().await;
    let token = app.token("health");
    let text = body(
        &app,
        &token,
        "{ district(code: \"380\") { population code vaccineLots(first: 1) { version lotNumber id } name } }",
    )
    .await;
    let at = |key: &str| {
        text.find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("{key}: {text}"))
    };
    assert!(
        at("population") < at("code") && at("code") < at("name"),
        "{text}"
    );
    assert!(
        at("version") < at("lotNumber") && at("lotNumber") < at("id"),
        "{text}"
    );
}

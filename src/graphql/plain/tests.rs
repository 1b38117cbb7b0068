//! The synchronous path against the library's, over random selections of one row type: the same
//! response, key order included, and the synchronous path taken whenever the selection is plain.

use async_graphql::{EmptyMutation, EmptySubscription, Object, Request, Schema};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use metrics_exporter_prometheus::PrometheusBuilder;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{Rows, camel_case};
use crate::graphql::enums::DistrictKind;
use crate::graphql::resolvers::row_object;
use crate::graphql::scalars::Date;

#[test]
fn names_follow_the_library() {
    assert_eq!(camel_case("lot_number"), "lotNumber");
    assert_eq!(camel_case("adults_18_plus"), "adults18Plus");
    assert_eq!(
        camel_case("doses_expiring_within_30_days"),
        "dosesExpiringWithin30Days"
    );
    assert_eq!(camel_case("code"), "code");
}

pub struct Row {
    id: i32,
    name: String,
    note: Option<String>,
    doses: i64,
    open: bool,
    day: NaiveDate,
    at: DateTime<Utc>,
    kind: entity::DistrictKind,
}

row_object! {
    #[Object]
    /// A row of every plain kind of field.
    pub struct TestRow(Row) as r {
        /// Id.
        id: i32 = r.id;
        /// Name.
        name: &str = &r.name;
        /// Note, often null.
        note: Option<&str> = r.note.as_deref();
        /// Doses.
        doses_on_hand: i64 = r.doses;
        /// Open.
        is_open: bool = r.open;
        /// Day.
        day: Date = Date(r.day);
        /// Instant.
        at: DateTime<Utc> = r.at;
        /// Kind.
        kind: DistrictKind = r.kind.into();
    }

    impl {
        /// A field that waits: selecting it sends the list down the library's path.
        async fn later(&self) -> i32 {
            tokio::task::yield_now().await;
            self.0.id * 2
        }
    }
}

fn rows() -> Vec<TestRow> {
    (0..7)
        .map(|i| {
            TestRow(Row {
                id: i,
                name: format!("Huyện {i}"),
                note: (i % 3 == 0).then(|| format!("ghi chú {i}")),
                doses: i64::from(i) * 1_000_000_007,
                open: i % 2 == 0,
                day: NaiveDate::from_ymd_opt(2021, 10, 1 + i as u32).unwrap(),
                at: Utc
                    .timestamp_opt(1_633_000_000 + i64::from(i) * 3600, 0)
                    .unwrap(),
                kind: if i % 2 == 0 {
                    entity::DistrictKind::City
                } else {
                    entity::DistrictKind::District
                },
            })
        })
        .collect()
}

struct Query;

#[Object]
impl Query {
    /// On the synchronous path where it can be.
    async fn fast(&self) -> Rows<TestRow> {
        Rows(rows())
    }
    /// Always on the library's path.
    async fn generic(&self) -> Vec<TestRow> {
        rows()
    }
}

const FIELDS: [&str; 9] = [
    "id",
    "name",
    "note",
    "dosesOnHand",
    "isOpen",
    "day",
    "at",
    "kind",
    "__typename",
];
const ALIASES: [&str; 3] = ["a", "b", "c"];

/// A random selection set (without braces), `depth` levels of fragments at most. Each alias names one
/// field only, so every document is valid.
fn selection(rng: &mut StdRng, depth: usize) -> String {
    let mut items = Vec::new();
    for _ in 0..1 + rng.random_range(0..6) {
        let item = match rng.random_range(0..10) {
            0 if depth > 0 => format!("... on TestRow {{ {} }}", selection(rng, depth - 1)),
            1 if depth > 0 => format!("... {{ {} }}", selection(rng, depth - 1)),
            2 => "...Both".to_owned(),
            3 => {
                let field = FIELDS[rng.random_range(0..FIELDS.len())];
                let condition = [
                    "@skip(if: true)",
                    "@skip(if: false)",
                    "@include(if: true)",
                    "@include(if: false)",
                ][rng.random_range(0..4)];
                format!("{field} {condition}")
            }
            4 => {
                let index = rng.random_range(0..ALIASES.len());
                format!("{}: {}", ALIASES[index], FIELDS[index])
            }
            _ => FIELDS[rng.random_range(0..FIELDS.len())].to_owned(),
        };
        items.push(item);
    }
    items.join(" ")
}

fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
    Schema::new(Query, EmptyMutation, EmptySubscription)
}

/// The response of one list field for `set`, as JSON text (key order kept), and how the synchronous
/// path walked the selection when it served it: once for the list, or per row.
async fn run(field: &str, set: &str) -> (String, Option<&'static str>) {
    let recorder = PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    let response = {
        let _local = metrics::set_default_local_recorder(&recorder);
        let fragment = if set.contains("...Both") {
            "fragment Both on TestRow { id kind }"
        } else {
            ""
        };
        let query = format!("{{ {field} {{ {set} }} }} {fragment}");
        schema().execute(Request::new(query)).await
    };
    assert!(response.errors.is_empty(), "{set}: {:?}", response.errors);
    let metrics = handle.render();
    let walked = ["once", "per_row"].into_iter().find(|walked| {
        metrics.contains(&format!(
            "graphql_plain_lists_total{{selection=\"{walked}\"}} 1"
        ))
    });
    (serde_json::to_string(&response.data).unwrap(), walked)
}

#[tokio::test]
async fn the_synchronous_path_answers_as_the_library_does() {
    let mut walks = std::collections::HashMap::new();
    for seed in 1..=300_u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let set = selection(&mut rng, 2);
        let (fast, plain) = run("fast", &set).await;
        let (generic, _) = run("generic", &set).await;
        assert_eq!(
            fast,
            generic.replacen("generic", "fast", 1),
            "seed {seed}: {set}"
        );
        let walked = plain.unwrap_or_else(|| {
            panic!("seed {seed}: a plain selection took the library's path: {set}")
        });
        *walks.entry(walked).or_insert(0) += 1;

        // The same selection with a field that waits: the whole list goes the library's way, and the
        // answer is the same again.
        let waiting = format!("{set} later");
        let (fast, plain) = run("fast", &waiting).await;
        let (generic, _) = run("generic", &waiting).await;
        assert_eq!(
            fast,
            generic.replacen("generic", "fast", 1),
            "seed {seed}: {waiting}"
        );
        assert!(plain.is_none(), "seed {seed}: {waiting}");
    }
    // Both ways of walking a selection were compared: once for the list (each key once) and per row
    // (a key selected twice, whose values merge).
    assert!(walks.get("once").is_some_and(|n| *n >= 50), "{walks:?}");
    assert!(walks.get("per_row").is_some_and(|n| *n >= 50), "{walks:?}");
}

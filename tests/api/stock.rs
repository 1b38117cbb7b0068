//! Stock: receipts, administrations, wastage, counts; every refusal; idempotent retries; the ledger
//! invariant under random sequences of operations.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, error_field};

const RECEIVE: &str = "mutation($input: ReceiveLotInput!) { receiveLot(input: $input) { lot { id lotNumber dosesOnHand dosesReserved dosesAvailable expiresOn } event { id kind doses } } }";
const ADMINISTER: &str = "mutation($input: RecordAdministrationInput!) { recordAdministration(input: $input) { lot { id dosesOnHand dosesAvailable } event { id kind doses doseNumber } } }";
const WASTE: &str = "mutation($input: RecordWastageInput!) { recordWastage(input: $input) { lot { id dosesOnHand } event { id kind doses reason } } }";
const ADJUST: &str = "mutation($input: AdjustStockInput!) { adjustStock(input: $input) { lot { id dosesOnHand version } event { kind doses } } }";
const LOT: &str = "query($d: String) { vaccineLots(filter: { districtCode: $d, includeEmpty: true, includeExpired: true }, first: 500) { edges { node { id lotNumber dosesOnHand dosesReserved version } } } }";

fn in_days(days: i64) -> String {
    (lienthong::clock::today() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn receive_input(district: &str, lot: &str, doses: i64) -> Value {
    json!({ "input": { "districtCode": district, "vaccineCode": "MODERNA", "lotNumber": lot, "expiresOn": in_days(90), "doses": doses } })
}

async fn lot_doses(app: &TestApp, lot_id: i32) -> i64 {
    app.scalar(&format!(
        "SELECT doses_on_hand AS n FROM vaccine_lot WHERE id = {lot_id}"
    ))
    .await
}

/// Moves a lot's expiry `days_ago` days into the past, as time would.
async fn expire(app: &TestApp, lot: i64, days_ago: i64) {
    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE vaccine_lot SET expires_on = '{}' WHERE id = {lot}",
            in_days(-days_ago)
        ))
        .await
        .expect("age the lot");
}

#[tokio::test]
async fn receipts_create_and_top_up_lots() {
    let app = TestApp::spawn().await;
    let body = app
        .as_agency("health-380", RECEIVE, receive_input("380", "MD-001", 1200))
        .await;
    let lot = &body["data"]["receiveLot"]["lot"];
    assert_eq!(
        (lot["dosesOnHand"].as_i64(), lot["dosesAvailable"].as_i64()),
        (Some(1200), Some(1200)),
        "{body}"
    );
    assert_eq!(body["data"]["receiveLot"]["event"]["kind"], "RECEIVED");
    let again = app
        .as_agency("health", RECEIVE, receive_input("380", "MD-001", 300))
        .await;
    assert_eq!(
        again["data"]["receiveLot"]["lot"]["id"], lot["id"],
        "same lot topped up"
    );
    assert_eq!(again["data"]["receiveLot"]["lot"]["dosesOnHand"], 1500);
    let events = app.as_agency("committee-380", "query($id: Int) { stockEvents(filter: { lotId: $id }) { totalCount edges { node { doses kind } } } }", json!({ "id": lot["id"] })).await;
    assert_eq!(
        events["data"]["stockEvents"]["totalCount"], 2,
        "the committee reads its district's ledger: {events}"
    );
    assert_eq!(
        app.audit_count("stock.receive").await,
        app.scalar("SELECT COUNT(*) AS n FROM stock_event WHERE kind = 'RECEIVED'")
            .await
    );
}

#[tokio::test]
async fn bad_receipts_are_refused_and_write_nothing() {
    let app = TestApp::spawn().await;
    app.as_agency("health", RECEIVE, receive_input("381", "MD-9", 100))
        .await;
    let before = app.scalar("SELECT COUNT(*) AS n FROM stock_event").await;
    let mut other_expiry = receive_input("381", "MD-9", 100);
    other_expiry["input"]["expiresOn"] = json!(in_days(200));
    let mut other_vaccine = receive_input("381", "MD-9", 100);
    other_vaccine["input"]["vaccineCode"] = json!("PFIZER");
    let mut expired = receive_input("381", "MD-10", 100);
    expired["input"]["expiresOn"] = json!(in_days(-1));
    let mut unknown_vaccine = receive_input("381", "MD-11", 100);
    unknown_vaccine["input"]["vaccineCode"] = json!("NOPE");
    let mut bad_lot = receive_input("381", "lot number; DROP TABLE", 100);
    bad_lot["input"]["lotNumber"] = json!("lot number; DROP TABLE");
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("health", other_expiry, "BAD_USER_INPUT", "lotNumber"),
        ("health", other_vaccine, "BAD_USER_INPUT", "lotNumber"),
        ("health", expired, "BAD_USER_INPUT", "expiresOn"),
        ("health", unknown_vaccine, "NOT_FOUND", ""),
        (
            "health",
            receive_input("999", "MD-12", 100),
            "NOT_FOUND",
            "",
        ),
        (
            "health",
            receive_input("381", "MD-13", 0),
            "BAD_USER_INPUT",
            "doses",
        ),
        (
            "health",
            receive_input("381", "MD-13", -40),
            "BAD_USER_INPUT",
            "doses",
        ),
        (
            "health",
            receive_input("381", "MD-13", 10_000_001),
            "BAD_USER_INPUT",
            "doses",
        ),
        ("health", bad_lot, "BAD_USER_INPUT", "lotNumber"),
        (
            "health-380",
            receive_input("381", "MD-14", 100),
            "FORBIDDEN",
            "",
        ),
        (
            "police",
            receive_input("381", "MD-14", 100),
            "FORBIDDEN",
            "",
        ),
        (
            "committee-380",
            receive_input("380", "MD-14", 100),
            "FORBIDDEN",
            "",
        ),
    ];
    for (agency, vars, code, field) in cases {
        let body = app.as_agency(agency, RECEIVE, vars.clone()).await;
        assert_eq!(
            (error_code(&body), error_field(&body)),
            (code, field),
            "{agency} {vars} -> {body}"
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM stock_event").await,
        before,
        "nothing written"
    );
    let body = app.as_agency("health", RECEIVE, json!({ "input": { "districtCode": "381", "vaccineCode": "MODERNA", "lotNumber": "X", "expiresOn": "2021-13-45", "doses": 1 } })).await;
    assert_eq!(
        error_code(&body),
        "BAD_USER_INPUT",
        "a malformed date is refused by the Date scalar"
    );
}

#[tokio::test]
async fn administration_and_wastage_respect_what_is_available() {
    let app = TestApp::spawn().await;
    let lot = app
        .as_agency("health", RECEIVE, receive_input("382", "MD-20", 100))
        .await["data"]["receiveLot"]["lot"]["id"]
        .as_i64()
        .expect("id");
    let given = app
        .as_agency(
            "health",
            ADMINISTER,
            json!({ "input": { "lotId": lot, "doses": 60, "doseNumber": 1 } }),
        )
        .await;
    assert_eq!(
        given["data"]["recordAdministration"]["lot"]["dosesOnHand"], 40,
        "{given}"
    );
    assert_eq!(given["data"]["recordAdministration"]["event"]["doses"], -60);
    let too_many = app
        .as_agency(
            "health",
            ADMINISTER,
            json!({ "input": { "lotId": lot, "doses": 41, "doseNumber": 2 } }),
        )
        .await;
    assert_eq!(error_code(&too_many), "INSUFFICIENT_STOCK");
    assert!(
        too_many["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("40 doses available"),
        "{too_many}"
    );
    let bad_dose = app
        .as_agency(
            "health",
            ADMINISTER,
            json!({ "input": { "lotId": lot, "doses": 1, "doseNumber": 4 } }),
        )
        .await;
    assert_eq!(
        (error_code(&bad_dose), error_field(&bad_dose)),
        ("BAD_USER_INPUT", "doseNumber")
    );
    let no_reason = app
        .as_agency(
            "health",
            WASTE,
            json!({ "input": { "lotId": lot, "doses": 1, "reason": " " } }),
        )
        .await;
    assert_eq!(
        (error_code(&no_reason), error_field(&no_reason)),
        ("BAD_USER_INPUT", "reason")
    );
    let wasted = app
        .as_agency(
            "health",
            WASTE,
            json!({ "input": { "lotId": lot, "doses": 10, "reason": "vial dropped" } }),
        )
        .await;
    assert_eq!(wasted["data"]["recordWastage"]["lot"]["dosesOnHand"], 30);
    let unknown = app
        .as_agency(
            "health",
            WASTE,
            json!({ "input": { "lotId": 999_999, "doses": 1, "reason": "x" } }),
        )
        .await;
    assert_eq!(error_code(&unknown), "NOT_FOUND");
    let other_district = app
        .as_agency(
            "health-380",
            WASTE,
            json!({ "input": { "lotId": lot, "doses": 1, "reason": "x" } }),
        )
        .await;
    assert_eq!(error_code(&other_district), "FORBIDDEN");
    // Once expired, a lot cannot be given; it can still be written off.
    expire(&app, lot, 1).await;
    let expired = app
        .as_agency(
            "health",
            ADMINISTER,
            json!({ "input": { "lotId": lot, "doses": 1, "doseNumber": 1 } }),
        )
        .await;
    assert_eq!(error_code(&expired), "INVALID_STATE");
    let discarded = app
        .as_agency(
            "health",
            WASTE,
            json!({ "input": { "lotId": lot, "doses": 30, "reason": "expired" } }),
        )
        .await;
    assert_eq!(
        discarded["data"]["recordWastage"]["lot"]["dosesOnHand"], 0,
        "{discarded}"
    );
    assert_eq!(lot_doses(&app, lot as i32).await, 0);
    assert!(app.stock_violations().await.is_empty());
}

#[tokio::test]
async fn counts_adjust_the_balance_with_a_reason() {
    let app = TestApp::spawn().await;
    let lot = app
        .as_agency("health", RECEIVE, receive_input("383", "MD-30", 500))
        .await;
    assert_eq!(error_code(&lot), "NOT_FOUND", "383 is not a district");
    let lot = app
        .as_agency("health", RECEIVE, receive_input("384", "MD-30", 500))
        .await["data"]["receiveLot"]["lot"]
        .clone();
    let id = lot["id"].as_i64().expect("id");
    let version = app.as_agency("health", LOT, json!({ "d": "384" })).await["data"]["vaccineLots"]
        ["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["id"].as_i64() == Some(id))
        .map(|e| e["node"]["version"].clone())
        .expect("lot");
    let counted = app.as_agency("health", ADJUST, json!({ "input": { "lotId": id, "countedDoses": 480, "reason": "monthly count", "expectedVersion": version } })).await;
    assert_eq!(
        counted["data"]["adjustStock"]["event"],
        json!({ "kind": "ADJUSTED", "doses": -20 }),
        "{counted}"
    );
    let stale = app.as_agency("health", ADJUST, json!({ "input": { "lotId": id, "countedDoses": 470, "reason": "recount", "expectedVersion": version } })).await;
    assert_eq!(error_code(&stale), "CONFLICT");
    let negative = app
        .as_agency(
            "health",
            ADJUST,
            json!({ "input": { "lotId": id, "countedDoses": -1, "reason": "x" } }),
        )
        .await;
    assert_eq!(
        (error_code(&negative), error_field(&negative)),
        ("BAD_USER_INPUT", "countedDoses")
    );
    assert_eq!(lot_doses(&app, id as i32).await, 480);
}

#[tokio::test]
async fn idempotency_keys_make_retries_safe() {
    let app = TestApp::spawn().await;
    let mut vars = receive_input("385", "MD-40", 700);
    vars["input"]["idempotencyKey"] = json!("delivery-2021-12-10-385");
    let first = app.as_agency("health", RECEIVE, vars.clone()).await;
    let second = app.as_agency("health", RECEIVE, vars.clone()).await;
    assert_eq!(
        first["data"], second["data"],
        "the retry returns the first result"
    );
    let lot = first["data"]["receiveLot"]["lot"]["id"]
        .as_i64()
        .expect("id");
    assert_eq!(lot_doses(&app, lot as i32).await, 700, "received once");
    vars["input"]["doses"] = json!(701);
    let changed = app.as_agency("health", RECEIVE, vars.clone()).await;
    assert_eq!(error_code(&changed), "CONFLICT");
    // Keys are per agency: another agency's identical key is its own.
    let district_token = app.issue("health-385", entity::Role::Editor).await;
    let mut theirs = receive_input("385", "MD-41", 5);
    theirs["input"]["idempotencyKey"] = json!("delivery-2021-12-10-385");
    let (_, other) = app.gql(Some(&district_token), RECEIVE, theirs).await;
    assert_eq!(
        other["data"]["receiveLot"]["lot"]["dosesOnHand"], 5,
        "{other}"
    );
}

#[tokio::test]
async fn lists_follow_the_permission_table() {
    let app = TestApp::spawn().await;
    let count = |agency: &'static str| {
        let app = &app;
        async move {
            app.as_agency(
                agency,
                "{ vaccineLots(first: 500) { totalCount edges { node { district { code } } } } }",
                json!({}),
            )
            .await
        }
    };
    let province = count("health").await;
    assert!(
        province["data"]["vaccineLots"]["totalCount"]
            .as_i64()
            .expect("n")
            > 27,
        "{province}"
    );
    let own = count("committee-380").await;
    let codes: Vec<&str> = own["data"]["vaccineLots"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["district"]["code"].as_str().expect("code"))
        .collect();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| *c == "380"),
        "{codes:?}"
    );
    for agency in ["police", "transport", "border-guard"] {
        assert_eq!(
            count(agency).await["data"]["vaccineLots"]["totalCount"],
            0,
            "{agency} reads no stock"
        );
    }
    let summary = app.as_agency("steering", "{ stockSummary(provinceCode: \"38\") { district { code } vaccine { code } lots dosesOnHand dosesAvailable dosesExpiringWithin30Days } expiringLots(withinDays: 14) { lotNumber daysToExpiry vaccine { code } } }", json!({})).await;
    let lines = summary["data"]["stockSummary"].as_array().expect("lines");
    let total: i64 = lines
        .iter()
        .map(|l| l["dosesOnHand"].as_i64().expect("n"))
        .sum();
    assert_eq!(total, app.scalar(&format!("SELECT CAST(SUM(doses_on_hand) AS BIGINT) AS n FROM vaccine_lot WHERE expires_on >= '{}'", in_days(0))).await);
    let expiring = summary["data"]["expiringLots"].as_array().expect("lots");
    assert!(
        !expiring.is_empty()
            && expiring
                .iter()
                .all(|l| l["daysToExpiry"].as_i64().expect("d") <= 14)
    );
}

/// Random sequences of every stock and transfer operation keep every invariant (seeded: a failure names
/// its seed).
#[tokio::test]
async fn random_operation_sequences_keep_the_ledger_invariant() {
    let app = TestApp::spawn().await;
    let mut succeeded = std::collections::HashMap::new();
    for seed in [7_u64, 2021, 4800] {
        let mut rng = StdRng::seed_from_u64(seed);
        let districts = ["380", "381", "382", "386", "390"];
        let mut lots: Vec<i64> = Vec::new();
        let mut transfers: Vec<i64> = Vec::new();
        for step in 0..120 {
            let district = districts[rng.random_range(0..districts.len())];
            // Mostly plausible figures, sometimes absurd ones.
            let doses = if rng.random_bool(0.9) {
                rng.random_range(1..150_i64)
            } else {
                rng.random_range(-5..100_000_i64)
            };
            let lot = lots
                .get(rng.random_range(0..lots.len().max(1)))
                .copied()
                .unwrap_or(0);
            // Usually the newest transfer, so workflows get carried through; sometimes any.
            let pick = if rng.random_bool(0.6) {
                transfers.len().saturating_sub(1)
            } else {
                rng.random_range(0..transfers.len().max(1))
            };
            let transfer = transfers.get(pick).copied().unwrap_or(0);
            let operation = rng.random_range(0..9);
            let body = match operation {
                0 => {
                    let vars = json!({ "input": { "districtCode": district, "vaccineCode": "MODERNA", "lotNumber": format!("R{seed}-{}", rng.random_range(0..4)), "expiresOn": in_days(60), "doses": doses } });
                    app.as_agency("health", RECEIVE, vars).await
                }
                1 => app.as_agency("health", ADMINISTER, json!({ "input": { "lotId": lot, "doses": doses, "doseNumber": 1 } })).await,
                2 => app.as_agency("health", WASTE, json!({ "input": { "lotId": lot, "doses": doses, "reason": "random" } })).await,
                3 => app.as_agency("health", ADJUST, json!({ "input": { "lotId": lot, "countedDoses": doses, "reason": "random count" } })).await,
                4 => app.as_agency("health", "mutation($i: RequestTransferInput!) { requestTransfer(input: $i) { transfer { id } } }", json!({ "i": { "lotId": lot, "toDistrictCode": district, "doses": doses } })).await,
                5 => app.as_agency("health", "mutation($id: Int!) { approveTransfer(input: { id: $id }) { transfer { id } } }", json!({ "id": transfer })).await,
                6 => app.as_agency("health", "mutation($id: Int!) { dispatchTransfer(input: { id: $id }) { transfer { id } } }", json!({ "id": transfer })).await,
                7 => app.as_agency("health", "mutation($id: Int!, $n: Int!) { receiveTransfer(input: { id: $id, dosesReceived: $n, shortfallReason: \"random\" }) { transfer { id } } }", json!({ "id": transfer, "n": doses.clamp(0, 50) })).await,
                _ => app.as_agency("health", "mutation($id: Int!) { cancelTransfer(input: { id: $id, reason: \"random\" }) { transfer { id } } }", json!({ "id": transfer })).await,
            };
            let code = error_code(&body);
            assert_ne!(code, "INTERNAL", "seed {seed} step {step}: {body}");
            if code.is_empty() {
                *succeeded.entry(operation).or_insert(0) += 1;
            }
            if let Some(id) = body["data"]["receiveLot"]["lot"]["id"].as_i64() {
                lots.push(id);
            }
            if let Some(id) = body["data"]["requestTransfer"]["transfer"]["id"].as_i64() {
                transfers.push(id);
            }
            if step % 30 == 29 {
                assert_eq!(
                    app.stock_violations().await,
                    Vec::<String>::new(),
                    "seed {seed} step {step}"
                );
            }
        }
    }
    assert_eq!(app.stock_violations().await, Vec::<String>::new());
    // The sequences must exercise each operation's success path, not only its refusals.
    assert!(
        (0..9).all(|op| succeeded.get(&op).copied().unwrap_or(0) > 0),
        "successes by operation: {succeeded:?}"
    );
}

/// `District.vaccineLots` (one statement for all districts, shaped per database) shows each district
/// exactly the first lots the district's own lot list shows, whatever the flags: lots emptied and
/// lots expired in between, districts with more lots than asked for and districts with none.
#[tokio::test]
async fn district_lots_are_the_first_of_each_districts_own_list() {
    let app = TestApp::spawn().await;
    let mut lots = Vec::new();
    for (district, count) in [("380", 6), ("381", 3), ("386", 1)] {
        for n in 0..count {
            let body = app
                .as_agency(
                    "health",
                    RECEIVE,
                    receive_input(district, &format!("DL-{district}-{n}"), 50),
                )
                .await;
            let id = body["data"]["receiveLot"]["lot"]["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("{body}"));
            lots.push(id);
        }
    }
    // Every third lot emptied, every fourth expired (some both).
    for (index, lot) in lots.iter().enumerate() {
        if index % 3 == 0 {
            let body = app
                .as_agency(
                    "health",
                    WASTE,
                    json!({ "input": { "lotId": lot, "doses": 50, "reason": "cold chain" } }),
                )
                .await;
            assert_eq!(
                body["data"]["recordWastage"]["lot"]["dosesOnHand"], 0,
                "{body}"
            );
        }
        if index % 4 == 1 {
            expire(&app, *lot, 3).await;
        }
    }
    let ids = |list: &Value| -> Vec<i64> {
        list.as_array()
            .unwrap_or_else(|| panic!("a list: {list}"))
            .iter()
            .map(|lot| lot["id"].as_i64().expect("id"))
            .collect()
    };
    for (include_empty, include_expired) in
        [(false, false), (true, false), (false, true), (true, true)]
    {
        for first in [1, 2, 4, 10] {
            let nested = app
                .as_agency(
                    "health",
                    "query($f: Int!, $e: Boolean!, $x: Boolean!) { districts(first: 100) { nodes { code vaccineLots(first: $f, includeEmpty: $e, includeExpired: $x) { id } } } }",
                    json!({ "f": first, "e": include_empty, "x": include_expired }),
                )
                .await;
            let districts = nested["data"]["districts"]["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{nested}"));
            assert!(districts.len() > 3, "{nested}");
            let mut shown = 0;
            for district in districts {
                let code = district["code"].as_str().expect("code");
                let own = app
                    .as_agency(
                        "health",
                        "query($d: String, $e: Boolean!, $x: Boolean!) { vaccineLots(filter: { districtCode: $d, includeEmpty: $e, includeExpired: $x }, first: 500) { nodes { id } } }",
                        json!({ "d": code, "e": include_empty, "x": include_expired }),
                    )
                    .await;
                let mut expected = ids(&own["data"]["vaccineLots"]["nodes"]);
                expected.truncate(first);
                assert_eq!(
                    ids(&district["vaccineLots"]),
                    expected,
                    "district {code}, first {first}, includeEmpty {include_empty}, includeExpired {include_expired}"
                );
                shown += expected.len();
            }
            assert!(shown > 0, "some lots shown for first {first}");
        }
    }
}

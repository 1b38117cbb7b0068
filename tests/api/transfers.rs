//! Transfers: the workflow end to end, every refusal, visibility, rebalancing, live events, and the
//! stock invariant under concurrent approvals and dispatches over real HTTP.

use std::sync::Arc;

use entity::Role;
use lienthong::transfers::request::{self as transfer_request, RequestTransfer};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{HttpClient, TestApp, error_code, error_field, next_event, subscribe};

const REQUEST: &str = "mutation($i: RequestTransferInput!) { requestTransfer(input: $i) { transfer { id status doses } } }";
const APPROVE: &str =
    "mutation($id: Int!) { approveTransfer(input: { id: $id }) { transfer { id status doses } } }";
const REJECT: &str = "mutation($id: Int!, $r: String!) { rejectTransfer(input: { id: $id, reason: $r }) { transfer { id status doses } } }";
const DISPATCH: &str =
    "mutation($id: Int!) { dispatchTransfer(input: { id: $id }) { transfer { id status doses } } }";
const RECEIVE: &str = "mutation($id: Int!, $n: Int!, $r: String) { receiveTransfer(input: { id: $id, dosesReceived: $n, shortfallReason: $r }) { transfer { id status doses dosesReceived toLot { id lotNumber dosesOnHand district { code } } } } }";
const CANCEL: &str = "mutation($id: Int!, $r: String!) { cancelTransfer(input: { id: $id, reason: $r }) { transfer { id status doses } } }";

async fn lot_state(app: &TestApp, lot: i32) -> (i64, i64) {
    let on_hand = app
        .scalar(&format!(
            "SELECT doses_on_hand AS n FROM vaccine_lot WHERE id = {lot}"
        ))
        .await;
    let reserved = app
        .scalar(&format!(
            "SELECT doses_reserved AS n FROM vaccine_lot WHERE id = {lot}"
        ))
        .await;
    (on_hand, reserved)
}

fn id_of(body: &Value, mutation: &str) -> i64 {
    body["data"][mutation]["transfer"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{mutation} failed: {body}"))
}

#[tokio::test]
async fn a_transfer_from_request_to_receipt() {
    let app = TestApp::spawn().await;
    let health_381 = app.issue("health-381", Role::Editor).await;
    let lot = app.lot_id("380", "ASTRAZENECA").await;
    let (start, _) = lot_state(&app, lot).await;

    // The district short of doses asks; the province approves; the source sends; the destination receives.
    let (_, body) = app.gql(Some(&health_381), REQUEST, json!({ "i": { "lotId": lot, "toDistrictCode": "381", "doses": 300, "reason": "second doses for workers of Bỉm Sơn cement", "idempotencyKey": "req-381-1" } })).await;
    let id = id_of(&body, "requestTransfer");
    assert_eq!(
        body["data"]["requestTransfer"]["transfer"]["status"],
        "REQUESTED"
    );
    assert_eq!(
        lot_state(&app, lot).await,
        (start, 0),
        "nothing reserved before approval"
    );

    let approved = app.as_agency("health", APPROVE, json!({ "id": id })).await;
    assert_eq!(
        approved["data"]["approveTransfer"]["transfer"]["status"], "APPROVED",
        "{approved}"
    );
    assert_eq!(
        lot_state(&app, lot).await,
        (start, 300),
        "approval reserves"
    );

    let dispatched = app
        .as_agency("health-380", DISPATCH, json!({ "id": id }))
        .await;
    assert_eq!(
        dispatched["data"]["dispatchTransfer"]["transfer"]["status"], "DISPATCHED",
        "{dispatched}"
    );
    assert_eq!(
        lot_state(&app, lot).await,
        (start - 300, 0),
        "dispatch moves the doses out"
    );

    let short = app
        .gql(Some(&health_381), RECEIVE, json!({ "id": id, "n": 290 }))
        .await
        .1;
    assert_eq!(
        (error_code(&short), error_field(&short)),
        ("BAD_USER_INPUT", "shortfallReason")
    );
    let received = app
        .gql(
            Some(&health_381),
            RECEIVE,
            json!({ "id": id, "n": 290, "r": "one box of 10 broken" }),
        )
        .await
        .1;
    let t = &received["data"]["receiveTransfer"]["transfer"];
    assert_eq!(t["status"], "RECEIVED", "{received}");
    assert_eq!(t["toLot"]["district"]["code"], "381");
    assert_eq!(
        t["toLot"]["dosesOnHand"], 290,
        "the shortfall is written off at the destination"
    );

    let detail = app.as_agency("steering", "query($id: Int!) { transfer(id: $id) { status doses dosesReceived shortfallReason fromDistrict { code } toDistrict { code } vaccine { code } timeline { status by } } }", json!({ "id": id })).await;
    let steps: Vec<&str> = detail["data"]["transfer"]["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|s| s["status"].as_str().expect("s"))
        .collect();
    assert_eq!(
        steps,
        ["REQUESTED", "APPROVED", "DISPATCHED", "RECEIVED"],
        "{detail}"
    );
    assert_eq!(
        detail["data"]["transfer"]["timeline"][2]["by"],
        "health-380/demo-health-380"
    );
    for action in [
        "transfer.request",
        "transfer.approve",
        "transfer.dispatch",
        "transfer.receive",
    ] {
        assert!(app.audit_count(action).await >= 1, "{action} audited");
    }
    let wasted = app.scalar(&format!("SELECT CAST(SUM(doses) AS BIGINT) AS n FROM stock_event WHERE transfer_id = {id} AND kind = 'WASTED'")).await;
    assert_eq!(wasted, -10);
    assert_eq!(app.stock_violations().await, Vec::<String>::new());
}

#[tokio::test]
async fn every_wrong_step_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let health_381 = app.issue("health-381", Role::Editor).await;
    let health_viewer = app.issue("health", Role::Viewer).await;
    let lot = app.lot_id("380", "ASTRAZENECA").await;
    let available = app
        .scalar(&format!(
            "SELECT doses_on_hand - doses_reserved AS n FROM vaccine_lot WHERE id = {lot}"
        ))
        .await;
    let request = |to: &str, doses: i64| json!({ "i": { "lotId": lot, "toDistrictCode": to, "doses": doses } });

    let too_many = app
        .as_agency("health", REQUEST, request("381", available + 1))
        .await;
    assert_eq!(error_code(&too_many), "INSUFFICIENT_STOCK");
    assert!(
        too_many["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains(&format!("{available} doses available")),
        "{too_many}"
    );
    let same = app.as_agency("health", REQUEST, request("380", 10)).await;
    assert_eq!(
        (error_code(&same), error_field(&same)),
        ("BAD_USER_INPUT", "toDistrictCode")
    );
    assert_eq!(
        error_field(&app.as_agency("health", REQUEST, request("381", 0)).await),
        "doses"
    );
    assert_eq!(
        error_code(&app.as_agency("health", REQUEST, request("999", 10)).await),
        "NOT_FOUND"
    );
    assert_eq!(
        error_code(
            &app.as_agency(
                "health",
                REQUEST,
                json!({ "i": { "lotId": 999_999, "toDistrictCode": "381", "doses": 1 } })
            )
            .await
        ),
        "NOT_FOUND"
    );
    assert_eq!(
        error_code(&app.as_agency("police", REQUEST, request("381", 10)).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(
            &app.gql(Some(&health_viewer), REQUEST, request("381", 10))
                .await
                .1
        ),
        "FORBIDDEN"
    );
    // A district asks only for itself.
    assert_eq!(
        error_code(
            &app.gql(Some(&health_381), REQUEST, request("382", 10))
                .await
                .1
        ),
        "FORBIDDEN"
    );

    let id = id_of(
        &app.gql(Some(&health_381), REQUEST, request("381", 10))
            .await
            .1,
        "requestTransfer",
    );
    // Out of order, and by the wrong side or role.
    assert_eq!(
        error_code(&app.as_agency("health", DISPATCH, json!({ "id": id })).await),
        "INVALID_STATE"
    );
    assert_eq!(
        error_code(
            &app.gql(Some(&health_381), APPROVE, json!({ "id": id }))
                .await
                .1
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(
            &app.as_agency("health-380", APPROVE, json!({ "id": id }))
                .await
        ),
        "FORBIDDEN"
    );
    let editor = app.issue("health", Role::Editor).await;
    assert_eq!(
        error_code(&app.gql(Some(&editor), APPROVE, json!({ "id": id })).await.1),
        "FORBIDDEN",
        "approval needs APPROVER"
    );
    assert_eq!(
        error_field(
            &app.as_agency("health", REJECT, json!({ "id": id, "r": "" }))
                .await
        ),
        "reason"
    );
    id_of(
        &app.as_agency("health", APPROVE, json!({ "id": id })).await,
        "approveTransfer",
    );
    assert_eq!(
        error_code(&app.as_agency("health", APPROVE, json!({ "id": id })).await),
        "INVALID_STATE",
        "approved twice"
    );
    assert_eq!(
        error_code(
            &app.gql(Some(&health_381), DISPATCH, json!({ "id": id }))
                .await
                .1
        ),
        "FORBIDDEN",
        "the destination does not dispatch"
    );
    id_of(
        &app.as_agency("health-380", DISPATCH, json!({ "id": id }))
            .await,
        "dispatchTransfer",
    );
    assert_eq!(
        error_code(
            &app.as_agency("health-380", CANCEL, json!({ "id": id, "r": "too late" }))
                .await
        ),
        "INVALID_STATE",
        "no cancelling after dispatch"
    );
    assert_eq!(
        error_code(
            &app.as_agency("health-380", RECEIVE, json!({ "id": id, "n": 10 }))
                .await
        ),
        "FORBIDDEN",
        "the source does not receive"
    );
    assert_eq!(
        error_field(
            &app.gql(Some(&health_381), RECEIVE, json!({ "id": id, "n": 11 }))
                .await
                .1
        ),
        "dosesReceived"
    );
    id_of(
        &app.gql(Some(&health_381), RECEIVE, json!({ "id": id, "n": 10 }))
            .await
            .1,
        "receiveTransfer",
    );
    assert_eq!(
        error_code(
            &app.gql(Some(&health_381), RECEIVE, json!({ "id": id, "n": 10 }))
                .await
                .1
        ),
        "INVALID_STATE",
        "received twice"
    );
    assert_eq!(
        error_code(
            &app.as_agency("health", APPROVE, json!({ "id": 999_999 }))
                .await
        ),
        "NOT_FOUND"
    );

    // An expired lot is neither requested nor approved.
    let other = id_of(
        &app.as_agency("health", REQUEST, request("382", 5)).await,
        "requestTransfer",
    );
    let yesterday = (lienthong::clock::today() - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE vaccine_lot SET expires_on = '{yesterday}' WHERE id = {lot}"
        ))
        .await
        .expect("age");
    assert_eq!(
        error_code(&app.as_agency("health", REQUEST, request("382", 5)).await),
        "INVALID_STATE"
    );
    assert_eq!(
        error_code(
            &app.as_agency("health", APPROVE, json!({ "id": other }))
                .await
        ),
        "INVALID_STATE"
    );
    assert_eq!(app.stock_violations().await, Vec::<String>::new());
}

#[tokio::test]
async fn cancelling_an_approved_transfer_releases_its_reservation() {
    let app = TestApp::spawn().await;
    let lot = app.lot_id("386", "ASTRAZENECA").await;
    let (start, reserved) = lot_state(&app, lot).await;
    let id = id_of(
        &app.as_agency(
            "health",
            REQUEST,
            json!({ "i": { "lotId": lot, "toDistrictCode": "387", "doses": 100 } }),
        )
        .await,
        "requestTransfer",
    );
    id_of(
        &app.as_agency("health", APPROVE, json!({ "id": id })).await,
        "approveTransfer",
    );
    assert_eq!(lot_state(&app, lot).await, (start, reserved + 100));
    let cancelled = app
        .as_agency(
            "health",
            CANCEL,
            json!({ "id": id, "r": "road closed by flooding" }),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelTransfer"]["transfer"]["status"], "CANCELLED",
        "{cancelled}"
    );
    assert_eq!(lot_state(&app, lot).await, (start, reserved));
}

#[tokio::test]
async fn transport_sees_only_transfers_to_escort() {
    let app = TestApp::spawn().await;
    let statuses = |body: Value| -> Vec<String> {
        body["data"]["transfers"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["status"].as_str().expect("s").to_owned())
            .collect()
    };
    let all = statuses(
        app.as_agency(
            "steering",
            "{ transfers { edges { node { status } } } }",
            json!({}),
        )
        .await,
    );
    assert_eq!(all.len(), 5, "{all:?}");
    let escort = statuses(
        app.as_agency(
            "transport",
            "{ transfers { edges { node { status } } } }",
            json!({}),
        )
        .await,
    );
    assert_eq!(escort, ["APPROVED", "DISPATCHED"]);
    assert!(
        statuses(
            app.as_agency(
                "police",
                "{ transfers { edges { node { status } } } }",
                json!({})
            )
            .await
        )
        .is_empty()
    );
    let own = app
        .as_agency(
            "committee-380",
            "{ transfers { edges { node { fromDistrict { code } toDistrict { code } } } } }",
            json!({}),
        )
        .await;
    for edge in own["data"]["transfers"]["edges"].as_array().expect("edges") {
        let (from, to) = (
            &edge["node"]["fromDistrict"]["code"],
            &edge["node"]["toDistrict"]["code"],
        );
        assert!(from == "380" || to == "380", "{edge}");
    }
}

#[tokio::test]
async fn suggestions_become_transfer_requests_in_one_step() {
    let app = TestApp::spawn().await;
    let query = "{ rebalancingSuggestions(vaccineCode: \"PFIZER\", horizonDays: 30, basis: DAYS_OF_STOCK) { id doses reasons explanation fromDistrict { code } toDistrict { code } lot { id expiresOn daysToExpiry dosesAvailable } } }";
    let body = app.as_agency("health", query, json!({})).await;
    let suggestions = body["data"]["rebalancingSuggestions"]
        .as_array()
        .expect("suggestions")
        .clone();
    assert!(!suggestions.is_empty(), "{body}");
    for s in &suggestions {
        assert!(
            s["lot"]["daysToExpiry"].as_i64().expect("days") >= 2,
            "never a lot that expires on the road: {s}"
        );
        assert!(
            s["doses"].as_i64().expect("doses")
                <= s["lot"]["dosesAvailable"].as_i64().expect("available")
        );
        assert!(
            s["reasons"]
                .as_array()
                .expect("reasons")
                .contains(&json!("SHORTAGE"))
        );
    }
    assert!(
        suggestions.iter().any(|s| s["reasons"]
            .as_array()
            .expect("r")
            .contains(&json!("EXPIRY"))),
        "Pfizer close to expiry moves: {body}"
    );
    let first = &suggestions[0];
    let made = app.as_agency("health", "mutation($s: String!) { requestSuggestedTransfer(input: { suggestionId: $s, idempotencyKey: \"sugg-1\" }) { transfer { id status doses fromDistrict { code } toDistrict { code } reason } } }", json!({ "s": first["id"] })).await;
    let t = &made["data"]["requestSuggestedTransfer"]["transfer"];
    assert_eq!(t["status"], "REQUESTED", "{made}");
    assert_eq!(
        (
            &t["doses"],
            &t["fromDistrict"]["code"],
            &t["toDistrict"]["code"]
        ),
        (
            &first["doses"],
            &first["fromDistrict"]["code"],
            &first["toDistrict"]["code"]
        )
    );
    let forged = app.as_agency("health", "mutation { requestSuggestedTransfer(input: { suggestionId: \"bm90LWFuLWlk\" }) { transfer { id } } }", json!({})).await;
    assert_eq!(
        (error_code(&forged), error_field(&forged)),
        ("BAD_USER_INPUT", "suggestionId")
    );
    let bad = app
        .as_agency(
            "health",
            "{ rebalancingSuggestions(vaccineCode: \"PFIZER\", horizonDays: 0) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (error_code(&bad), error_field(&bad)),
        ("BAD_USER_INPUT", "horizonDays")
    );
    let police = app
        .as_agency(
            "police",
            "{ rebalancingSuggestions(vaccineCode: \"PFIZER\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(police["data"]["rebalancingSuggestions"], json!([]));
}

#[tokio::test]
async fn a_flaky_script_retrying_one_request_records_exactly_one_transfer() {
    let app = TestApp::spawn().await;
    let server = app.serve().await;
    let client = HttpClient::new(server.addr);
    let lot = app.lot_id("390", "ASTRAZENECA").await;
    let token = app.token("health");
    let vars = json!({ "i": { "lotId": lot, "toDistrictCode": "391", "doses": 7, "idempotencyKey": "nightly-job-2021-12-10" } });
    let before = app.scalar("SELECT COUNT(*) AS n FROM transfer").await;
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let (client, token, vars) = (client.clone(), token.clone(), vars.clone());
            tokio::spawn(async move { client.gql(&token, REQUEST, vars).await })
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for task in tasks {
        let body = task.await.expect("task");
        ids.insert(id_of(&body, "requestTransfer"));
    }
    assert_eq!(ids.len(), 1, "every retry answered with the same transfer");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM transfer").await,
        before + 1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'transfer.request' AND entity_id = (SELECT CAST(MAX(id) AS VARCHAR(20)) FROM transfer)").await, 1);
}

#[tokio::test]
async fn transfer_events_reach_a_websocket_subscriber() {
    let app = TestApp::spawn().await;
    let server = app.serve().await;
    let query = "subscription { transferEvents(districtCode: \"380\") { id status doses toDistrict { code } } }";
    let mut socket = subscribe(server.addr, &app.token("committee-380"), query).await;
    let lot = app.lot_id("380", "ASTRAZENECA").await;
    let body = app
        .as_agency(
            "health",
            REQUEST,
            json!({ "i": { "lotId": lot, "toDistrictCode": "381", "doses": 42 } }),
        )
        .await;
    let id = id_of(&body, "requestTransfer");
    let event = next_event(&mut socket).await;
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(
        event["payload"]["data"]["transferEvents"],
        json!({ "id": id, "status": "REQUESTED", "doses": 42, "toDistrict": { "code": "381" } })
    );
}

/// Creates `count` REQUESTED transfers of 1 to 3 doses from one lot, straight through the service.
async fn requested_transfers(app: &TestApp, lot: i32, count: usize) -> Vec<i32> {
    use futures_util::StreamExt;
    let health = lienthong::admin::agencies::by_code(&app.state.db, "health")
        .await
        .expect("agency");
    let actor = lienthong::auth::Actor::acting_as(&health, None, Role::Approver, "race-setup");
    // Several at a time (in order of `i`), so the pool's connections share the setup's work.
    futures_util::stream::iter(0..count)
        .map(|i| {
            let input = RequestTransfer {
                lot_id: lot,
                to_district_code: "397".into(),
                doses: 1 + (i % 3) as i64,
                reason: None,
                idempotency_key: None,
            };
            let ctx = app.state.ctx(&actor);
            async move {
                transfer_request::request(&ctx, input)
                    .await
                    .expect("request")
                    .id
            }
        })
        .buffered(8)
        .collect()
        .await
}

/// A lot of exactly 1,000 doses at district 396, for the race.
async fn race_lot(app: &TestApp) -> i32 {
    let body = app
        .as_agency("health", "mutation($e: Date!) { receiveLot(input: { districtCode: \"396\", vaccineCode: \"MODERNA\", lotNumber: \"RACE-1\", expiresOn: $e, doses: 1000 }) { lot { id } } }", json!({ "e": (lienthong::clock::today() + chrono::Duration::days(60)).format("%Y-%m-%d").to_string() }))
        .await;
    i32::try_from(
        body["data"]["receiveLot"]["lot"]["id"]
            .as_i64()
            .expect("lot"),
    )
    .expect("id")
}

/// 64 clients x 50 transfers each approve-then-dispatch from one lot of 1,000 doses over real HTTP.
#[tokio::test]
async fn concurrent_approvals_and_dispatches_never_oversell() {
    const CLIENTS: usize = 64;
    const PER_CLIENT: usize = 50;
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_per_minute = 1_000_000;
        c.db_max_connections = 8;
        // The race is under test, not the pool's fail-fast bound: on a loaded machine 64 clients on 8
        // connections can queue for longer than the default 3 s.
        c.db_acquire_timeout = std::time::Duration::from_secs(30);
    })
    .await;
    let lot = race_lot(&app).await;
    let ids = Arc::new(requested_transfers(&app, lot, CLIENTS * PER_CLIENT).await);
    let server = app.serve().await;
    let client = HttpClient::new(server.addr);
    let (approver, dispatcher) = (
        app.token("health"),
        app.issue("health-396", Role::Editor).await,
    );
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (client, ids, approver, dispatcher) = (
                client.clone(),
                ids.clone(),
                approver.clone(),
                dispatcher.clone(),
            );
            tokio::spawn(async move {
                let mut outcome = (0_i64, 0_usize, Vec::new());
                for k in 0..PER_CLIENT {
                    let id = ids[c * PER_CLIENT + k];
                    let approved = client.gql(&approver, APPROVE, json!({ "id": id })).await;
                    match error_code(&approved) {
                        "" => {}
                        "INSUFFICIENT_STOCK" => {
                            outcome.1 += 1;
                            continue;
                        }
                        other => outcome.2.push(format!("approve {id}: {other} {approved}")),
                    }
                    let sent = client.gql(&dispatcher, DISPATCH, json!({ "id": id })).await;
                    match sent["data"]["dispatchTransfer"]["transfer"]["doses"].as_i64() {
                        Some(doses) => outcome.0 += doses,
                        None => outcome.2.push(format!("dispatch {id}: {sent}")),
                    }
                }
                outcome
            })
        })
        .collect();
    let (mut dispatched, mut refused, mut unexpected) = (0, 0, Vec::new());
    for task in tasks {
        let (d, r, u) = task.await.expect("client");
        dispatched += d;
        refused += r;
        unexpected.extend(u);
    }
    assert!(
        unexpected.is_empty(),
        "only INSUFFICIENT_STOCK may refuse: {:?}",
        &unexpected[..unexpected.len().min(5)]
    );
    let (on_hand, reserved) = lot_state(&app, lot).await;
    assert_eq!(
        on_hand,
        1000 - dispatched,
        "final stock = initial - accepted"
    );
    assert_eq!(reserved, 0);
    assert!(
        (0..3).contains(&on_hand),
        "the lot was drained to what no request fits: {on_hand}"
    );
    assert!(refused > 0, "demand exceeded supply, so some were refused");
    let out_rows = app
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM stock_event WHERE lot_id = {lot} AND kind = 'TRANSFER_OUT'"
        ))
        .await;
    let dispatched_count = app
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM transfer WHERE from_lot_id = {lot} AND status = 'DISPATCHED'"
        ))
        .await;
    assert_eq!(
        out_rows, dispatched_count,
        "one ledger row per dispatch, none lost or doubled"
    );
    assert_eq!(app.stock_violations().await, Vec::<String>::new());
}

/// The negative control: the same race against a naive read-check-write (read the balance, check it,
/// write the new balance back) loses updates, and the checks above catch it.
#[tokio::test]
async fn the_race_checks_catch_a_naive_read_check_write() {
    let app = TestApp::spawn().await;
    let lot = race_lot(&app).await;
    let db = app.state.db.clone();
    let backend = db.get_database_backend();
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut taken = 0_i64;
                for _ in 0..20 {
                    let read = sea_orm::Statement::from_string(
                        backend,
                        format!("SELECT doses_on_hand AS n FROM vaccine_lot WHERE id = {lot}"),
                    );
                    let Ok(Some(row)) = db.query_one_raw(read).await else {
                        continue;
                    };
                    let current: i64 = row.try_get("", "n").unwrap_or(0);
                    if current < 1 {
                        continue;
                    }
                    tokio::task::yield_now().await;
                    let write = format!(
                        "UPDATE vaccine_lot SET doses_on_hand = {} WHERE id = {lot}",
                        current - 1
                    );
                    if db.execute_unprepared(&write).await.is_ok() {
                        taken += 1;
                    }
                }
                taken
            })
        })
        .collect();
    let mut accepted = 0;
    for task in tasks {
        accepted += task.await.expect("task");
    }
    let (on_hand, _) = lot_state(&app, lot).await;
    assert_ne!(
        on_hand,
        1000 - accepted,
        "a naive read-check-write loses updates ({accepted} accepted, {on_hand} left)"
    );
    assert!(
        !app.stock_violations().await.is_empty(),
        "and the ledger check notices the balance no longer matches"
    );
}

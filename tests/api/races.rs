//! Retries and races over real HTTP: concurrent copies of every keyed mutation make one record; concurrent
//! writers of one version make one update; doses are conserved at every snapshot while transfers run.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use entity::Role;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{HttpClient, TestApp, error_code};

/// Concurrent copies of one request, as a script that retries on every timeout would send them.
const COPIES: usize = 24;

/// Sends `COPIES` copies of one request at once; returns the answers.
async fn all_at_once(client: &HttpClient, token: &str, query: &str, vars: &Value) -> Vec<Value> {
    let tasks: Vec<_> = (0..COPIES)
        .map(|_| {
            let (client, token, query, vars) = (
                client.clone(),
                token.to_owned(),
                query.to_owned(),
                vars.clone(),
            );
            tokio::spawn(async move { client.gql(&token, &query, vars).await })
        })
        .collect();
    let mut answers = Vec::with_capacity(COPIES);
    for task in tasks {
        answers.push(task.await.expect("client"));
    }
    answers
}

fn in_days(days: i64) -> String {
    (lienthong::clock::today() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// One keyed mutation: who sends it, what it is, where its answer names the record, and the table and
/// audit action that count the records it makes.
struct Keyed {
    input: &'static str,
    agency: &'static str,
    query: &'static str,
    vars: Value,
    id_at: &'static str,
    table: &'static str,
    action: &'static str,
}

async fn keyed_cases(app: &TestApp) -> Vec<Keyed> {
    let lot = app.lot_id("390", "ASTRAZENECA").await;
    let suggestions = app
        .as_agency(
            "health",
            "{ rebalancingSuggestions(vaccineCode: \"PFIZER\", horizonDays: 30, basis: DAYS_OF_STOCK) { id } }",
            json!({}),
        )
        .await;
    let suggestion = suggestions["data"]["rebalancingSuggestions"][0]["id"].clone();
    assert!(suggestion.is_string(), "{suggestions}");
    let screening = json!({
        "checkpointCode": "TH-QL1-BIMSON", "recordedAt": chrono::Utc::now().to_rfc3339(), "direction": "INBOUND",
        "vehiclePlate": "36B-55555", "vehicleKind": "TRUCK", "peopleCount": 1, "originProvinceCode": "01",
        "fromEpidemicArea": false, "healthDeclared": true, "testKind": "RAPID_ANTIGEN", "testResult": "NEGATIVE",
        "decision": "ALLOWED", "idempotencyKey": "race-screening"
    });
    vec![
        Keyed {
            input: "ReceiveLotInput",
            agency: "health",
            query: "mutation($i: ReceiveLotInput!) { receiveLot(input: $i) { event { id } } }",
            vars: json!({ "i": { "districtCode": "390", "vaccineCode": "MODERNA", "lotNumber": "RACE-KEYED", "expiresOn": in_days(90), "doses": 500, "idempotencyKey": "race-receive" } }),
            id_at: "/data/receiveLot/event/id",
            table: "stock_event",
            action: "stock.receive",
        },
        Keyed {
            input: "RecordAdministrationInput",
            agency: "health",
            query: "mutation($i: RecordAdministrationInput!) { recordAdministration(input: $i) { event { id } } }",
            vars: json!({ "i": { "lotId": lot, "doseNumber": 1, "doses": 3, "idempotencyKey": "race-administer" } }),
            id_at: "/data/recordAdministration/event/id",
            table: "stock_event",
            action: "stock.administer",
        },
        Keyed {
            input: "RecordWastageInput",
            agency: "health",
            query: "mutation($i: RecordWastageInput!) { recordWastage(input: $i) { event { id } } }",
            vars: json!({ "i": { "lotId": lot, "doses": 2, "reason": "vial dropped", "idempotencyKey": "race-waste" } }),
            id_at: "/data/recordWastage/event/id",
            table: "stock_event",
            action: "stock.waste",
        },
        Keyed {
            input: "AdjustStockInput",
            agency: "health",
            query: "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { event { id } } }",
            vars: json!({ "i": { "lotId": lot, "countedDoses": 400, "reason": "monthly count", "idempotencyKey": "race-adjust" } }),
            id_at: "/data/adjustStock/event/id",
            table: "stock_event",
            action: "stock.adjust",
        },
        Keyed {
            input: "RequestTransferInput",
            agency: "health",
            query: "mutation($i: RequestTransferInput!) { requestTransfer(input: $i) { transfer { id } } }",
            vars: json!({ "i": { "lotId": lot, "toDistrictCode": "391", "doses": 7, "idempotencyKey": "race-transfer" } }),
            id_at: "/data/requestTransfer/transfer/id",
            table: "transfer",
            action: "transfer.request",
        },
        Keyed {
            input: "RequestSuggestedTransferInput",
            agency: "health",
            query: "mutation($i: RequestSuggestedTransferInput!) { requestSuggestedTransfer(input: $i) { transfer { id } } }",
            vars: json!({ "i": { "suggestionId": suggestion, "idempotencyKey": "race-suggested" } }),
            id_at: "/data/requestSuggestedTransfer/transfer/id",
            table: "transfer",
            action: "transfer.request",
        },
        Keyed {
            input: "CreateCheckpointInput",
            agency: "transport",
            query: "mutation($i: CreateCheckpointInput!) { createCheckpoint(input: $i) { checkpoint { code } } }",
            vars: json!({ "i": { "code": "TH-QL45-RACE", "name": "Chốt QL45", "districtCode": "400", "kind": "ROAD", "idempotencyKey": "race-checkpoint" } }),
            id_at: "/data/createCheckpoint/checkpoint/code",
            table: "checkpoint",
            action: "checkpoint.create",
        },
        Keyed {
            input: "DeclareEpidemicLevelsInput",
            // Not a demo token: issued as the steering committee's approver (see the loop).
            agency: "steering",
            query: "mutation($i: DeclareEpidemicLevelsInput!) { declareEpidemicLevels(input: $i) { declaration { id } } }",
            vars: json!({ "i": { "unitCodes": ["388"], "level": 3, "decisionNumber": "1/QĐ-UBND", "effectiveFrom": "2021-11-10T00:00:00Z", "idempotencyKey": "race-declare" } }),
            id_at: "/data/declareEpidemicLevels/declaration/id",
            table: "epidemic_level_declaration",
            action: "epidemic_level.declare",
        },
        Keyed {
            input: "RecordScreeningInput",
            agency: "police",
            query: "mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { screening { id } } }",
            vars: json!({ "i": screening }),
            id_at: "/data/recordScreening/screening/id",
            table: "screening",
            action: "screening.record",
        },
        Keyed {
            input: "RecordVesselCallInput",
            agency: "health",
            query: "mutation($i: RecordVesselCallInput!) { recordVesselCall(input: $i) { vesselCall { id } } }",
            vars: json!({ "i": { "checkpointCode": "TH-CANG-NGHISON", "vesselName": "Race", "registration": "IMO9999999",
                                 "flag": "Việt Nam", "arrivedAt": chrono::Utc::now().to_rfc3339(),
                                 "crew": [{ "fullName": "Race Captain", "idNumber": "R1", "role": "CAPTAIN" }],
                                 "idempotencyKey": "race-vessel" } }),
            id_at: "/data/recordVesselCall/vesselCall/id",
            table: "vessel_call",
            action: "vessel_call.record",
        },
        Keyed {
            input: "CreateCallInput",
            agency: "health",
            query: "mutation($i: CreateCallInput!) { createCall(input: $i) { call { id } } }",
            vars: json!({ "i": { "formCode": "VACCINATION_CENSUS", "period": "2021-12-10", "addresseeKinds": ["PEOPLES_COMMITTEE"],
                                 "addresseeLevel": "DISTRICT", "idempotencyKey": "race-call" } }),
            id_at: "/data/createCall/call/id",
            table: "data_call",
            action: "data_call.create",
        },
        Keyed {
            input: "SetEpidemicAreaInput",
            agency: "health",
            query: "mutation($i: SetEpidemicAreaInput!) { setEpidemicArea(input: $i) { area { id } } }",
            vars: json!({ "i": { "areaCode": "48", "level": 4, "note": "Đà Nẵng", "idempotencyKey": "race-area" } }),
            id_at: "/data/setEpidemicArea/area/id",
            table: "epidemic_area",
            action: "epidemicArea.set",
        },
        Keyed {
            input: "CreateFormInput",
            agency: "health",
            query: "mutation($i: CreateFormInput!) { createForm(input: $i) { form { code version } } }",
            vars: json!({ "i": { "code": "RACE_FORM", "name": "Biểu mẫu", "idempotencyKey": "race-form",
                                 "fields": [{ "name": "people", "label": "Số người", "type": "INTEGER" }] } }),
            id_at: "/data/createForm/form/version",
            table: "form",
            action: "form.create",
        },
        Keyed {
            input: "SetAdolescentAllocationInput",
            agency: "health",
            query: "mutation($i: SetAdolescentAllocationInput!) { setAdolescentAllocation(input: $i) { allocation { id } } }",
            vars: json!({ "i": { "districtCode": "390", "doses": 4000, "asOf": "2021-12-01", "idempotencyKey": "race-allocation" } }),
            id_at: "/data/setAdolescentAllocation/allocation/id",
            table: "adolescent_allocation",
            action: "adolescent_allocation.set",
        },
    ]
}

/// The inputs of the schema that take an idempotency key.
fn keyed_inputs_of_schema() -> BTreeSet<String> {
    let schema = include_str!("../../schema.graphql");
    let mut inputs = BTreeSet::new();
    let mut current = None;
    for line in schema.lines() {
        if let Some(rest) = line.strip_prefix("input ") {
            current = rest.split_whitespace().next().map(str::to_owned);
        } else if line.trim_start().starts_with("idempotencyKey:")
            && let Some(name) = &current
        {
            inputs.insert(name.clone());
        }
    }
    inputs
}

#[tokio::test]
async fn concurrent_copies_of_every_keyed_mutation_make_one_record() {
    let app = TestApp::spawn_with(|c| c.rate_limit_per_minute = 1_000_000).await;
    let server = app.serve().await;
    let client = HttpClient::new(server.addr);
    let cases = keyed_cases(&app).await;
    let covered: BTreeSet<String> = cases.iter().map(|c| c.input.to_owned()).collect();
    assert_eq!(
        covered,
        keyed_inputs_of_schema(),
        "every keyed input of the schema"
    );
    let mut created = Vec::new();
    for case in &cases {
        let count = format!("SELECT COUNT(*) AS n FROM {}", case.table);
        let (rows, audits) = (app.scalar(&count).await, app.audit_count(case.action).await);
        let token = match case.agency {
            "steering" => app.issue("steering", Role::Approver).await,
            agency => app.token(agency),
        };
        let answers = all_at_once(&client, &token, case.query, &case.vars).await;
        let ids: BTreeSet<String> = answers
            .iter()
            .map(|a| {
                a.pointer(case.id_at)
                    .map(Value::to_string)
                    .unwrap_or_else(|| panic!("{}: {a}", case.input))
            })
            .collect();
        assert_eq!(
            ids.len(),
            1,
            "{}: every copy answered with one record",
            case.input
        );
        assert_eq!(
            app.scalar(&count).await - rows,
            1,
            "{}: one record",
            case.input
        );
        assert_eq!(
            app.audit_count(case.action).await - audits,
            1,
            "{}: one audit row",
            case.input
        );
        created.push(format!("{} {COPIES}->1", case.input));
    }
    println!("concurrent duplicates: {}", created.join(", "));
    assert_eq!(app.stock_violations().await, Vec::<String>::new());
}

/// Concurrent writers holding one version: exactly one wins, the others get CONFLICT, nothing is lost.
#[tokio::test]
async fn concurrent_writers_of_one_version_make_one_update() {
    let app = TestApp::spawn_with(|c| c.rate_limit_per_minute = 1_000_000).await;
    let server = app.serve().await;
    let client = HttpClient::new(server.addr);
    let token = app.token("health");

    let district = app
        .as_agency(
            "health",
            "{ district(code: \"392\") { version } }",
            json!({}),
        )
        .await;
    let version = district["data"]["district"]["version"].clone();
    let update = "mutation($i: UpdateDistrictInput!) { updateDistrict(input: $i) { district { treatmentBeds version } } }";
    let lot = app.lot_id("392", "ASTRAZENECA").await;
    let lot_version = app
        .scalar(&format!(
            "SELECT CAST(version AS BIGINT) AS n FROM vaccine_lot WHERE id = {lot}"
        ))
        .await;
    let adjust = "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { lot { dosesOnHand version } } }";

    let district_audits = app.audit_count("district.update").await;
    let tasks: Vec<_> = (0..COPIES)
        .map(|k| {
            let (client, token) = (client.clone(), token.clone());
            let district = json!({ "i": { "code": "392", "treatmentBeds": 100 + k, "expectedVersion": version } });
            let count = json!({ "i": { "lotId": lot, "countedDoses": 300 + k, "reason": "count", "expectedVersion": lot_version } });
            tokio::spawn(async move {
                let a = client.gql(&token, update, district).await;
                let b = client.gql(&token, adjust, count).await;
                (k, a, b)
            })
        })
        .collect();
    let (mut bed_winners, mut count_winners) = (Vec::new(), Vec::new());
    for task in tasks {
        let (k, a, b) = task.await.expect("client");
        for (answer, winners) in [(a, &mut bed_winners), (b, &mut count_winners)] {
            match error_code(&answer) {
                "" => winners.push(k),
                "CONFLICT" => {}
                other => panic!("only CONFLICT may refuse: {other} {answer}"),
            }
        }
    }
    assert_eq!((bed_winners.len(), count_winners.len()), (1, 1));
    let after = app
        .as_agency(
            "health",
            "{ district(code: \"392\") { treatmentBeds version } }",
            json!({}),
        )
        .await;
    assert_eq!(
        after["data"]["district"]["treatmentBeds"],
        json!(100 + bed_winners[0]),
        "the winner's write is the one kept"
    );
    assert_eq!(
        after["data"]["district"]["version"],
        json!(version.as_i64().expect("version") + 1)
    );
    assert_eq!(
        app.audit_count("district.update").await - district_audits,
        1
    );
    let on_hand = app
        .scalar(&format!(
            "SELECT CAST(doses_on_hand AS BIGINT) AS n FROM vaccine_lot WHERE id = {lot}"
        ))
        .await;
    assert_eq!(on_hand, 300 + count_winners[0] as i64);
    assert_eq!(app.stock_violations().await, Vec::<String>::new());
}

/// One snapshot of the whole stock, read in one statement (one snapshot on both engines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Snapshot {
    on_hand: i64,
    in_transit: i64,
    administered: i64,
    wasted: i64,
    receipts: i64,
}

impl Snapshot {
    /// Doses unaccounted for: every dose received is on hand, on the road, given or wasted.
    fn imbalance(&self) -> i64 {
        self.receipts - (self.on_hand + self.in_transit + self.administered + self.wasted)
    }
}

const SNAPSHOT: &str = "SELECT \
    CAST((SELECT COALESCE(SUM(doses_on_hand), 0) FROM vaccine_lot) AS BIGINT) AS on_hand, \
    CAST((SELECT COALESCE(SUM(doses), 0) FROM transfer WHERE status = 'DISPATCHED') AS BIGINT) AS in_transit, \
    CAST((SELECT COALESCE(SUM(-doses), 0) FROM stock_event WHERE kind = 'ADMINISTERED') AS BIGINT) AS administered, \
    CAST((SELECT COALESCE(SUM(-doses), 0) FROM stock_event WHERE kind = 'WASTED') AS BIGINT) AS wasted, \
    CAST((SELECT COALESCE(SUM(doses), 0) FROM stock_event WHERE kind IN ('RECEIVED', 'ADJUSTED')) AS BIGINT) AS receipts";

async fn snapshot(db: &sea_orm::DatabaseConnection) -> Snapshot {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            SNAPSHOT.to_owned(),
        ))
        .await
        .expect("snapshot")
        .expect("row");
    let get = |c: &str| row.try_get::<i64>("", c).expect(c);
    Snapshot {
        on_hand: get("on_hand"),
        in_transit: get("in_transit"),
        administered: get("administered"),
        wasted: get("wasted"),
        receipts: get("receipts"),
    }
}

const SOURCES: [&str; 4] = ["380", "381", "382", "384"];
const DESTINATIONS: [&str; 6] = ["385", "386", "387", "388", "389", "390"];
const CLIENTS: usize = 8;
const CYCLES: usize = 20;

/// One client's transfer cycles (request, approve, then cancel or dispatch and receive, sometimes short),
/// with administrations and wastage on the source lots between them. Returns refusals it did not expect.
async fn transfer_cycles(
    client: HttpClient,
    tokens: Arc<HashMap<&'static str, String>>,
    lots: Arc<Vec<i64>>,
    snapshots: Arc<AtomicU64>,
    seed: u64,
) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut unexpected = Vec::new();
    let mut run = |answer: Value, what: &str| -> Option<Value> {
        if error_code(&answer).is_empty() && !answer["data"].is_null() {
            Some(answer)
        } else {
            unexpected.push(format!("{what}: {answer}"));
            None
        }
    };
    let health = &tokens["health"];
    for _ in 0..CYCLES {
        let source = rng.random_range(0..SOURCES.len());
        let (lot, to) = (
            lots[source],
            DESTINATIONS[rng.random_range(0..DESTINATIONS.len())],
        );
        let doses = rng.random_range(1..=20);
        let request = json!({ "i": { "lotId": lot, "toDistrictCode": to, "doses": doses } });
        let Some(made) = run(client.gql(health, "mutation($i: RequestTransferInput!) { requestTransfer(input: $i) { transfer { id } } }", request).await, "request") else { continue };
        let id = made["data"]["requestTransfer"]["transfer"]["id"].clone();
        let by_id = json!({ "id": id });
        if run(client.gql(health, "mutation($id: Int!) { approveTransfer(input: { id: $id }) { transfer { id } } }", by_id.clone()).await, "approve").is_none() {
            continue;
        }
        if rng.random_bool(0.15) {
            run(client.gql(health, "mutation($id: Int!) { cancelTransfer(input: { id: $id, reason: \"plan changed\" }) { transfer { id } } }", by_id).await, "cancel");
            continue;
        }
        let source_token = &tokens[SOURCES[source]];
        if run(client.gql(source_token, "mutation($id: Int!) { dispatchTransfer(input: { id: $id }) { transfer { id } } }", by_id).await, "dispatch").is_none() {
            continue;
        }
        // Receive only after a snapshot has begun since the dispatch, so snapshots see doses on the road.
        let seen = snapshots.load(Ordering::SeqCst);
        while snapshots.load(Ordering::SeqCst) < seen + 2 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let received = if rng.random_bool(0.2) {
            doses - rng.random_range(1..=doses)
        } else {
            doses
        };
        let receive = json!({ "id": id, "n": received, "r": "broken in transit" });
        run(client.gql(&tokens[to], "mutation($id: Int!, $n: Int!, $r: String) { receiveTransfer(input: { id: $id, dosesReceived: $n, shortfallReason: $r }) { transfer { id } } }", receive).await, "receive");
        let given =
            json!({ "i": { "lotId": lot, "doseNumber": 1, "doses": rng.random_range(1..=5) } });
        run(client.gql(health, "mutation($i: RecordAdministrationInput!) { recordAdministration(input: $i) { event { id } } }", given).await, "administer");
        if rng.random_bool(0.3) {
            let lost = json!({ "i": { "lotId": lot, "doses": 1, "reason": "vial dropped" } });
            run(client.gql(health, "mutation($i: RecordWastageInput!) { recordWastage(input: $i) { event { id } } }", lost).await, "waste");
        }
    }
    unexpected
}

/// The sum over all lots plus doses in transit, administered and wasted equals receipts (and counted
/// adjustments) at every snapshot taken while transfers run from concurrent clients.
#[tokio::test]
async fn doses_are_conserved_at_every_snapshot_while_transfers_run() {
    let app = TestApp::spawn_with(|c| c.rate_limit_per_minute = 1_000_000).await;
    let mut lots = Vec::new();
    for (k, district) in SOURCES.iter().enumerate() {
        let body = app
            .as_agency(
                "health",
                "mutation($i: ReceiveLotInput!) { receiveLot(input: $i) { lot { id } } }",
                json!({ "i": { "districtCode": district, "vaccineCode": "MODERNA", "lotNumber": format!("CONSERVE-{k}"), "expiresOn": in_days(120), "doses": 5000 } }),
            )
            .await;
        lots.push(
            body["data"]["receiveLot"]["lot"]["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("{body}")),
        );
    }
    let mut tokens = HashMap::from([("health", app.token("health"))]);
    for district in SOURCES.iter().chain(&DESTINATIONS) {
        tokens.insert(
            *district,
            app.issue(&format!("health-{district}"), Role::Editor).await,
        );
    }
    let start = snapshot(&app.state.db).await;
    assert_eq!(start.imbalance(), 0, "{start:?}");

    let server = app.serve().await;
    let client = HttpClient::new(server.addr);
    let (tokens, lots) = (Arc::new(tokens), Arc::new(lots));
    let snapshots = Arc::new(AtomicU64::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            tokio::spawn(transfer_cycles(
                client.clone(),
                tokens.clone(),
                lots.clone(),
                snapshots.clone(),
                0x5eed + c as u64,
            ))
        })
        .collect();
    let (mut taken, mut in_transit, mut imbalanced) = (0_u64, 0_u64, Vec::new());
    while !clients.iter().all(|c| c.is_finished()) {
        snapshots.fetch_add(1, Ordering::SeqCst);
        let s = snapshot(&app.state.db).await;
        taken += 1;
        if s.in_transit > start.in_transit {
            in_transit += 1;
        }
        if s.imbalance() != 0 {
            imbalanced.push(s);
        }
    }
    let mut unexpected = Vec::new();
    for c in clients {
        unexpected.extend(c.await.expect("client"));
    }
    assert!(
        unexpected.is_empty(),
        "{:?}",
        &unexpected[..unexpected.len().min(5)]
    );
    let end = snapshot(&app.state.db).await;
    println!(
        "conservation: {taken} snapshots, {in_transit} with this test's doses in transit, {} imbalanced; end {end:?}",
        imbalanced.len()
    );
    assert!(
        imbalanced.is_empty(),
        "{:?}",
        &imbalanced[..imbalanced.len().min(5)]
    );
    assert_eq!(end.imbalance(), 0);
    assert!(
        in_transit > 0,
        "snapshots were taken while doses were on the road"
    );
    assert!(end.administered > start.administered && end.wasted > start.wasted);
    assert_eq!(app.stock_violations().await, Vec::<String>::new());
}

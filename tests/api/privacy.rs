//! No personal field and no token text in the logs or the database: a run that records, reads, refuses and
//! exports personal data and issues and uses tokens, with the server's own code logging at debug, leaves
//! neither in the captured log, nor anywhere in the database but the screening's own personal columns.

use std::io::Write;
use std::sync::{Arc, Mutex};

use sea_orm::{FromQueryResult, JsonValue, Statement};
use serde_json::json;

use crate::helpers::{Fixture, TestApp, error_code};

/// The log, captured in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const NAME: &str = "Trần Thị Riêngtư";
const ID_NUMBER: &str = "038199077123";
const PHONE: &str = "0987 650 321";
const ADDRESS: &str = "7 Ngõ Kín, phường Bí Mật";
/// Columns that hold personal fields by design (served only to those allowed, every read audited).
const PERSONAL_COLUMNS: [&str; 4] = ["full_name", "id_number", "phone", "destination_address"];

async fn tables(app: &TestApp) -> Vec<String> {
    let db = &app.state.db;
    let sql = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'",
    };
    JsonValue::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
        .all(db)
        .await
        .expect("tables")
        .into_iter()
        .filter_map(|row| row["t"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn personal_fields_and_token_text_stay_out_of_logs_and_storage() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("lienthong=debug,info")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test runs on one thread, so everything the server logs for it goes to this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);

    // Loaded here rather than copied, so that the log holds the demo load and its token issuance too.
    let app = TestApp::fresh_with(Fixture::Demo, |_| {}).await;
    let record = "mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { screening { id fullName } } }";
    let input = json!({
        "checkpointCode": "TH-QL1-BIMSON", "recordedAt": chrono::Utc::now().to_rfc3339(), "direction": "INBOUND",
        "vehiclePlate": "36A-55555", "vehicleKind": "CAR", "peopleCount": 1, "originProvinceCode": "01",
        "fromEpidemicArea": true, "healthDeclared": true, "testKind": "RAPID_ANTIGEN", "testResult": "POSITIVE",
        "decision": "QUARANTINED", "fullName": NAME, "idNumber": ID_NUMBER, "phone": PHONE,
        "destinationAddress": ADDRESS, "destinationDistrictCode": "380"
    });
    let body = app.as_agency("police", record, json!({ "i": input })).await;
    assert_eq!(
        body["data"]["recordScreening"]["screening"]["fullName"], NAME,
        "{body}"
    );
    // A refused record with the same personal data (unknown district) and a refused reader.
    let mut refused = input.clone();
    refused["destinationDistrictCode"] = json!("999");
    let body = app
        .as_agency("police", record, json!({ "i": refused }))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let personal = "query($from: DateTime!) { screenings(first: 50, filter: { checkpointCode: \"TH-QL1-BIMSON\", from: $from }) { nodes { fullName idNumber phone destinationAddress } } }";
    let recent =
        json!({ "from": (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339() });
    for agency in ["health", "police", "transport", "steering"] {
        app.as_agency(agency, personal, recent.clone()).await;
    }
    let (_, body) = app.gql(Some(&app.token("health")), personal, recent).await;
    assert!(
        body.to_string().contains(ID_NUMBER),
        "health reads it: {body}"
    );

    // A token issued over the API, used, then revoked.
    let issue = "mutation { issueToken(input: { agencyCode: \"police\", role: EDITOR, subject: \"privacy-check\" }) { token apiToken { jti } } }";
    let (_, body) = app.gql(Some(&app.token("admin")), issue, json!({})).await;
    let issued = body["data"]["issueToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let jti = body["data"]["issueToken"]["apiToken"]["jti"]
        .as_str()
        .expect("jti")
        .to_owned();
    let (status, _) = app
        .gql(Some(&issued), "{ me { subject } }", json!({}))
        .await;
    assert_eq!(status, 200);
    let revoke =
        "mutation($j: String!) { revokeToken(input: { jti: $j }) { apiToken { revokedAt } } }";
    app.gql(Some(&app.token("admin")), revoke, json!({ "j": jti }))
        .await;
    let (status, _) = app
        .gql(Some(&issued), "{ me { subject } }", json!({}))
        .await;
    assert_eq!(status, 401);
    app.state.token_usage.flush(&app.state.db).await.ok();

    let mut secrets: Vec<(&str, String)> = vec![
        ("full name", NAME.to_owned()),
        ("id number", ID_NUMBER.to_owned()),
        ("phone", PHONE.to_owned()),
        ("address", ADDRESS.to_owned()),
        ("issued token", issued.clone()),
        // The signature alone is enough to recognise a token.
        (
            "issued token signature",
            issued.rsplit('.').next().expect("sig").to_owned(),
        ),
    ];
    for token in app.tokens.values() {
        secrets.push(("demo token", token.clone()));
    }

    let logged = String::from_utf8_lossy(&log.0.lock().expect("log")).into_owned();
    assert!(logged.len() > 1000, "the log was captured: {logged}");
    for (what, text) in &secrets {
        assert!(!logged.contains(text.as_str()), "{what} in the log");
    }

    let db = &app.state.db;
    let mut rows_checked = 0;
    for table in tables(&app).await {
        let sql = format!("SELECT * FROM {table}");
        let rows =
            JsonValue::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
                .all(db)
                .await
                .expect("rows");
        for mut row in rows {
            rows_checked += 1;
            if table == "screening" {
                for column in PERSONAL_COLUMNS {
                    row.as_object_mut().expect("row").remove(column);
                }
            }
            let text = row.to_string();
            for (what, secret) in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{what} stored in {table}: {text}"
                );
            }
        }
    }
    println!(
        "privacy: {} log bytes and {rows_checked} rows searched for {} personal values and tokens: none found",
        logged.len(),
        secrets.len()
    );
}

//! Running it for a province: migrations with discipline, the production set-up from an empty database,
//! `--demo` refusing real data, and the backup and restore drill.

use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::helpers::{SECRET, ServerProcess, TestApp, TestDb, test_config};

/// The real binary on `url` with the test secret.
fn lienthong(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lienthong"))
        .args([
            "--database-url",
            url,
            "--jwt-secret",
            SECRET,
            "--log",
            "warn",
        ])
        .args(args)
        .output()
        .expect("run lienthong")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[tokio::test]
async fn an_out_of_date_schema_is_refused_until_migrate_and_two_migrations_never_overlap() {
    let db = TestDb::create().await;
    // Nothing migrated: commands other than `migrate` refuse, naming what is pending.
    let out = lienthong(&db.url, &["agency", "list"]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains("INVALID_STATE")
            && message.contains("pending migration")
            && message.contains("m20261123_000001_create_province"),
        "{message}"
    );
    let out = lienthong(&db.url, &["serve", "--bind", "127.0.0.1:0"]);
    assert!(!out.status.success(), "serve without --migrate refuses");
    assert!(
        stderr(&out).contains("lienthong migrate"),
        "{}",
        stderr(&out)
    );
    let out = lienthong(&db.url, &["--output", "json", "migrate", "status"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "pending migrations: exit status 2"
    );
    let status = json_of(&out);
    let total = status["migrations"].as_array().expect("migrations").len();
    assert_eq!(status["pending"].as_u64(), Some(total as u64));

    // Two processes migrate at once: the lock makes one wait, and then it finds nothing left to do.
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_lienthong"))
            .args(["--database-url", &db.url, "--jwt-secret", SECRET])
            .args(["--log", "warn", "--output", "json", "migrate"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn migrate")
    };
    let (first, second) = (spawn(), spawn());
    let (first, second) = (
        first.wait_with_output().expect("first"),
        second.wait_with_output().expect("second"),
    );
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(second.status.success(), "{}", stderr(&second));
    let applied = |out: &Output| json_of(out)["applied"].as_array().expect("applied").len();
    let (a, b) = (applied(&first), applied(&second));
    assert_eq!(
        (a + b, a.min(b)),
        (total, 0),
        "one run applied everything, the other nothing"
    );
    let out = lienthong(&db.url, &["--output", "json", "migrate", "status"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["pending"].as_u64(), Some(0));
    assert!(
        lienthong(&db.url, &["migrate"]).status.success(),
        "idempotent"
    );
}

#[tokio::test]
async fn a_province_is_set_up_without_the_demo_and_the_demo_refuses_it() {
    let db = TestDb::create().await;
    let districts = concat!(env!("CARGO_MANIFEST_DIR"), "/data/districts-2021.csv");
    let out = lienthong(&db.url, &["migrate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = lienthong(
        &db.url,
        &["--output", "json", "import", "districts", districts],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_of(&out)["created"], 53, "JSON for scripts");
    let init = [
        "init",
        "--province",
        "38",
        "--agency-code",
        "ubnd-thanh-hoa",
        "--agency-name",
        "Văn phòng UBND tỉnh Thanh Hóa",
        "--subject",
        "quan-tri-vien",
    ];
    let out = lienthong(&db.url, &init);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let token = stdout.lines().last().expect("token line").trim().to_owned();
    assert_eq!(token.split('.').count(), 3, "a JWT alone on the last line");
    // Once only: the token is never printed again.
    let again = lienthong(&db.url, &init);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already set up"),
        "{}",
        stderr(&again)
    );

    // The demo refuses a database it did not load, and says why.
    let demo = lienthong(&db.url, &["serve", "--demo", "--bind", "127.0.0.1:0"]);
    assert!(!demo.status.success());
    assert!(stderr(&demo).contains("demo marker"), "{}", stderr(&demo));
    assert!(
        !String::from_utf8_lossy(&demo.stdout).contains("ADMIN"),
        "no tokens printed"
    );

    // Served without the demo, the ADMIN token works and nothing else was loaded.
    let server = ServerProcess::start(&db.url, &[]);
    let client = crate::helpers::HttpClient::new(server.addr);
    let body = client
        .gql(
            &token,
            "{ me { role agency { code kind } } agencies { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["me"]["role"], "ADMIN", "{body}");
    assert_eq!(body["data"]["me"]["agency"]["code"], "ubnd-thanh-hoa");
    assert_eq!(body["data"]["agencies"]["totalCount"], 1, "{body}");
}

#[tokio::test]
async fn a_demo_database_gets_fresh_demo_tokens_again() {
    // The fixture was loaded by the demo's code, which marks the database as the demo's.
    let app = TestApp::places().await;
    let out = lienthong(&app.db.url, &["seed", "demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Demo tokens"));
}

#[tokio::test]
async fn a_backup_taken_under_write_load_restores_whole() {
    if TestDb::server() != crate::template::Server::Sqlite {
        return; // PostgreSQL is backed up with pg_dump (README); `backup` copies SQLite files
    }
    let app = TestApp::spawn().await;
    const RECEIVE: &str =
        "mutation($input: ReceiveLotInput!) { receiveLot(input: $input) { lot { id } } }";
    let receive = |n: usize| {
        json!({ "input": { "districtCode": "380", "vaccineCode": "MODERNA", "lotNumber": format!("DRILL-{n}"),
            "expiresOn": (chrono::Utc::now().date_naive() + chrono::Duration::days(90)).to_string(), "doses": 100 } })
    };
    for n in 0..5 {
        let body = app.as_agency("health-380", RECEIVE, receive(n)).await;
        assert!(body["errors"].is_null(), "{body}");
    }
    // Writes keep coming while another process copies the file.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (router, token, stop) = (app.router.clone(), app.token("health-380"), stop.clone());
        tokio::spawn(async move {
            use tower::ServiceExt;
            let mut n = 5;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let body = json!({ "query": RECEIVE, "variables": receive(n) }).to_string();
                let request = axum::http::Request::post("/graphql")
                    .header("content-type", "application/json")
                    .header("authorization", format!("Bearer {token}"))
                    .body(axum::body::Body::from(body))
                    .expect("request");
                let _ = router.clone().oneshot(request).await;
                n += 1;
            }
            n
        })
    };
    let copy = std::env::temp_dir().join(format!(
        "lienthong-backup-{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    let out = tokio::task::spawn_blocking({
        let (url, copy) = (app.db.url.clone(), copy.clone());
        move || {
            lienthong(
                &url,
                &[
                    "--output",
                    "json",
                    "backup",
                    "--to",
                    copy.to_str().expect("path"),
                ],
            )
        }
    })
    .await
    .expect("backup");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = writer.await.expect("writer");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(json_of(&out)["bytes"].as_u64() > Some(0));
    // A second backup to the same file is refused rather than overwriting it.
    let url = app.db.url.clone();
    assert!(
        !lienthong(&url, &["backup", "--to", copy.to_str().expect("path")])
            .status
            .success()
    );

    // Restore: the copy becomes a fresh database's file.
    let restored_db = TestDb::create().await;
    let restored_path = restored_db
        .url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .expect("path")
        .to_owned();
    std::fs::copy(&copy, &restored_path).expect("restore");
    let _ = std::fs::remove_file(&copy);
    let out = lienthong(&restored_db.url, &["migrate", "status"]);
    assert_eq!(out.status.code(), Some(0), "restored schema is current");
    let state = lienthong::AppState::build(test_config(&restored_db.url))
        .await
        .expect("restored state");
    let restored = TestApp {
        router: lienthong::build_app(state.clone()),
        state,
        tokens: Default::default(),
        db: restored_db,
    };
    let lots = "SELECT COUNT(*) AS n FROM vaccine_lot WHERE lot_number LIKE 'DRILL-%'";
    let (kept, live) = (restored.scalar(lots).await, app.scalar(lots).await);
    assert!(
        (5..=live).contains(&kept),
        "the copy holds the writes before it: {kept} of {live} ({written} sent)"
    );
    assert_eq!(
        restored.stock_violations().await,
        Vec::<String>::new(),
        "ledger invariant"
    );
    let unaudited = restored
        .scalar(
            "SELECT COUNT(*) AS n FROM vaccine_lot l WHERE l.lot_number LIKE 'DRILL-%' AND NOT EXISTS \
             (SELECT 1 FROM audit_event a WHERE a.action = 'stock.receive' AND a.entity = 'vaccine_lot' \
             AND a.entity_id = CAST(l.id AS VARCHAR(20)))",
        )
        .await;
    assert_eq!(unaudited, 0, "every restored write has its audit row");
    for table in ["district", "agency", "api_token", "checkpoint", "report"] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        assert_eq!(
            restored.scalar(&sql).await,
            app.scalar(&sql).await,
            "{table} rows, untouched by the load, are all there"
        );
    }
}

//! The command line against the same database as a running server.

use std::process::Command;

use serde_json::json;

use crate::helpers::{SECRET, TestApp, TestDb};

fn cli(url: &str, args: &[&str]) -> std::process::Output {
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
        .expect("run cli")
}

#[tokio::test]
async fn malformed_csv_imports_nothing_and_names_the_lines() {
    let db = TestDb::create().await;
    let out = cli(&db.url, &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = std::env::temp_dir().join(format!("lienthong-csv-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "code,name,kind,province_code,province_name\n380,Thành phố Thanh Hóa,thanh_pho,38,Tỉnh Thanh Hóa\n38x,Bad,huyen,38,Tỉnh Thanh Hóa\n382,Sầm Sơn,ward,38,Tỉnh Thanh Hóa\n383,Fine,huyen,38,Tỉnh Thanh Hóa,extra\n").expect("write");
    let out = cli(
        &db.url,
        &["import", "districts", bad.to_str().expect("path")],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in ["BAD_USER_INPUT", "line 3: code", "line 4: kind", "line 5"] {
        assert!(
            stderr.contains(expected),
            "{expected} missing from: {stderr}"
        );
    }
    let out = cli(&db.url, &["agency", "list"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no province holds districts yet"),
        "nothing was imported"
    );

    let good = concat!(env!("CARGO_MANIFEST_DIR"), "/data/districts-2021.csv");
    let out = cli(&db.url, &["import", "districts", good]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("imported 53 districts: 53 created, 0 updated")
    );
    let out = cli(&db.url, &["import", "districts", good]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 created, 53 updated"),
        "re-import updates in place"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn agencies_created_from_the_cli_are_seen_by_the_api() {
    let app = TestApp::places().await;
    let out = cli(
        &app.db.url,
        &[
            "agency",
            "create",
            "--code",
            "transport-399",
            "--name",
            "Phòng Kinh tế Hạ tầng Hoằng Hóa",
            "--kind",
            "transport",
            "--district",
            "399",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body = app
        .as_agency(
            "admin",
            "{ agencies(first: 500) { edges { node { code district { code } } } } }",
            json!({}),
        )
        .await;
    let found = body["data"]["agencies"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .any(|e| e["node"] == json!({ "code": "transport-399", "district": { "code": "399" } }));
    assert!(found, "{body}");
    let out = cli(
        &app.db.url,
        &[
            "agency",
            "create",
            "--code",
            "transport-399",
            "--name",
            "again",
            "--kind",
            "TRANSPORT",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("CONFLICT"));
    let out = cli(&app.db.url, &["token", "list"]);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing.contains("demo-admin") && listing.contains("active"),
        "{listing}"
    );
}

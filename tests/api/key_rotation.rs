//! Signing key rotation with key ids, token rotation, an agency's mass revocation, tokens expiring soon.

use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::helpers::{SECRET, TestApp, error_code, test_config};

const ME: &str = "{ me { subject agency { code } } }";

fn lienthong(url: &str, keyset: Option<&std::path::Path>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lienthong"));
    command.args([
        "--database-url",
        url,
        "--jwt-secret",
        SECRET,
        "--log",
        "warn",
    ]);
    if let Some(keyset) = keyset {
        command.args(["--jwt-keyset-file", keyset.to_str().expect("path")]);
    }
    command.args(args).output().expect("run lienthong")
}

fn ok(out: Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A router over the same database whose keys come from the key set file, as a restarted server's.
async fn restarted(app: &TestApp, keyset: &std::path::Path) -> TestApp {
    let mut config = test_config(&app.db.url);
    config.jwt_keyset_file = Some(keyset.to_owned());
    let state = lienthong::AppState::open(config, app.state.db.clone())
        .await
        .expect("state");
    TestApp {
        router: lienthong::build_app(state.clone()),
        state,
        tokens: Default::default(),
        db: crate::helpers::TestDb::create().await,
    }
}

async fn status_of(app: &TestApp, token: &str) -> u16 {
    app.gql(Some(token), ME, json!({})).await.0.as_u16()
}

#[tokio::test]
async fn a_new_key_signs_the_old_verifies_until_retired() {
    let app = TestApp::places().await;
    let keyset = std::env::temp_dir().join(format!(
        "lienthong-keys-{}.json",
        uuid::Uuid::new_v4().simple()
    ));
    let url = app.db.url.clone();
    let old_token = app.token("police");

    // The set starts from the configured secret (still current), plus a new key that only verifies.
    let added = ok(lienthong(
        &url,
        Some(&keyset),
        &["--output", "json", "key", "add"],
    ));
    let new_kid = added["kid"].as_str().expect("kid").to_owned();
    let listed = ok(lienthong(
        &url,
        Some(&keyset),
        &["--output", "json", "key", "list"],
    ));
    let keys = listed["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 2, "{listed}");
    let old_kid = keys[0]["kid"].as_str().expect("kid").to_owned();
    assert_eq!(keys[0]["state"], "current");
    assert!(
        !listed.to_string().contains("secret"),
        "secrets never listed"
    );
    ok(lienthong(
        &url,
        Some(&keyset),
        &["--output", "json", "key", "use", &new_kid],
    ));

    // After the restart: old tokens still verify; new ones carry the new key id.
    let server = restarted(&app, &keyset).await;
    assert_eq!(status_of(&server, &old_token).await, 200);
    let issued = ok(lienthong(
        &url,
        Some(&keyset),
        &[
            "--output",
            "json",
            "token",
            "issue",
            "--agency",
            "transport",
            "--role",
            "VIEWER",
            "--subject",
            "script",
        ],
    ));
    let new_token = issued["token"].as_str().expect("token").to_owned();
    assert_eq!(status_of(&server, &new_token).await, 200);
    let listed = ok(lienthong(
        &url,
        Some(&keyset),
        &[
            "--output",
            "json",
            "token",
            "list",
            "--agency",
            "transport",
            "--province",
            "38",
        ],
    ));
    assert!(
        listed
            .as_array()
            .expect("tokens")
            .iter()
            .any(|t| t["kid"] == new_kid.as_str()),
        "{listed}"
    );

    // The old key still has live tokens: retiring it is refused unless forced.
    let refused = lienthong(&url, Some(&keyset), &["key", "retire", &old_kid]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unexpired"));
    let current = lienthong(&url, Some(&keyset), &["key", "retire", &new_kid]);
    assert!(
        !current.status.success(),
        "the current key is never retired"
    );
    ok(lienthong(
        &url,
        Some(&keyset),
        &["--output", "json", "key", "retire", &old_kid, "--force"],
    ));
    let server = restarted(&app, &keyset).await;
    let (status, body) = server.gql(Some(&old_token), ME, json!({})).await;
    assert_eq!(
        (status.as_u16(), error_code(&body)),
        (401, "UNAUTHENTICATED")
    );
    assert_eq!(status_of(&server, &new_token).await, 200);
    let _ = std::fs::remove_file(keyset);
}

// Two workers, as a server has: on PostgreSQL the revocation's notification is heard while the test
// waits on the command line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_rotated_revoked_by_agency_and_listed_when_expiring() {
    let app = TestApp::places().await;
    let url = app.db.url.clone();
    let old = app.token("transport");
    let jti = crate::auth::jti_of(&app, &old).await;
    let rotated = ok(lienthong(
        &url,
        None,
        &["--output", "json", "token", "rotate", &jti, "--ttl", "3d"],
    ));
    assert_eq!(rotated["revoked"], jti.as_str());
    let new = rotated["token"].as_str().expect("token").to_owned();
    assert_eq!(status_of(&app, &old).await, 401);
    let (_, body) = app.gql(Some(&new), ME, json!({})).await;
    assert_eq!(
        body["data"]["me"]["subject"], "demo-transport",
        "same subject: {body}"
    );

    // Expiring within a week: the 3-day successor, not the 30-day demo tokens.
    let query = "{ apiTokens(filter: { expiringWithinDays: 7 }) { edges { node { subject agency { code } } } } }";
    let body = app.as_agency("admin", query, json!({})).await;
    let subjects: Vec<&str> = body["data"]["apiTokens"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .filter_map(|e| e["node"]["subject"].as_str())
        .collect();
    assert_eq!(subjects, ["demo-transport"], "{body}");
    let body = app
        .as_agency(
            "admin",
            "{ apiTokens(filter: { expiringWithinDays: -1 }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");

    // Every live token of an agency at once.
    let second = app.issue("police", entity::Role::Viewer).await;
    let out = ok(lienthong(
        &url,
        None,
        &["--output", "json", "token", "revoke", "--agency", "police"],
    ));
    assert_eq!(out["revoked"].as_array().map(Vec::len), Some(2), "{out}");
    for token in [app.token("police"), second] {
        assert_eq!(status_of(&app, &token).await, 401);
    }
    assert_eq!(
        status_of(&app, &app.token("health")).await,
        200,
        "other agencies untouched"
    );
}

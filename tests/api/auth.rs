//! Tokens: every kind of bad token is refused with one uniform UNAUTHENTICATED answer; revocation is
//! immediate, also from the command line; token use is recorded without a write per request.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{Duration, Utc};
use entity::api_token;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use lienthong::auth::Keys;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{Fixture, SECRET, TestApp, error_code, test_config};

const ME: &str = "{ me { subject role agency { code kind } } }";

fn kid() -> String {
    Keys::hs256(SECRET.as_bytes(), &test_config("sqlite::memory:"))
        .expect("keys")
        .kid()
        .to_owned()
}

/// Claims like a real token's, for `jti`, which tests then spoil one way or another.
fn claims(jti: &str) -> Value {
    let now = Utc::now().timestamp();
    json!({ "iss": "lienthong", "aud": "lienthong-api", "sub": "demo-admin", "agency": "admin", "role": "ADMIN",
            "jti": jti, "iat": now, "nbf": now, "exp": now + 3600 })
}

fn sign(claims: &Value, secret: &[u8], kid: Option<String>) -> String {
    let header = Header {
        kid,
        ..Header::new(Algorithm::HS256)
    };
    encode(&header, claims, &EncodingKey::from_secret(secret)).expect("sign")
}

pub(crate) async fn jti_of(app: &TestApp, token: &str) -> String {
    let payload = token.split('.').nth(1).expect("payload");
    let claims: Value = serde_json::from_slice(&B64.decode(payload).expect("b64")).expect("json");
    let jti = claims["jti"].as_str().expect("jti").to_owned();
    assert!(
        api_token::Entity::find()
            .filter(api_token::Column::Jti.eq(jti.as_str()))
            .one(&app.state.db)
            .await
            .expect("q")
            .is_some()
    );
    jti
}

#[tokio::test]
async fn a_valid_token_identifies_the_caller() {
    let app = TestApp::places().await;
    let (status, body) = app.gql(Some(&app.token("health-380")), ME, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["me"],
        json!({ "subject": "demo-health-380", "role": "EDITOR", "agency": { "code": "health-380", "kind": "HEALTH" } })
    );
}

#[tokio::test]
async fn every_bad_token_gets_the_same_unauthenticated_answer() {
    let app = TestApp::places().await;
    let good = app.token("admin");
    let jti = jti_of(&app, &good).await;
    let now = Utc::now().timestamp();
    let with = |key: &str, value: Value| {
        let mut c = claims(&jti);
        c[key] = value;
        sign(&c, SECRET.as_bytes(), Some(kid()))
    };
    let (head, rest) = good.split_once('.').expect("parts");
    let (payload, signature) = rest.split_once('.').expect("parts");
    let mut tampered_claims: Value =
        serde_json::from_slice(&B64.decode(payload).expect("b64")).expect("json");
    tampered_claims["role"] = json!("ADMIN");
    tampered_claims["agency"] = json!("health");
    let tampered = format!(
        "{head}.{}.{signature}",
        B64.encode(tampered_claims.to_string())
    );
    let alg_none = format!(
        "{}.{}.",
        B64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        B64.encode(claims(&jti).to_string())
    );

    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("empty", Some(String::new())),
        ("garbage", Some("not-a-token".into())),
        ("expired", Some(with("exp", json!(now - 3600)))),
        ("not yet valid", Some(with("nbf", json!(now + 3600)))),
        (
            "string exp",
            Some(with("exp", json!((now + 3600).to_string()))),
        ),
        ("wrong issuer", Some(with("iss", json!("someone-else")))),
        ("wrong audience", Some(with("aud", json!("another-api")))),
        (
            "unknown jti",
            Some(sign(&claims("no-such-jti"), SECRET.as_bytes(), Some(kid()))),
        ),
        (
            "wrongly signed",
            Some(sign(
                &claims(&jti),
                b"another-secret-another-secret-0123",
                Some(kid()),
            )),
        ),
        (
            "foreign kid",
            Some(sign(
                &claims(&jti),
                SECRET.as_bytes(),
                Some("elsewhere".into()),
            )),
        ),
        ("no kid", Some(sign(&claims(&jti), SECRET.as_bytes(), None))),
        ("alg none", Some(alg_none)),
        ("tampered", Some(tampered)),
        ("truncated", Some(good[..good.len() - 5].to_owned())),
        ("oversized", Some("a".repeat(5000))),
        (
            "claims disagree with record",
            Some(with("role", json!("VIEWER"))),
        ),
    ];
    let mut bodies = Vec::new();
    for (name, token) in cases {
        let (status, body) = app.gql(token.as_deref(), ME, json!({})).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{name}");
        assert!(body.get("data").is_none(), "{name}");
        bodies.push(body);
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every refusal must look the same"
    );
    // The genuine token still works.
    assert_eq!(app.gql(Some(&good), ME, json!({})).await.0, 200);
}

// Two workers, as a server has: on PostgreSQL the revocation's notification is heard while the test
// waits on the command line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_from_the_cli_takes_effect_on_the_next_request() {
    let app = TestApp::places().await;
    let token = app.token("police");
    let jti = jti_of(&app, &token).await;
    assert_eq!(app.gql(Some(&token), ME, json!({})).await.0, 200);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lienthong"))
        .args([
            "--database-url",
            &app.db.url,
            "--jwt-secret",
            SECRET,
            "--log",
            "warn",
            "token",
            "revoke",
            &jti,
        ])
        .output()
        .expect("run cli");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (status, body) = app.gql(Some(&token), ME, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    // The revocation is audited with the operator as actor.
    assert_eq!(app.audit_count("token.revoke").await, 1);
}

#[tokio::test]
async fn a_token_issued_by_the_cli_works_and_is_printed_alone_on_the_last_line() {
    let app = TestApp::places().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lienthong"))
        .args([
            "--database-url",
            &app.db.url,
            "--jwt-secret",
            SECRET,
            "--log",
            "warn",
        ])
        .args([
            "token",
            "issue",
            "--agency",
            "transport",
            "--role",
            "viewer",
            "--subject",
            "nightly export",
            "--ttl",
            "2h",
        ])
        .output()
        .expect("run cli");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf8");
    let token = stdout.lines().last().expect("a line").trim();
    let (status, body) = app.gql(Some(token), ME, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["me"]["subject"], "nightly export");
    assert_eq!(body["data"]["me"]["role"], "VIEWER");
}

#[tokio::test]
async fn expired_records_are_refused_even_with_a_valid_signature() {
    let app = TestApp::places().await;
    let token = app.token("steering");
    let jti = jti_of(&app, &token).await;
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .filter(api_token::Column::Jti.eq(jti.as_str()))
        .exec(&app.state.db)
        .await
        .expect("expire");
    assert_eq!(app.gql(Some(&token), ME, json!({})).await.0, 401);
}

#[tokio::test]
async fn token_use_is_recorded_without_a_write_per_request() {
    let app = TestApp::places().await;
    let token = app.token("health");
    let jti = jti_of(&app, &token).await;
    let last_used = || async {
        api_token::Entity::find()
            .filter(api_token::Column::Jti.eq(jti.as_str()))
            .one(&app.state.db)
            .await
            .expect("q")
            .expect("row")
            .last_used_at
    };
    for _ in 0..3 {
        assert_eq!(app.gql(Some(&token), ME, json!({})).await.0, 200);
    }
    assert_eq!(last_used().await, None, "requests themselves write nothing");
    assert_eq!(
        app.state
            .token_usage
            .flush(&app.state.db)
            .await
            .expect("flush"),
        1
    );
    let at = last_used().await.expect("recorded");
    assert!(Utc::now() - at < Duration::minutes(1));
}

#[tokio::test]
async fn the_refusal_body_is_a_stable_contract() {
    let app = TestApp::places().await;
    let (_, body) = app.gql(Some("not-a-token"), ME, json!({})).await;
    insta::assert_json_snapshot!("unauthenticated", body);
}

#[tokio::test]
async fn ed25519_key_pairs_sign_and_verify_through_the_api() {
    let fixture = |name: &str| {
        std::path::PathBuf::from(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
    };
    let app = TestApp::fresh_with(Fixture::Places, |c| {
        c.jwt_key_pair = Some((
            fixture("ed25519-test-private.pem"),
            fixture("ed25519-test-public.pem"),
        ));
    })
    .await;
    let token = app.token("border-guard");
    let header: Value = serde_json::from_slice(
        &B64.decode(token.split('.').next().expect("header"))
            .expect("b64"),
    )
    .expect("json");
    assert_eq!(header["alg"], "EdDSA");
    let (status, body) = app.gql(Some(&token), ME, json!({})).await;
    assert_eq!(status, 200, "{body}");
    // An HS256 token made with the old shared secret is no longer accepted.
    let hs = sign(
        &claims(&jti_of(&app, &token).await),
        SECRET.as_bytes(),
        Some(kid()),
    );
    assert_eq!(app.gql(Some(&hs), ME, json!({})).await.0, 401);
}

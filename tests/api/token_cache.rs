//! The verified-token cache never outlives a revocation: a token served from it is refused on the
//! request after its revocation, or its agency's disabling, whether the change came through this
//! server, another server process on the same database, or the command line. A cached token costs
//! no query for itself on PostgreSQL, and the counter read in place of the token query on SQLite.

use lienthong::admin::{agency_status, tokens};
use lienthong::auth::Actor;
use lienthong::state::AppState;
use sea_orm::DatabaseBackend;
use serde_json::json;

use crate::auth::jti_of;
use crate::helpers::{TestApp, error_code, test_config};

const ME: &str = "{ me { subject } }";

/// Uses `token` until it is surely cached; returns the statements its last use cost.
async fn warm(app: &TestApp, token: &str) -> u64 {
    let mut used = 0;
    for _ in 0..3 {
        let before = app.state.statements_executed();
        let (status, body) = app.gql(Some(token), ME, json!({})).await;
        assert_eq!(status, 200, "{body}");
        used = app.state.statements_executed() - before;
    }
    used
}

async fn refused(app: &TestApp, token: &str) -> bool {
    let (status, body) = app.gql(Some(token), ME, json!({})).await;
    status == 401 && error_code(&body) == "UNAUTHENTICATED"
}

/// A second server process on the same database: the same code, a state of its own.
async fn second_instance(app: &TestApp) -> AppState {
    AppState::build(test_config(&app.db.url))
        .await
        .expect("second instance")
}

async fn operator(app: &TestApp) -> Actor {
    let province = lienthong::admin::agencies::by_code(&app.state.db, "health")
        .await
        .expect("agency")
        .province_id;
    Actor::operator(province, "test")
}

#[tokio::test]
async fn a_cached_token_costs_no_query_of_its_own() {
    let app = TestApp::places().await;
    let token = app.issue("police", entity::Role::Viewer).await;
    let before = app.state.statements_executed();
    app.gql(Some(&token), ME, json!({})).await;
    let first = app.state.statements_executed() - before;
    let cached = warm(&app, &token).await;
    match app.state.db.get_database_backend() {
        // The token query is gone.
        DatabaseBackend::Postgres => assert_eq!(cached, first - 1),
        // The counter read takes its place.
        _ => assert_eq!(cached, first),
    }
}

#[tokio::test]
async fn a_cached_token_revoked_through_the_api_is_refused_on_the_next_request() {
    let app = TestApp::places().await;
    let token = app.issue("police", entity::Role::Viewer).await;
    warm(&app, &token).await;
    let jti = jti_of(&app, &token).await;
    let (status, body) = app
        .gql(
            Some(&app.token("admin")),
            "mutation($j: String!) { revokeToken(input: { jti: $j }) { apiToken { active } } }",
            json!({ "j": jti }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(refused(&app, &token).await);
}

#[tokio::test]
async fn a_cached_token_of_a_disabled_agency_is_refused_on_the_next_request() {
    let app = TestApp::places().await;
    let token = app.issue("police", entity::Role::Viewer).await;
    warm(&app, &token).await;
    let (status, body) = app
        .gql(
            Some(&app.token("admin")),
            "mutation { disableAgency(input: { code: \"police\" }) { agency { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(refused(&app, &token).await);
}

/// Another process's revocation: on SQLite the counter the trigger moved is read on the next request;
/// on PostgreSQL the notification reaches this process's listener as the change commits. The runtime
/// has two workers, as a server has, so the listener runs while this test waits on the other process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_by_another_process_reaches_a_cached_token() {
    let app = TestApp::places().await;
    let other = second_instance(&app).await;
    let revoked = app.issue("police", entity::Role::Viewer).await;
    let disabled = app.issue("transport", entity::Role::Viewer).await;
    warm(&app, &revoked).await;
    warm(&app, &disabled).await;

    let jti = jti_of(&app, &revoked).await;
    let operator = operator(&app).await;
    tokens::revoke(&other.ctx(&operator), &jti)
        .await
        .expect("revoke");
    agency_status::disable(&other.ctx(&operator), "transport")
        .await
        .expect("disable");
    assert!(refused(&app, &revoked).await);
    assert!(refused(&app, &disabled).await);
}

/// While the PostgreSQL notification connection is down, notifications are lost: from the moment the
/// listener learns of it until a new connection listens, nothing is served from the cache, so a
/// revocation made meanwhile is still seen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_while_notifications_are_down_is_still_seen() {
    let app = TestApp::places().await;
    if app.state.db.get_database_backend() != DatabaseBackend::Postgres {
        return;
    }
    let token = app.issue("police", entity::Role::Viewer).await;
    let cached = warm(&app, &token).await;
    let other = second_instance(&app).await;
    // Cut this process's listener (and the other's: its notification is lost as well).
    let cut = app
        .scalar(
            "SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
             WHERE query LIKE 'LISTEN%' AND datname = current_database()",
        )
        .await;
    assert!(cut >= 1, "no listener to cut");
    // Once the listener knows its connection is gone, the cache is off: the token is read again.
    let mut off = false;
    for _ in 0..100 {
        let before = app.state.statements_executed();
        app.gql(Some(&token), ME, json!({})).await;
        if app.state.statements_executed() - before > cached {
            off = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(off, "the cache served on while the listener was down");
    let jti = jti_of(&app, &token).await;
    tokens::revoke(&other.ctx(&operator(&app).await), &jti)
        .await
        .expect("revoke");
    assert!(refused(&app, &token).await);
    // Once a new connection listens, the cache serves again.
    let fresh = app.issue("health", entity::Role::Viewer).await;
    let before = app.state.statements_executed();
    app.gql(Some(&fresh), ME, json!({})).await;
    let uncached = app.state.statements_executed() - before;
    let mut serving = false;
    for _ in 0..100 {
        if warm(&app, &fresh).await < uncached {
            serving = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        serving,
        "the cache did not come back after the listener did"
    );
}

//! The README's front-end recipe driven by the real `graphql-ws` npm client (clients/ws) against the
//! server: idle past the ping interval, a dropped socket, reconnect with the last cursor, nothing missed
//! or repeated. Needs Node and `npm ci` in clients/ws; `LIENTHONG_REQUIRE_NODE=1` (set by .ci/run) makes
//! their absence a failure instead of a skip.

use std::time::Duration;

use crate::helpers::TestApp;
use crate::node_clients::node_folder;

#[tokio::test]
async fn the_graphql_ws_client_recipe_misses_nothing_across_a_dropped_socket() {
    let Some(folder) = node_folder("clients/ws", "graphql-ws", None) else {
        return;
    };
    let app = TestApp::spawn_with(|c| {
        c.ws_ping_interval = Duration::from_millis(500);
        c.ws_pong_grace = Duration::from_secs(2);
    })
    .await;
    let server = app.serve().await;
    let output = tokio::process::Command::new("node")
        .arg("recipe.mjs")
        .current_dir(&folder)
        .env("LIENTHONG_ADDR", server.addr.to_string())
        .env("LIENTHONG_HEALTH_TOKEN", app.token("health"))
        .env("LIENTHONG_POLICE_TOKEN", app.token("police"))
        .env("LIENTHONG_IDLE_MS", "3000")
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), output)
        .await
        .expect("the recipe ends within a minute")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("recipe: {stdout}{stderr}");
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(summary["received"].as_array().map(Vec::len), Some(5));
    assert_eq!(summary["received"], summary["raised"]);
}

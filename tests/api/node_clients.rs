//! Clients and checkers from the JavaScript ecosystem, run with Node against the server: the
//! GraphQL-over-HTTP spec's audit (`graphql-http`) and `graphql-schema-linter` over `schema.graphql`.
//! Their packages are pinned in `clients/http/package-lock.json`; `.ci/run` installs them and sets
//! `LIENTHONG_REQUIRE_NODE=1`, so CI never passes by skipping.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::TestApp;

/// The folder of a Node client, ready to run: Node on the PATH, `package` installed there by `npm ci`,
/// and nothing else missing (`also`, a reason of the caller's own). Otherwise `None`, with the reason
/// printed, on a machine that does not set `LIENTHONG_REQUIRE_NODE=1`; a panic on one that does.
pub fn node_folder(folder: &str, package: &str, also: Option<String>) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let node = Command::new("node").arg("--version").output();
    let missing = if node.map(|o| !o.status.success()).unwrap_or(true) {
        Some("node is not installed".to_owned())
    } else if !dir.join("node_modules").join(package).exists() {
        Some(format!("run `npm ci` in {folder}"))
    } else {
        also
    };
    match missing {
        None => Some(dir),
        Some(why) if std::env::var("LIENTHONG_REQUIRE_NODE").is_ok_and(|v| v == "1") => {
            panic!("LIENTHONG_REQUIRE_NODE=1 but {why}")
        }
        Some(why) => {
            eprintln!("skipped: {why} (CI sets LIENTHONG_REQUIRE_NODE=1 and never skips)");
            None
        }
    }
}

/// Runs `node script args...` in `dir`; panics with its output unless it exits 0.
fn run_node(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("node")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run node");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "node {args:?} failed:\n{text}");
    text
}

#[tokio::test]
async fn the_graphql_over_http_audit_passes_without_warnings() {
    let Some(dir) = node_folder("clients/http", "graphql-http", None) else {
        return;
    };
    let app = TestApp::places().await;
    let server = app.serve().await;
    let url = format!("http://{}/graphql", server.addr);
    let token = app.token("health");
    let report = tokio::task::spawn_blocking(move || run_node(&dir, &["audit.mjs", &url, &token]))
        .await
        .expect("audit");
    assert!(
        report.contains("0 warnings") && report.contains("0 errors"),
        "{report}"
    );
    server.stop().await.expect("stops");
}

#[test]
fn the_schema_passes_graphql_schema_linter_default_rules() {
    let Some(dir) = node_folder("clients/http", "graphql-schema-linter", None) else {
        return;
    };
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let linter = dir.join("node_modules/graphql-schema-linter/lib/cli.js");
    let report = run_node(
        &dir,
        &[&linter.to_string_lossy(), &schema.to_string_lossy()],
    );
    assert!(report.contains("0 errors detected"), "{report}");
}

//! GraphiQL at `/` from files inside the binary: the page names only its own files, they are served with
//! their content types and a long cache, and (with Node, `clients/browser` installed and Chromium) a
//! headless browser with every request off this machine refused loads the page, runs a query with a
//! token and finds the docs explorer populated.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lienthong::graphql::graphiql;
use serde_json::Value;

use crate::helpers::TestApp;
use crate::node_clients::node_folder;

pub(crate) async fn get(app: &TestApp, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    app.send(Request::get(path).body(Body::empty()).expect("request"))
        .await
}

pub(crate) fn header_of(headers: &axum::http::HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Every `src="..."` and `href="..."` of the page.
pub(crate) fn links_of(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for (at, _) in page.match_indices(attr) {
            let rest = &page[at + attr.len()..];
            out.push(rest[..rest.find('"').expect("closing quote")].to_owned());
        }
    }
    out
}

#[tokio::test]
async fn the_page_loads_only_files_the_binary_serves() {
    let app = TestApp::places().await;
    let (status, headers, body) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(header_of(&headers, header::CONTENT_TYPE).starts_with("text/html"));
    let policy = header_of(&headers, header::CONTENT_SECURITY_POLICY);
    assert!(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"));
    let page = String::from_utf8(body).expect("utf-8");
    let links = links_of(&page);
    assert_eq!(links.len(), 6, "{links:?}");
    for link in links.iter().filter(|l| *l != "data:,") {
        assert!(link.starts_with(&graphiql::asset_base()), "{link}");
        let (status, headers, body) = get(&app, link).await;
        assert_eq!(status, StatusCode::OK, "{link}");
        let expected = if link.ends_with(".css") {
            "text/css"
        } else {
            "text/javascript"
        };
        assert!(
            header_of(&headers, header::CONTENT_TYPE).starts_with(expected),
            "{link}"
        );
        assert_eq!(
            header_of(&headers, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert!(body.len() > 500, "{link}");
    }
    // Another build's key, or a file that is not there: not found, and not cached.
    for path in [
        "/graphiql/0000000000000000/graphiql.min.js".to_owned(),
        format!("{}/index.js", graphiql::asset_base()),
    ] {
        let (status, headers, _) = get(&app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(header_of(&headers, header::CACHE_CONTROL), "no-store");
    }
}

#[test]
fn the_embedded_graphiql_is_the_one_the_lock_pins() {
    let lock: Value = serde_json::from_str(include_str!("../../assets/graphiql/package-lock.json"))
        .expect("lock");
    let pinned = lock["packages"]["node_modules/graphiql"]["version"]
        .as_str()
        .expect("graphiql in the lock");
    assert_eq!(graphiql::VERSION, pinned, "run assets/graphiql/update.sh");
}

/// The folder of the browser clients and the Chromium to drive, or `None` when the check is skipped
/// (Node, `npm ci` or Chromium missing, and `LIENTHONG_REQUIRE_NODE` unset).
pub(crate) fn browser() -> Option<(std::path::PathBuf, String)> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let no_chromium = (!Path::new(&chromium).exists())
        .then(|| format!("{chromium} is missing (apt-get install chromium)"));
    let clients = node_folder("clients/browser", "playwright-core", no_chromium)?;
    Some((clients, chromium))
}

/// Runs `node <script> <args>` in the browser clients' folder with `chromium`, within `limit`; the one
/// JSON line it prints, after checking it ran cleanly and that the page fetched nothing from elsewhere.
pub(crate) async fn run_browser_check(
    (clients, chromium): &(std::path::PathBuf, String),
    script: &str,
    args: &[String],
    limit: Duration,
) -> Value {
    let run = tokio::process::Command::new("node")
        .current_dir(clients)
        .arg(script)
        .args(args)
        .env("CHROMIUM", chromium)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(limit, run)
        .await
        .unwrap_or_else(|_| panic!("{script} ends within {limit:?}"))
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    eprintln!("the browser saw: {seen}");
    assert_eq!(seen["blocked"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["problems"], serde_json::json!([]), "{seen}");
    seen
}

#[tokio::test]
async fn graphiql_works_in_a_browser_without_the_internet() {
    let Some(browser) = browser() else {
        return;
    };
    let app = TestApp::places().await;
    let server = app.serve().await;
    let args = [format!("http://{}", server.addr), app.token("health")];
    let seen = run_browser_check(&browser, "graphiql.mjs", &args, Duration::from_secs(240)).await;
    let districts = seen["districts"].as_array().expect("districts");
    assert_eq!(districts.len(), 3, "{seen}");
    assert!(
        districts
            .iter()
            .all(|d| d["code"].is_string() && d["name"].is_string())
    );
    assert_eq!(seen["queryType"], "QueryRoot");
    let fields: Vec<&str> = seen["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for field in ["districts", "checkpoints", "me"] {
        assert!(
            fields.contains(&field),
            "{field} not in the docs: {fields:?}"
        );
    }
    assert_eq!(seen["ws"], "connection_ack");
    server.stop().await.expect("stops");
}

//! GraphiQL at `/`, from files built into the binary (`assets/graphiql`, pinned by its
//! package-lock.json): no CDN, so the page works on a network without internet access. The page sends
//! queries and mutations to `/graphql` and subscriptions to `/graphql/ws`; the token goes in GraphiQL's
//! headers editor. The asset URLs carry a hash of the files, so browsers may keep them for a year and a
//! new build is never served a stale copy.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

/// The GraphiQL release served (`assets/graphiql/package.json`).
pub const VERSION: &str = include_str!("../../assets/graphiql/dist/VERSION").trim_ascii();

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// An asset built into the binary from `assets/graphiql/<folder><name>`.
macro_rules! asset {
    ($folder:literal, $name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_bytes!(concat!("../../assets/graphiql/", $folder, $name)),
        }
    };
}

/// The files under `/graphiql/<key>/`: the vendored builds (`dist/`, written by `update.sh`) and the
/// page's own start-up script.
const ASSETS: [Asset; 5] = [
    asset!("dist/", "graphiql.min.js", JS),
    asset!("dist/", "graphiql.min.css", CSS),
    asset!("dist/", "react.production.min.js", JS),
    asset!("dist/", "react-dom.production.min.js", JS),
    asset!("", "start.js", JS),
];

/// The page may load and connect to this server only: a file that tried to reach elsewhere would be
/// refused by the browser, not silently need the internet.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The first 16 hex digits of the SHA-256 of every asset: the path segment that changes with them.
static KEY: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    for asset in &ASSETS {
        hasher.update(asset.name.as_bytes());
        hasher.update(asset.body);
    }
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
});

static PAGE: LazyLock<String> = LazyLock::new(|| {
    include_str!("../../assets/graphiql/index.html").replace("{assets}", &asset_base())
});

/// Where the page finds its files: `/graphiql/<key>`.
pub fn asset_base() -> String {
    format!("/graphiql/{}", *KEY)
}

/// The page at `/` and its files under `/graphiql/`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(page))
        .route("/graphiql/{key}/{file}", get(asset))
}

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, PAGE_POLICY),
        ],
        PAGE.as_str(),
    )
        .into_response()
}

async fn asset(Path((key, file)): Path<(String, String)>) -> Response {
    let found = ASSETS.iter().find(|a| a.name == file);
    match found {
        Some(asset) if key == *KEY => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            asset.body,
        )
            .into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, "no-store")],
            "no such GraphiQL file in this build",
        )
            .into_response(),
    }
}

//! The situation board at `/board`: a page for the steering committee and the Department of Health
//! (and the reference front-end for partner agencies), from files built into the binary
//! (`assets/board`). Plain ES modules, hand-written SVG and CSS: nothing to build, no CDN, so
//! `serve --demo` shows it on a network without internet access. The page talks to the public API only
//! (`/graphql`, `/graphql/ws`) with the viewer's own token; this module adds no endpoint beyond the
//! static files.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;

use super::embedded::{self, Asset, CSS, JS, asset};

/// The board's files under `/board/<key>/`. Modules import each other by relative path, so they stay
/// under the same key.
const ASSETS: [Asset; 13] = [
    asset!("board/", "board.css", CSS),
    asset!("board/", "main.js", JS),
    asset!("board/", "api.js", JS),
    asset!("board/", "live.js", JS),
    asset!("board/", "i18n.js", JS),
    asset!("board/", "format.js", JS),
    asset!("board/", "svg.js", JS),
    asset!("board/", "centroids.js", JS),
    asset!("board/", "map.js", JS),
    asset!("board/", "alerts.js", JS),
    asset!("board/", "reporting.js", JS),
    asset!("board/", "vaccines.js", JS),
    asset!("board/", "quarantine.js", JS),
];

/// Scripts and styles from this server only, no inline script or style, connections to this server
/// only (the API and its socket), and no framing.
pub const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// This build's key for the files (see [`embedded::key_of`]).
static KEY: LazyLock<String> = LazyLock::new(|| embedded::key_of(&ASSETS));

static PAGE: LazyLock<String> = LazyLock::new(|| {
    include_str!("../../assets/board/index.html").replace("{assets}", &asset_base())
});

/// Where the page finds its files: `/board/<key>`.
pub fn asset_base() -> String {
    format!("/board/{}", *KEY)
}

/// The names of the files served under [`asset_base`].
pub fn asset_names() -> Vec<&'static str> {
    ASSETS.iter().map(|a| a.name).collect()
}

/// The page at `/board` and its files under `/board/<key>/`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/board", get(page))
        .route("/board/", get(page))
        .route("/board/{key}/{file}", get(file))
}

async fn page() -> Response {
    embedded::page(&PAGE, PAGE_POLICY)
}

async fn file(Path((key, name)): Path<(String, String)>) -> Response {
    embedded::file(
        &ASSETS,
        &KEY,
        &key,
        &name,
        "no such board file in this build",
    )
}

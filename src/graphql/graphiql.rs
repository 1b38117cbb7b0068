//! GraphiQL at `/`, from files built into the binary (`assets/graphiql`, pinned by its
//! package-lock.json): no CDN, so the page works on a network without internet access. The page sends
//! queries and mutations to `/graphql` and subscriptions to `/graphql/ws`; the token goes in GraphiQL's
//! headers editor. The asset URLs carry a hash of the files, so browsers may keep them for a year and a
//! new build is never served a stale copy.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;

use super::embedded::{self, Asset, CSS, JS, asset};

/// The GraphiQL release served (`assets/graphiql/package.json`).
pub const VERSION: &str = include_str!("../../assets/graphiql/dist/VERSION").trim_ascii();

/// The files under `/graphiql/<key>/`: the vendored builds (`dist/`, written by `update.sh`) and the
/// page's own start-up script.
const ASSETS: [Asset; 5] = [
    asset!("graphiql/dist/", "graphiql.min.js", JS),
    asset!("graphiql/dist/", "graphiql.min.css", CSS),
    asset!("graphiql/dist/", "react.production.min.js", JS),
    asset!("graphiql/dist/", "react-dom.production.min.js", JS),
    asset!("graphiql/", "start.js", JS),
];

/// The page may load and connect to this server only: a file that tried to reach elsewhere would be
/// refused by the browser, not silently need the internet.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// This build's key for the files (see [`embedded::key_of`]).
static KEY: LazyLock<String> = LazyLock::new(|| embedded::key_of(&ASSETS));

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
    embedded::page(&PAGE, PAGE_POLICY)
}

async fn asset(Path((key, file)): Path<(String, String)>) -> Response {
    embedded::file(
        &ASSETS,
        &KEY,
        &key,
        &file,
        "no such GraphiQL file in this build",
    )
}

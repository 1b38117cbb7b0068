//! Pages whose files are built into the binary (GraphiQL at `/`, the situation board at `/board`): the
//! files are served under a path segment that hashes them all, so browsers may keep them for a year and
//! a new build is never served a stale copy; the page itself is never cached and carries its
//! Content-Security-Policy and a refusal to be framed.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One embedded file.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

pub const JS: &str = "text/javascript; charset=utf-8";
pub const CSS: &str = "text/css; charset=utf-8";

/// An asset built into the binary from `assets/<folder><name>`.
macro_rules! asset {
    ($folder:literal, $name:literal, $content_type:expr) => {
        $crate::graphql::embedded::Asset {
            name: $name,
            content_type: $content_type,
            body: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/",
                $folder,
                $name
            )),
        }
    };
}
pub(crate) use asset;

/// The first 16 hex digits of the SHA-256 of every asset (names and bodies): the path segment that
/// changes with them.
pub fn key_of(assets: &[Asset]) -> String {
    let mut hasher = Sha256::new();
    for asset in assets {
        hasher.update(asset.name.as_bytes());
        hasher.update(asset.body);
    }
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The page: HTML, never cached, with its policy; no site may frame it.
pub fn page(html: &str, policy: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, policy),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html.to_owned(),
    )
        .into_response()
}

/// `file` of `assets` when `key` is this build's; otherwise 404, not cached, saying `missing`.
pub fn file(
    assets: &[Asset],
    build_key: &str,
    key: &str,
    file: &str,
    missing: &'static str,
) -> Response {
    match assets.iter().find(|a| a.name == file) {
        Some(asset) if key == build_key => (
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
            missing,
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_changes_with_a_file() {
        let a = [Asset {
            name: "a.js",
            content_type: JS,
            body: b"1",
        }];
        let b = [Asset {
            name: "a.js",
            content_type: JS,
            body: b"2",
        }];
        assert_eq!(key_of(&a).len(), 16);
        assert_ne!(key_of(&a), key_of(&b));
    }
}

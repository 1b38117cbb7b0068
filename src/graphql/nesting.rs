//! A bound on bracket nesting, checked on the query text before it is parsed: the parser recurses once
//! per level, so a document of a few thousand nested `[` or `{` would overflow a worker's stack before any
//! depth limit (which needs the parsed document) could refuse it.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Pos, ServerResult};

use crate::error::AppError;

/// Deepest nesting of `{`, `[` and `(` accepted. The selection depth limit (12) plus arguments holding
/// nested input objects and lists stays far below it.
pub const MAX_NESTING: usize = 64;

/// Refuses text nested deeper than [`MAX_NESTING`]; brackets inside strings and comments do not count.
pub fn check(query: &str) -> Result<(), AppError> {
    let deepest = deepest_nesting(query);
    if deepest > MAX_NESTING {
        return Err(AppError::bad_input(
            "query",
            format!("brackets nested {deepest} deep; at most {MAX_NESTING}"),
        ));
    }
    Ok(())
}

fn deepest_nesting(query: &str) -> usize {
    let bytes = query.as_bytes();
    let (mut depth, mut deepest, mut i) = (0_usize, 0_usize, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// Applies [`check`] to every request the schema runs, whatever its transport (the HTTP handler checks
/// before its own parse as well).
pub struct NestingLimit;

impl ExtensionFactory for NestingLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(NestingLimit)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for NestingLimit {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        check(&request.query)
            .map_err(|err| async_graphql::Error::from(err).into_server_error(Pos::default()))?;
        next.run(ctx, request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_kind_of_bracket() {
        assert_eq!(deepest_nesting("{ a(x: [[1]]) { b } }"), 4);
        assert_eq!(deepest_nesting("{ a { b { c } } }"), 3);
        assert_eq!(deepest_nesting(""), 0);
    }

    #[test]
    fn ignores_strings_block_strings_and_comments() {
        assert_eq!(deepest_nesting(r#"{ a(s: "[[[\"{{{") }"#), 2);
        assert_eq!(
            deepest_nesting("{ a(s: \"\"\"[[[ \\\"\"\" {{{ \"\"\") }"),
            2
        );
        assert_eq!(deepest_nesting("# [[[[[[\n{ a }"), 1);
    }

    #[test]
    fn refuses_deep_text_with_its_depth() {
        let deep = format!("{{ a(x: {}1{}) }}", "[".repeat(5_000), "]".repeat(5_000));
        let err = check(&deep).expect_err("refused");
        assert_eq!(err.code(), "BAD_USER_INPUT");
        assert!(err.to_string().contains("5002 deep"), "{err}");
        let fine = format!("{{ a(x: {}1{}) }}", "[".repeat(60), "]".repeat(60));
        assert!(check(&fine).is_ok());
    }

    #[test]
    fn unclosed_strings_and_stray_closers_do_not_panic() {
        for text in ["\"", "\"\"\"", "\"\\", "}}}]]", "{\"\"\"\\", "#"] {
            let _ = check(text);
        }
    }
}

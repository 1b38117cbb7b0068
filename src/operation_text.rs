//! The text of a GraphQL operation, before anything runs it: its SHA-256 (the key of the allow-list and
//! of `extensions.persistedQuery`), a bound on bracket nesting, and whether it is a document at all. Both
//! the GraphQL edge (which checks what callers send) and the allow-list service (which checks what it
//! stores) use these, so neither reaches into the other.

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Longest operation text accepted (the request body limit).
pub const MAX_QUERY_BYTES: usize = 64 * 1024;

/// Deepest nesting of `{`, `[` and `(` accepted. The selection depth limit (12) plus arguments holding
/// nested input objects and lists stays far below it.
pub const MAX_NESTING: usize = 64;

/// Lower-case hex SHA-256 of an operation's text, as Apollo-style clients compute it.
pub fn hash_of(query: &str) -> String {
    Sha256::digest(query.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Refuses text nested deeper than [`MAX_NESTING`]; brackets inside strings and comments do not count.
/// Checked before parsing: the parser recurses once per level, so a document of a few thousand nested
/// `[` or `{` would overflow a worker's stack before any depth limit (which needs the parsed document)
/// could refuse it.
pub fn check_nesting(query: &str) -> AppResult<()> {
    let deepest = deepest_nesting(query);
    if deepest > MAX_NESTING {
        return Err(AppError::bad_input(
            "query",
            format!("brackets nested {deepest} deep; at most {MAX_NESTING}"),
        ));
    }
    Ok(())
}

/// A document worth keeping: within the size limit and the nesting bound, and parsed without error.
pub fn check_document(query: &str) -> AppResult<()> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(AppError::bad_input("query", "at most 64 KiB"));
    }
    check_nesting(query)?;
    async_graphql::parser::parse_query(query)
        .map(|_| ())
        .map_err(|err| AppError::bad_input("query", format!("not a GraphQL document: {err}")))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_lower_case_hex_sha256() {
        // The SHA-256 of "{ me { subject } }", as `printf '%s' '{ me { subject } }' | sha256sum` gives it.
        assert_eq!(
            hash_of("{ me { subject } }"),
            "b8eeea3b98b0b13934bccae8569acc5c768476120d27e672754bca6b66585765"
        );
        assert_ne!(
            hash_of("{ me { subject } }"),
            hash_of("{ me { subject role } }")
        );
    }

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
        let err = check_nesting(&deep).expect_err("refused");
        assert_eq!(err.code(), "BAD_USER_INPUT");
        assert!(err.to_string().contains("5002 deep"), "{err}");
        let fine = format!("{{ a(x: {}1{}) }}", "[".repeat(60), "]".repeat(60));
        assert!(check_nesting(&fine).is_ok());
    }

    #[test]
    fn unclosed_strings_and_stray_closers_do_not_panic() {
        for text in ["\"", "\"\"\"", "\"\\", "}}}]]", "{\"\"\"\\", "#"] {
            let _ = check_nesting(text);
        }
    }

    #[test]
    fn documents_must_parse() {
        assert!(check_document("{ me { subject } }").is_ok());
        let err = check_document("{ me { subject }").err();
        assert_eq!(err.map(|e| e.code()), Some("BAD_USER_INPUT"));
    }
}

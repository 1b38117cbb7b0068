//! Documents seen before, by their text: the parse, and the requests that already passed validation.
//! Clients send the same few operations again and again. Parsing (a PEG parser) took about 5 % of the
//! server's CPU for a one-district read and validation about 6 % (`perf`, 2026-12-03). Validation is a
//! pure function of the schema, the document, the operation name and the variables, so a request equal
//! in all of them to one that passed runs with the library's fast validation, which still checks
//! fragment cycles, complexity and depth ([`Prepared::validated`]). Bounded in entries, in text length
//! and in remembered variants, so a client sending ever-new documents costs at most the bound; a
//! document that does not parse is never kept.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use async_graphql::Request;
use async_graphql::parser::types::ExecutableDocument;

/// Documents kept at most; past it, one is dropped for each new one.
const MAX_ENTRIES: usize = 256;
/// Longer documents are parsed each time: they are rare, and each would hold more memory.
const MAX_TEXT_BYTES: usize = 8 * 1024;
/// Validated (operation, variables) variants remembered per document; past it, none is added.
const MAX_VARIANTS: usize = 16;
/// Requests with longer variables (imports, say) are validated each time.
const MAX_VARIANT_BYTES: usize = 1024;

struct Entry {
    doc: ExecutableDocument,
    /// Operation name and variables (as JSON) of requests on this document that passed validation.
    validated: RwLock<Vec<String>>,
}

#[derive(Default)]
pub struct Documents {
    entries: RwLock<HashMap<Arc<str>, Arc<Entry>>>,
}

/// What [`Documents::fill`] learnt of a request.
pub struct Prepared {
    entry: Option<Arc<Entry>>,
    variant: Option<String>,
    /// The same document, operation and variables passed validation before.
    pub validated: bool,
}

impl Documents {
    /// Gives `request` its parsed document from the cache when its text was parsed before, and keeps
    /// the document of a text seen for the first time. A text that does not parse is left to
    /// `Request::parsed_query`, which reports the error. Call after the request's text, operation
    /// name and variables are final.
    pub fn fill(&self, request: &mut Request) -> Prepared {
        let mut prepared = Prepared {
            entry: None,
            variant: None,
            validated: false,
        };
        if request.query.len() > MAX_TEXT_BYTES {
            return prepared;
        }
        let cached = self
            .entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(request.query.as_str())
            .cloned();
        let entry = match cached {
            Some(entry) => {
                request.set_parsed_query(entry.doc.clone());
                entry
            }
            None => {
                let Ok(doc) = request.parsed_query() else {
                    return prepared;
                };
                let entry = Arc::new(Entry {
                    doc: doc.clone(),
                    validated: RwLock::default(),
                });
                let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
                if entries.len() >= MAX_ENTRIES
                    && let Some(evicted) = entries.keys().next().cloned()
                {
                    entries.remove(&evicted);
                }
                entries.insert(Arc::from(request.query.as_str()), entry.clone());
                entry
            }
        };
        prepared.variant = variant_of(request);
        prepared.validated = prepared.variant.as_ref().is_some_and(|variant| {
            entry
                .validated
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(variant)
        });
        prepared.entry = Some(entry);
        prepared
    }

    /// Remembers that the request `prepared` describes passed validation (it ran without errors).
    pub fn passed(&self, prepared: Prepared) {
        let (Some(entry), Some(variant)) = (prepared.entry, prepared.variant) else {
            return;
        };
        if prepared.validated {
            return;
        }
        let mut validated = entry
            .validated
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if validated.len() < MAX_VARIANTS && !validated.contains(&variant) {
            validated.push(variant);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// The operation name and variables of a request as one key; `None` when too long to remember.
fn variant_of(request: &Request) -> Option<String> {
    let variables = serde_json::to_string(&request.variables).ok()?;
    let name = request.operation_name.as_deref().unwrap_or("");
    (variables.len() + name.len() <= MAX_VARIANT_BYTES).then(|| format!("{name}\n{variables}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(cache: &Documents, text: &str) -> Request {
        let mut request = Request::new(text);
        cache.fill(&mut request);
        request
    }

    #[test]
    fn a_text_seen_again_gets_the_same_document_from_the_cache() {
        let cache = Documents::default();
        let text = "query One($c: String!) { district(code: $c) { code name ...F } } fragment F on District { population }";
        let mut first = parsed(&cache, text);
        let mut second = parsed(&cache, text);
        assert_eq!(cache.len(), 1);
        let fresh = async_graphql::parser::parse_query(text).unwrap();
        assert_eq!(
            format!("{:?}", first.parsed_query().unwrap()),
            format!("{fresh:?}")
        );
        assert_eq!(
            format!("{:?}", second.parsed_query().unwrap()),
            format!("{fresh:?}")
        );
    }

    #[test]
    fn a_text_that_does_not_parse_is_not_kept_and_still_fails() {
        let cache = Documents::default();
        let mut request = parsed(&cache, "query { district(code: ");
        assert_eq!(cache.len(), 0);
        assert!(request.parsed_query().is_err());
    }

    #[test]
    fn long_texts_are_not_kept() {
        let cache = Documents::default();
        let text = format!("{{ {} }}", "__typename ".repeat(MAX_TEXT_BYTES / 10));
        let mut request = parsed(&cache, &text);
        assert_eq!(cache.len(), 0);
        assert!(request.parsed_query().is_ok());
    }

    #[test]
    fn the_cache_never_holds_more_than_its_bound() {
        let cache = Documents::default();
        for i in 0..MAX_ENTRIES + 50 {
            parsed(&cache, &format!("query Q{i} {{ __typename }}"));
        }
        assert_eq!(cache.len(), MAX_ENTRIES);
        let mut last = parsed(
            &cache,
            &format!("query Q{} {{ __typename }}", MAX_ENTRIES + 49),
        );
        assert!(last.parsed_query().is_ok());
    }

    fn request(text: &str, operation: Option<&str>, variables: serde_json::Value) -> Request {
        let mut request =
            Request::new(text).variables(async_graphql::Variables::from_json(variables));
        request.operation_name = operation.map(str::to_owned);
        request
    }

    #[test]
    fn a_request_is_validated_again_until_an_equal_one_passed() {
        let cache = Documents::default();
        let text = "query A($c: String!) { district(code: $c) { code } } query B { __typename }";
        let vars = serde_json::json!({"c": "380"});
        let first = cache.fill(&mut request(text, Some("A"), vars.clone()));
        assert!(!first.validated);
        // Not yet marked as passed: still validated.
        assert!(
            !cache
                .fill(&mut request(text, Some("A"), vars.clone()))
                .validated
        );
        cache.passed(first);
        assert!(
            cache
                .fill(&mut request(text, Some("A"), vars.clone()))
                .validated
        );
        // Any other operation or variables is a request of its own.
        assert!(
            !cache
                .fill(&mut request(text, Some("B"), vars.clone()))
                .validated
        );
        assert!(
            !cache
                .fill(&mut request(
                    text,
                    Some("A"),
                    serde_json::json!({"c": "381"})
                ))
                .validated
        );
        assert!(
            !cache
                .fill(&mut request(text, Some("A"), serde_json::json!({"c": 380})))
                .validated
        );
        assert!(!cache.fill(&mut request(text, None, vars)).validated);
    }

    #[test]
    fn variants_are_bounded_per_document_and_long_variables_never_kept() {
        let cache = Documents::default();
        let text = "query A($c: String!) { district(code: $c) { code } }";
        for i in 0..MAX_VARIANTS + 5 {
            let prepared = cache.fill(&mut request(
                text,
                None,
                serde_json::json!({"c": i.to_string()}),
            ));
            cache.passed(prepared);
        }
        let kept = (0..MAX_VARIANTS + 5)
            .filter(|i| {
                cache
                    .fill(&mut request(
                        text,
                        None,
                        serde_json::json!({"c": i.to_string()}),
                    ))
                    .validated
            })
            .count();
        assert_eq!(kept, MAX_VARIANTS);
        let long = serde_json::json!({"c": "x".repeat(MAX_VARIANT_BYTES)});
        cache.passed(cache.fill(&mut request(text, None, long.clone())));
        assert!(!cache.fill(&mut request(text, None, long)).validated);
    }
}

//! Parsed documents by their text. Clients send the same few operations again and again, and parsing
//! (a PEG parser) took about 5 % of the server's CPU for a one-district read (`perf`, 2026-12-03).
//! Bounded in entries and in text length, so a client sending ever-new documents costs at most the
//! bound; a document that does not parse is never kept.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use async_graphql::Request;
use async_graphql::parser::types::ExecutableDocument;

/// Documents kept at most; past it, one is dropped for each new one.
const MAX_ENTRIES: usize = 256;
/// Longer documents are parsed each time: they are rare, and each would hold more memory.
const MAX_TEXT_BYTES: usize = 8 * 1024;

#[derive(Default)]
pub struct ParseCache {
    entries: RwLock<HashMap<Arc<str>, ExecutableDocument>>,
}

impl ParseCache {
    /// Gives `request` its parsed document from the cache when its text was parsed before, and keeps
    /// the document of a text seen for the first time. A text that does not parse is left to
    /// `Request::parsed_query`, which reports the error.
    pub fn fill(&self, request: &mut Request) {
        if request.query.len() > MAX_TEXT_BYTES {
            return;
        }
        let cached = self
            .entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(request.query.as_str())
            .cloned();
        if let Some(doc) = cached {
            request.set_parsed_query(doc);
            return;
        }
        let Ok(doc) = request.parsed_query() else {
            return;
        };
        let doc = doc.clone();
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES
            && let Some(evicted) = entries.keys().next().cloned()
        {
            entries.remove(&evicted);
        }
        entries.insert(Arc::from(request.query.as_str()), doc);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(cache: &ParseCache, text: &str) -> Request {
        let mut request = Request::new(text);
        cache.fill(&mut request);
        request
    }

    #[test]
    fn a_text_seen_again_gets_the_same_document_from_the_cache() {
        let cache = ParseCache::default();
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
        let cache = ParseCache::default();
        let mut request = parsed(&cache, "query { district(code: ");
        assert_eq!(cache.len(), 0);
        assert!(request.parsed_query().is_err());
    }

    #[test]
    fn long_texts_are_not_kept() {
        let cache = ParseCache::default();
        let text = format!("{{ {} }}", "__typename ".repeat(MAX_TEXT_BYTES / 10));
        let mut request = parsed(&cache, &text);
        assert_eq!(cache.len(), 0);
        assert!(request.parsed_query().is_ok());
    }

    #[test]
    fn the_cache_never_holds_more_than_its_bound() {
        let cache = ParseCache::default();
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
}

//! The connection type every list returns: the Relay shape (`edges`, `pageInfo`), the nodes without
//! their edges, and the total count. Ours rather than the library's so that every `*Connection` type
//! carries a description in the schema. Cursors are sealed only when `edges` or `pageInfo` asks
//! for them: a client reading `nodes` alone pays no MAC per row.

use std::borrow::Cow;

use async_graphql::connection::{Edge, EmptyFields, PageInfo};
use async_graphql::{Object, OutputType, TypeName};

use super::cursor::CursorSeal;
use crate::keyset::Position;

/// One page of a list, in the order the list states: edges with their cursors, the nodes alone, where
/// the page stands, and how many rows the whole list holds (when asked).
pub struct ListConnection<N: OutputType> {
    /// The page's nodes, each with its place in the list.
    pub items: Vec<(Position, N)>,
    /// Seals the places into cursors.
    pub seal: CursorSeal,
    pub has_previous: bool,
    pub has_next: bool,
    pub total_count: Option<u64>,
}

impl<N: OutputType> TypeName for ListConnection<N> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Connection", N::type_name()).into()
    }
}

/// One page of a list: its edges (each node with the cursor to continue after it), its nodes alone,
/// where the page stands (`pageInfo`), and how many rows match the list's filter in the caller's scope
/// (`totalCount`). Continue with `after: pageInfo.endCursor` while `pageInfo.hasNextPage` is true;
/// every row comes exactly once, in the list's order.
#[Object(name_type)]
impl<N: OutputType> ListConnection<N> {
    /// A list of edges.
    async fn edges(&self) -> Vec<Edge<String, &N, EmptyFields>> {
        self.items
            .iter()
            .map(|(position, node)| Edge::new(self.seal.encode(*position), node))
            .collect()
    }

    /// A list of nodes.
    async fn nodes(&self) -> Vec<&N> {
        self.items.iter().map(|(_, node)| node).collect()
    }

    /// Information to aid in pagination.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous,
            has_next_page: self.has_next,
            start_cursor: self.items.first().map(|(at, _)| self.seal.encode(*at)),
            end_cursor: self.items.last().map(|(at, _)| self.seal.encode(*at)),
        }
    }

    /// Number of rows matching the filter in the caller's scope; computed only when asked for.
    async fn total_count(&self) -> Option<u64> {
        self.total_count
    }
}

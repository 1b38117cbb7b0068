//! Relay connections over the service layer's keyset pages: opaque cursors in (`cursor`), `Connection`
//! out.

use async_graphql::{Context, OutputType};

use super::connection_type::ListConnection;
use super::cursor::CursorSeal;
use crate::error::{AppError, AppResult};
use crate::keyset::{Page, PageRequest};

pub type Conn<N> = ListConnection<N>;

/// The paging arguments of one connection field: the page asked for, and the seal of its cursors.
pub struct Paging {
    pub request: PageRequest,
    seal: CursorSeal,
}

impl Paging {
    /// Reads `first` and `after` (checked against this field and its arguments, sealed with `key`), and
    /// whether `totalCount` was selected.
    pub fn new(
        ctx: &Context<'_>,
        key: &[u8],
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Paging> {
        let field = ctx.field();
        let arguments = field
            .arguments()
            .map_err(|e| AppError::bad_input("arguments", e.message))?;
        let seal = CursorSeal::new(key, field.name(), &arguments);
        let after = after.as_deref().map(|c| seal.decode(c)).transpose()?;
        let want_total = ctx.look_ahead().field("totalCount").exists();
        Ok(Paging {
            request: PageRequest::new(first, after, want_total)?,
            seal,
        })
    }

    pub fn connection<T, N: OutputType>(&self, page: Page<T>, node: impl Fn(T) -> N) -> Conn<N> {
        ListConnection {
            has_previous: page.has_previous,
            has_next: page.has_next,
            total_count: page.total,
            items: page
                .items
                .into_iter()
                .map(|(position, item)| (position, node(item)))
                .collect(),
            seal: self.seal.clone(),
        }
    }
}

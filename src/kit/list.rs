//! Lists read in the caller's scope, one keyset page at a time.

use std::future::Future;

use sea_orm::{Condition, EntityTrait, QueryFilter};

use super::context::Ctx;
use crate::error::AppResult;
use crate::keyset::{self, Listed, Page, PageRequest};
use crate::policy::{self, Resource, Scope};

/// The filter of a list: the table it lists, the permission it is read under, and the rows it keeps.
pub trait ScopedList: Sync {
    type Entity: Listed;
    /// What the caller must be allowed to read; a caller who may not gets an empty page.
    const RESOURCE: Resource;

    /// The rows this filter keeps within `scope`; `None` when it can match none (it names a record
    /// that does not exist).
    fn rows(
        &self,
        ctx: &Ctx<'_>,
        scope: Scope,
    ) -> impl Future<Output = AppResult<Option<Condition>>> + Send;
}

/// A page of a list, or why it could not be read.
pub type Listing<F> = AppResult<Page<<<F as ScopedList>::Entity as EntityTrait>::Model>>;

/// One page of the rows `filter` keeps in the caller's scope, in the table's order; an empty page when
/// the caller may read none.
#[tracing::instrument(skip_all, fields(resource = ?F::RESOURCE, agency = %ctx.actor.agency_code))]
pub async fn list<F: ScopedList>(ctx: &Ctx<'_>, filter: &F, page: PageRequest) -> Listing<F> {
    let Some(scope) = policy::read_scope(ctx.actor, F::RESOURCE) else {
        return Ok(Page::empty());
    };
    let Some(rows) = filter.rows(ctx, scope).await? else {
        return Ok(Page::empty());
    };
    keyset::fetch(ctx.db, F::Entity::find().filter(rows), page).await
}

/// Defines `pub async fn $name(ctx, filter: &$filter, page)`: the list of one filter type, under the
/// name its domain gives it, for callers that build the filter from their own input on the way in.
macro_rules! scoped_list {
    ($name:ident: $filter:ty) => {
        /// One page of the rows the filter keeps in the caller's scope (see its [`ScopedList`] impl);
        /// an empty page when the caller may read none.
        ///
        /// [`ScopedList`]: crate::kit::ScopedList
        pub async fn $name(
            ctx: &$crate::kit::Ctx<'_>,
            filter: &$filter,
            page: $crate::keyset::PageRequest,
        ) -> $crate::kit::Listing<$filter> {
            $crate::kit::list(ctx, filter, page).await
        }
    };
}
pub(crate) use scoped_list;

//! Reading one record by id within the caller's reach.

use sea_orm::{ColumnTrait, Condition, QueryFilter, Value};

use super::context::Ctx;
use super::find::Record;
use crate::error::{AppError, AppResult};
use crate::policy::{self, Action, Resource, Scope};

/// The record `id` of `E` if the caller may read `resource` and the record lies within its scope, as
/// `within` turns the scope into a row filter. A record outside the scope is NOT_FOUND, the same answer
/// as a record that does not exist, so ids outside one's reach cannot be probed.
pub async fn get_scoped<E: Record>(
    ctx: &Ctx<'_>,
    resource: Resource,
    id: impl Into<Value> + Clone + std::fmt::Display,
    within: impl FnOnce(Scope) -> Condition,
) -> AppResult<E::Model> {
    let scope = policy::require(ctx.actor, resource, Action::Read)?;
    E::find()
        .filter(E::ID.eq(id.clone()))
        .filter(within(scope))
        .one(ctx.db)
        .await?
        .ok_or_else(|| AppError::not_found(E::NAME, id))
}

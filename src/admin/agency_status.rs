//! Disabling an agency, and enabling it again. While disabled, every token of the agency is refused
//! (the same UNAUTHENTICATED as a revoked token) and its open sockets are closed, on every server
//! process; its records stay as they are.

use entity::agency;
use sea_orm::{ActiveModelTrait, Set};

use super::agencies::{self, covers};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};

/// Disables the agency with this code (administrators, within their scope). INVALID_STATE when it is
/// disabled already; FORBIDDEN for the caller's own agency, which would lock the caller out.
#[tracing::instrument(skip_all, fields(agency.code = %code))]
pub async fn disable(ctx: &Ctx<'_>, code: &str) -> AppResult<agency::Model> {
    set(ctx, code, true).await
}

/// Enables a disabled agency again: its tokens that are neither revoked nor expired work again.
#[tracing::instrument(skip_all, fields(agency.code = %code))]
pub async fn enable(ctx: &Ctx<'_>, code: &str) -> AppResult<agency::Model> {
    set(ctx, code, false).await
}

async fn set(ctx: &Ctx<'_>, code: &str, disable: bool) -> AppResult<agency::Model> {
    let scope = policy::require(ctx.actor, Resource::AgencyAdmin, Action::Write)?;
    let mut w = ctx.write().await?;
    let before = agencies::by_code(&*w, code).await?;
    if !covers(scope, &before) {
        return Err(AppError::forbidden(format!(
            "agency {code} is outside your scope"
        )));
    }
    if disable && before.id == ctx.actor.agency_id {
        return Err(AppError::forbidden("an agency cannot disable itself"));
    }
    if before.disabled_at.is_some() == disable {
        let state = if disable { "disabled" } else { "enabled" };
        return Err(AppError::InvalidState(format!(
            "agency {code} is {state} already"
        )));
    }
    let mut row: agency::ActiveModel = before.clone().into();
    row.disabled_at = Set(disable.then(|| w.now()));
    row.version = Set(before.version + 1);
    row.updated_at = Set(w.now());
    let after = row.update(&*w).await?;
    let action = if disable {
        "agency.disable"
    } else {
        "agency.enable"
    };
    w.audit_changed(action, "agency", code, &before, &after)
        .await?;
    if disable {
        // Open sockets of the agency's tokens close, on every server process.
        w.emit(DomainEvent::AgencyDisabled {
            agency_id: after.id,
        })
        .await?;
    }
    w.commit().await?;
    Ok(after)
}

//! Token rotation and an agency's mass revocation, built on `tokens::issue` and `tokens::revoke` so each
//! step is checked and audited as those are.

use entity::api_token;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{agencies, tokens};
use crate::auth::Keys;
use crate::error::AppResult;
use crate::kit::Ctx;

/// A successor for the token `jti` (same agency, role, subject and note, a fresh lifetime `ttl`, signed
/// with the current key), then the old one revoked. Returns the new token and the old token's record.
pub async fn rotate(
    ctx: &Ctx<'_>,
    keys: &Keys,
    jti: &str,
    ttl: chrono::Duration,
) -> AppResult<(tokens::IssuedToken, api_token::Model)> {
    let old = tokens::find(ctx.db, jti).await?;
    if old.revoked_at.is_some() {
        return Err(crate::error::AppError::InvalidState(format!(
            "token {jti} is revoked; issue a new one instead"
        )));
    }
    let owner = crate::kit::by_id::<entity::agency::Entity>(ctx.db, old.agency_id).await?;
    let issued = tokens::issue(
        ctx,
        keys,
        tokens::NewToken {
            agency_code: owner.code,
            role: old.role,
            subject: old.subject.clone(),
            ttl,
            note: Some(format!("rotated from {jti}")),
        },
    )
    .await?;
    let revoked = tokens::revoke(ctx, jti).await?;
    Ok((issued, revoked))
}

/// Revokes every active token of the agency `code` (each audited, each socket closed); returns them.
pub async fn revoke_agency(ctx: &Ctx<'_>, code: &str) -> AppResult<Vec<api_token::Model>> {
    let agency = agencies::by_code(ctx.db, code).await?;
    let live = api_token::Entity::find()
        .filter(api_token::Column::AgencyId.eq(agency.id))
        .filter(api_token::Column::RevokedAt.is_null())
        .all(ctx.db)
        .await?;
    let mut revoked = Vec::with_capacity(live.len());
    for token in live {
        revoked.push(tokens::revoke(ctx, &token.jti).await?);
    }
    Ok(revoked)
}

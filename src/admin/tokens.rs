//! Access tokens: issued to an agency's person or script with a role and a lifetime, listed without
//! their text (which is never stored), revoked at once. Administrators manage the tokens of the agencies
//! in their scope.

use chrono::{DateTime, Duration, Utc};
use entity::{AgencyKind, Role, api_token};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, NotSet, Set};

use super::agencies;
use crate::auth::Keys;
use crate::error::{AppError, AppResult};
use crate::kit::{self, Ctx, ScopedList, Text, text};
use crate::policy::{self, Action, Resource, Scope};

/// Longest lifetime of a token.
pub const MAX_TOKEN_TTL_DAYS: i64 = 365;

/// The time a token's claims are stated in and judged by. The JWT library checks `nbf` and `exp`
/// against the system clock, which tests cannot move, so tokens are issued by it too (not by
/// `ctx.now()`): a token issued after a test moved the service clock still verifies.
pub fn token_time() -> DateTime<Utc> {
    Utc::now()
}

/// Where a token stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Revoked,
    Expired,
}

impl TokenState {
    pub fn of(token: &api_token::Model) -> TokenState {
        if token.revoked_at.is_some() {
            TokenState::Revoked
        } else if token.expires_at <= token_time() {
            TokenState::Expired
        } else {
            TokenState::Active
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TokenState::Active => "active",
            TokenState::Revoked => "revoked",
            TokenState::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TokenFilter {
    pub agency_code: Option<String>,
    pub include_revoked: bool,
    /// Only unexpired tokens that expire within this many days (to renew in time).
    pub expiring_within_days: Option<i32>,
}

/// Tokens of the agencies the caller administers (never the token text, which is not stored).
impl ScopedList for TokenFilter {
    type Entity = api_token::Entity;
    const RESOURCE: Resource = Resource::AgencyAdmin;

    async fn rows(&self, _: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        let mut agencies = agencies::ids_within(scope);
        if let Some(code) = &self.agency_code {
            agencies.and_where(Expr::col(entity::agency::Column::Code).eq(code.as_str()));
        }
        let live = (!self.include_revoked).then(|| api_token::Column::RevokedAt.is_null());
        let expiring = match self.expiring_within_days {
            Some(days) if !(0..=MAX_TOKEN_TTL_DAYS as i32).contains(&days) => {
                return Err(AppError::bad_input(
                    "expiringWithinDays",
                    format!("between 0 and {MAX_TOKEN_TTL_DAYS}"),
                ));
            }
            Some(days) => {
                let now = token_time();
                Some(
                    Condition::all()
                        .add(api_token::Column::ExpiresAt.gt(now))
                        .add(api_token::Column::ExpiresAt.lte(now + Duration::days(days.into()))),
                )
            }
            None => None,
        };
        Ok(Some(
            Condition::all()
                .add(api_token::Column::AgencyId.in_subquery(agencies))
                .add_option(live)
                .add_option(expiring),
        ))
    }
}

kit::scoped_list!(list: TokenFilter);

#[derive(Debug, Clone)]
pub struct NewToken {
    pub agency_code: String,
    pub role: Role,
    pub subject: String,
    pub ttl: Duration,
    pub note: Option<String>,
}

/// A token as issued: its text, shown this once, and its stored record.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub text: String,
    pub record: api_token::Model,
}

/// Parses a lifetime such as `30d`, `12h` or `90m` (at most 365 days).
pub fn parse_ttl(text: &str) -> AppResult<Duration> {
    let text = text.trim();
    let bad = || {
        AppError::bad_input(
            "ttl",
            format!(
                "'{text}' is not a lifetime such as 30d, 12h or 90m (at most {MAX_TOKEN_TTL_DAYS}d)"
            ),
        )
    };
    let split = text.len().checked_sub(1).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().map_err(|_| bad())?;
    let ttl = match unit {
        "d" => Duration::try_days(n),
        "h" => Duration::try_hours(n),
        "m" => Duration::try_minutes(n),
        _ => None,
    }
    .ok_or_else(bad)?;
    if ttl <= Duration::zero() || ttl > Duration::days(MAX_TOKEN_TTL_DAYS) {
        return Err(bad());
    }
    Ok(ttl)
}

/// Issues a token for an agency in the caller's scope, signed with `keys`. Only an ADMINISTRATION
/// agency's token may carry the ADMIN role.
#[tracing::instrument(skip_all, fields(agency.code = %input.agency_code, role = input.role.as_str()))]
pub async fn issue(ctx: &Ctx<'_>, keys: &Keys, input: NewToken) -> AppResult<IssuedToken> {
    let scope = policy::require(ctx.actor, Resource::AgencyAdmin, Action::Write)?;
    let subject = text("subject", Some(&input.subject), Text::required(200))?.unwrap_or_default();
    // A note, when given, must say something.
    let note = match &input.note {
        Some(note) => text("note", Some(note), Text::required(500))?,
        None => None,
    };
    if input.ttl <= Duration::zero() || input.ttl > Duration::days(MAX_TOKEN_TTL_DAYS) {
        return Err(AppError::bad_input(
            "ttl",
            format!("between 1 minute and {MAX_TOKEN_TTL_DAYS} days"),
        ));
    }
    let w = ctx.write().await?;
    let target = agencies::by_code(&*w, &input.agency_code)
        .await
        .map_err(|_| {
            AppError::bad_input("agencyCode", format!("no agency {}", input.agency_code))
        })?;
    if !agencies::covers(scope, &target) {
        return Err(AppError::forbidden(format!(
            "agency {} is outside your scope",
            target.code
        )));
    }
    if input.role == Role::Admin && target.kind != AgencyKind::Administration {
        return Err(AppError::bad_input(
            "role",
            "ADMIN is only for ADMINISTRATION agencies",
        ));
    }
    let issued_at = token_time();
    let expires_at = issued_at + input.ttl;
    let jti = uuid::Uuid::new_v4().simple().to_string();
    let text = keys.sign(
        &subject,
        &target.code,
        input.role.as_str(),
        &jti,
        issued_at,
        expires_at,
    )?;
    let record = api_token::ActiveModel {
        id: NotSet,
        jti: Set(jti.clone()),
        agency_id: Set(target.id),
        subject: Set(subject),
        role: Set(input.role),
        issued_by: Set(ctx.actor.label()),
        issued_at: Set(issued_at),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        revoked_by: Set(None),
        last_used_at: Set(None),
        note: Set(note),
        kid: Set(Some(keys.kid().to_owned())),
        created_at: Set(issued_at),
        updated_at: Set(issued_at),
    }
    .insert(&*w)
    .await?;
    w.commit_created("token.issue", "api_token", &jti, &record)
        .await?;
    Ok(IssuedToken { text, record })
}

/// Revokes a token at once: the next request made with it, to any server process, is refused.
#[tracing::instrument(skip_all, fields(jti = %jti))]
pub async fn revoke(ctx: &Ctx<'_>, jti: &str) -> AppResult<api_token::Model> {
    let scope = policy::require(ctx.actor, Resource::AgencyAdmin, Action::Write)?;
    let mut w = ctx.write().await?;
    let before = find(&*w, jti).await?;
    let owner = kit::by_id::<entity::agency::Entity>(&*w, before.agency_id).await?;
    if !agencies::covers(scope, &owner) {
        return Err(AppError::forbidden(
            "the token belongs to an agency outside your scope",
        ));
    }
    if before.revoked_at.is_some() {
        return Err(AppError::InvalidState(format!(
            "token {jti} is already revoked"
        )));
    }
    let mut row: api_token::ActiveModel = before.clone().into();
    row.revoked_at = Set(Some(w.now()));
    row.revoked_by = Set(Some(ctx.actor.label()));
    row.updated_at = Set(w.now());
    let after = row.update(&*w).await?;
    w.audit_changed("token.revoke", "api_token", jti, &before, &after)
        .await?;
    // Open sockets of the token close, on every server process.
    w.emit(crate::events::DomainEvent::TokenRevoked {
        jti: jti.to_owned(),
    })
    .await?;
    w.commit().await?;
    Ok(after)
}

/// The token with this id; NOT_FOUND when there is none.
pub(super) async fn find<C: sea_orm::ConnectionTrait>(
    db: &C,
    jti: &str,
) -> AppResult<api_token::Model> {
    kit::find_by::<api_token::Entity>(db, api_token::Column::Jti, jti, "token").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_parsing() {
        assert_eq!(parse_ttl("30d").ok(), Some(Duration::days(30)));
        assert_eq!(parse_ttl("12h").ok(), Some(Duration::hours(12)));
        assert!(parse_ttl("0d").is_err());
        assert!(parse_ttl("366d").is_err());
        assert!(parse_ttl("10y").is_err());
        assert!(parse_ttl("").is_err());
        assert!(parse_ttl("d").is_err());
        assert!(parse_ttl("99999999999999d").is_err());
    }
}

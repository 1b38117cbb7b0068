//! Agencies, tokens and the audit log. Managing agencies and tokens is for administrators (agency kind
//! ADMINISTRATION, role ADMIN); reading the audit log for the steering committee and administration.

use chrono::{DateTime, Duration, Utc};
use entity::{AgencyKind, Role, agency, api_token, audit_event, district};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    NotSet, QueryFilter, Set,
};

use crate::audit::{self, Change};
use crate::auth::{Actor, Keys};
use crate::districts::lookup::by_code as find_by_code;
use crate::error::{AppError, AppResult};
use crate::keyset::{self, Page, PageRequest};
use crate::policy::{self, Action, Resource, Scope};

/// Longest lifetime of a token.
pub const MAX_TOKEN_TTL_DAYS: i64 = 365;

/// Agencies of the caller's province.
#[tracing::instrument(skip_all)]
pub async fn list_agencies(
    db: &DatabaseConnection,
    actor: &Actor,
    page: PageRequest,
) -> AppResult<Page<agency::Model>> {
    let Some(scope) = policy::read_scope(actor, Resource::AgencyAdmin) else {
        return Ok(Page::empty());
    };
    let select = agency::Entity::find().filter(agency_scope(scope));
    keyset::fetch(db, select, agency::Column::Id, page, |a| i64::from(a.id)).await
}

fn agency_scope(scope: Scope) -> Condition {
    match scope {
        Scope::District { district_id, .. } => {
            Condition::all().add(agency::Column::DistrictId.eq(district_id))
        }
        Scope::Province { province_id }
        | Scope::TransfersToEscort { province_id }
        | Scope::EpidemicFigures { province_id } => {
            Condition::all().add(agency::Column::ProvinceId.eq(province_id))
        }
        Scope::StaffedCheckpoints { agency_id } => {
            Condition::all().add(agency::Column::Id.eq(agency_id))
        }
    }
}

pub async fn find_agency<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<agency::Model> {
    agency::Entity::find()
        .filter(agency::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("agency", code))
}

/// Agencies by id, for nesting an agency under a token the caller manages.
pub async fn agencies_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<Vec<agency::Model>> {
    Ok(agency::Entity::find()
        .filter(agency::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

#[derive(Debug, Clone)]
pub struct NewAgency {
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    /// `None` for a province-level agency.
    pub district_code: Option<String>,
}

/// An agency code: 2 to 64 characters of a-z, 0-9 and '-', starting with a letter.
fn validate_agency_code(code: &str) -> AppResult<()> {
    let ok = (2..=64).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "code",
            "2 to 64 characters: a-z, 0-9 and '-', starting with a letter",
        ))
    }
}

fn validate_text(field: &str, value: &str, max: usize) -> AppResult<()> {
    if value.trim().is_empty() {
        return Err(AppError::bad_input(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("at most {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(AppError::bad_input(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(agency.code = %input.code))]
pub async fn create_agency(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewAgency,
) -> AppResult<agency::Model> {
    let scope = policy::require(actor, Resource::AgencyAdmin, Action::Write)?;
    validate_agency_code(&input.code)?;
    validate_text("name", &input.name, 200)?;
    let write = crate::db::begin_write(db).await?;
    let txn: &sea_orm::DatabaseTransaction = &write;
    let district = match &input.district_code {
        Some(code) => {
            let d = find_by_code(txn, code)
                .await
                .map_err(|_| AppError::bad_input("districtCode", format!("no district {code}")))?;
            if !scope.covers_district(d.id, d.province_id) {
                return Err(AppError::forbidden(format!(
                    "district {code} is outside your scope"
                )));
            }
            Some(d)
        }
        None => None,
    };
    if agency::Entity::find()
        .filter(agency::Column::Code.eq(input.code.as_str()))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "agency {} already exists",
            input.code
        )));
    }
    let now = Utc::now();
    let created = agency::ActiveModel {
        id: NotSet,
        code: Set(input.code.clone()),
        name: Set(input.name.trim().to_owned()),
        kind: Set(input.kind),
        province_id: Set(district
            .as_ref()
            .map_or(actor.province_id, |d| d.province_id)),
        district_id: Set(district.as_ref().map(|d| d.id)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if crate::error::is_unique_violation(&e) {
            AppError::Conflict(format!("agency {} already exists", input.code))
        } else {
            e.into()
        }
    })?;
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: "agency.create",
            entity: "agency",
            entity_id: created.code.clone(),
            before: None::<&()>,
            after: Some(&created),
        },
    )
    .await?;
    write.commit().await?;
    Ok(created)
}

#[derive(Debug, Clone, Default)]
pub struct TokenFilter {
    pub agency_code: Option<String>,
    pub include_revoked: bool,
}

/// Tokens of the agencies the caller administers (never the token text, which is not stored).
#[tracing::instrument(skip_all)]
pub async fn list_tokens(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &TokenFilter,
    page: PageRequest,
) -> AppResult<Page<api_token::Model>> {
    let Some(scope) = policy::read_scope(actor, Resource::AgencyAdmin) else {
        return Ok(Page::empty());
    };
    let mut agencies = Query::select()
        .column(agency::Column::Id)
        .from(agency::Entity)
        .cond_where(agency_scope(scope))
        .to_owned();
    if let Some(code) = &filter.agency_code {
        agencies.and_where(Expr::col(agency::Column::Code).eq(code.as_str()));
    }
    let mut cond = Condition::all().add(api_token::Column::AgencyId.in_subquery(agencies));
    if !filter.include_revoked {
        cond = cond.add(api_token::Column::RevokedAt.is_null());
    }
    let select = api_token::Entity::find().filter(cond);
    keyset::fetch(db, select, api_token::Column::Id, page, |t| i64::from(t.id)).await
}

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

#[tracing::instrument(skip_all, fields(agency.code = %input.agency_code, role = input.role.as_str()))]
pub async fn issue_token(
    db: &DatabaseConnection,
    keys: &Keys,
    actor: &Actor,
    input: NewToken,
) -> AppResult<IssuedToken> {
    let scope = policy::require(actor, Resource::AgencyAdmin, Action::Write)?;
    validate_text("subject", &input.subject, 200)?;
    if let Some(note) = &input.note {
        validate_text("note", note, 500)?;
    }
    if input.ttl <= Duration::zero() || input.ttl > Duration::days(MAX_TOKEN_TTL_DAYS) {
        return Err(AppError::bad_input(
            "ttl",
            format!("between 1 minute and {MAX_TOKEN_TTL_DAYS} days"),
        ));
    }
    let write = crate::db::begin_write(db).await?;
    let txn: &sea_orm::DatabaseTransaction = &write;
    let target = find_agency(txn, &input.agency_code).await.map_err(|_| {
        AppError::bad_input("agencyCode", format!("no agency {}", input.agency_code))
    })?;
    if !agency_scope_covers(scope, &target) {
        return Err(AppError::forbidden(format!(
            "agency {} is outside your scope",
            target.code
        )));
    }
    // Only an administration agency's token may carry the ADMIN role.
    if input.role == Role::Admin && target.kind != AgencyKind::Administration {
        return Err(AppError::bad_input(
            "role",
            "ADMIN is only for ADMINISTRATION agencies",
        ));
    }
    let now = Utc::now();
    let expires_at = now + input.ttl;
    let jti = uuid::Uuid::new_v4().simple().to_string();
    let subject = input.subject.trim().to_owned();
    let text = keys.sign(
        &subject,
        &target.code,
        input.role.as_str(),
        &jti,
        now,
        expires_at,
    )?;
    let record = api_token::ActiveModel {
        id: NotSet,
        jti: Set(jti.clone()),
        agency_id: Set(target.id),
        subject: Set(subject),
        role: Set(input.role),
        issued_by: Set(actor.label()),
        issued_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        revoked_by: Set(None),
        last_used_at: Set(None),
        note: Set(input.note.map(|n| n.trim().to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: "token.issue",
            entity: "api_token",
            entity_id: jti,
            before: None::<&()>,
            after: Some(&record),
        },
    )
    .await?;
    write.commit().await?;
    Ok(IssuedToken { text, record })
}

fn agency_scope_covers(scope: Scope, target: &agency::Model) -> bool {
    match scope {
        Scope::District { district_id, .. } => target.district_id == Some(district_id),
        Scope::StaffedCheckpoints { agency_id } => target.id == agency_id,
        Scope::Province { province_id }
        | Scope::TransfersToEscort { province_id }
        | Scope::EpidemicFigures { province_id } => target.province_id == province_id,
    }
}

/// Revokes a token at once: the next request made with it, to any server process, is refused.
#[tracing::instrument(skip_all, fields(jti = %jti))]
pub async fn revoke_token(
    db: &DatabaseConnection,
    actor: &Actor,
    jti: &str,
) -> AppResult<api_token::Model> {
    let scope = policy::require(actor, Resource::AgencyAdmin, Action::Write)?;
    let write = crate::db::begin_write(db).await?;
    let txn: &sea_orm::DatabaseTransaction = &write;
    let before = api_token::Entity::find()
        .filter(api_token::Column::Jti.eq(jti))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("token", jti))?;
    let owner = agency::Entity::find_by_id(before.agency_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("agency", before.agency_id))?;
    if !agency_scope_covers(scope, &owner) {
        return Err(AppError::forbidden(
            "the token belongs to an agency outside your scope",
        ));
    }
    if before.revoked_at.is_some() {
        return Err(AppError::InvalidState(format!(
            "token {jti} is already revoked"
        )));
    }
    let now = Utc::now();
    let mut row: api_token::ActiveModel = before.clone().into();
    row.revoked_at = Set(Some(now));
    row.revoked_by = Set(Some(actor.label()));
    row.updated_at = Set(now);
    let after = row.update(txn).await?;
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: "token.revoke",
            entity: "api_token",
            entity_id: jti.to_owned(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    write.commit().await?;
    Ok(after)
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub agency_code: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// The audit log, oldest first, for those allowed to read it.
#[tracing::instrument(skip_all)]
pub async fn list_audit_events(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &AuditFilter,
    page: PageRequest,
) -> AppResult<Page<audit_event::Model>> {
    let Some(scope) = policy::read_scope(actor, Resource::AuditEvent) else {
        return Ok(Page::empty());
    };
    let mut cond = Condition::all();
    // A district-level reader sees what its district's agencies did; a province-level one, everything.
    if let Scope::District { district_id, .. } = scope {
        cond = cond.add(
            audit_event::Column::AgencyCode.in_subquery(
                Query::select()
                    .column(agency::Column::Code)
                    .from(agency::Entity)
                    .and_where(Expr::col(agency::Column::DistrictId).eq(district_id))
                    .to_owned(),
            ),
        );
    }
    if let Some(v) = &filter.entity {
        cond = cond.add(audit_event::Column::Entity.eq(v.as_str()));
    }
    if let Some(v) = &filter.entity_id {
        cond = cond.add(audit_event::Column::EntityId.eq(v.as_str()));
    }
    if let Some(v) = &filter.agency_code {
        cond = cond.add(audit_event::Column::AgencyCode.eq(v.as_str()));
    }
    if let Some(v) = &filter.action {
        cond = cond.add(audit_event::Column::Action.eq(v.as_str()));
    }
    if let Some(v) = filter.from {
        cond = cond.add(audit_event::Column::At.gte(v));
    }
    if let Some(v) = filter.to {
        cond = cond.add(audit_event::Column::At.lt(v));
    }
    let select = audit_event::Entity::find().filter(cond);
    keyset::fetch(db, select, audit_event::Column::Id, page, |e| e.id).await
}

/// The district an agency belongs to, for `me`.
pub async fn district_of(
    db: &DatabaseConnection,
    district_id: i32,
) -> AppResult<Option<district::Model>> {
    Ok(district::Entity::find_by_id(district_id).one(db).await?)
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

    #[test]
    fn agency_codes() {
        assert!(validate_agency_code("health-380").is_ok());
        assert!(validate_agency_code("Health").is_err());
        assert!(validate_agency_code("1abc").is_err());
        assert!(validate_agency_code("a").is_err());
    }
}

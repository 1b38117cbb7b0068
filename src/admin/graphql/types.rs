//! Output types of administration: agencies, the caller, tokens, audit entries, allow-listed operations.

use async_graphql::{Context, Json, Object, Result};
use chrono::{DateTime, Utc};
use entity::{agency, api_token, audit_event, persisted_operation};

use crate::admin::tokens::TokenState;
use crate::auth::Actor;
use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{AgencyKind, Role};

/// An agency taking part in the exchange.
pub struct Agency(pub agency::Model);

/// An agency taking part in the exchange.
#[Object]
impl Agency {
    /// Stable code, e.g. `health`, `police`, `health-380`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Official name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Kind of agency; permissions follow from it.
    async fn kind(&self) -> AgencyKind {
        self.0.kind.into()
    }
    /// The district of a district-level agency; null for a province-level agency.
    async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        let Some(id) = self.0.district_id else {
            return Ok(None);
        };
        Ok(ctx
            .by_id::<entity::district::Entity>(id)
            .await?
            .map(District))
    }
}

/// The caller, as its token identifies it.
pub struct Me {
    pub subject: String,
    pub role: entity::Role,
    pub agency: agency::Model,
}

impl Me {
    pub fn new(actor: &Actor, agency: agency::Model) -> Me {
        Me {
            subject: actor.subject.clone(),
            role: actor.role,
            agency,
        }
    }
}

/// The caller, as its token identifies it.
#[Object]
impl Me {
    /// Person or script the token was issued to.
    async fn subject(&self) -> &str {
        &self.subject
    }
    /// Role the token carries.
    async fn role(&self) -> Role {
        self.role.into()
    }
    /// The caller's agency.
    async fn agency(&self) -> Agency {
        Agency(self.agency.clone())
    }
}

/// An access token's record. The token text is shown once, when issued, and never stored.
pub struct ApiToken(pub api_token::Model);

/// An access token's record. The token text is shown once, when issued, and never stored.
#[Object]
impl ApiToken {
    /// Token id (the `jti` claim); pass it to `revokeToken`.
    async fn jti(&self) -> &str {
        &self.0.jti
    }
    /// Agency the token acts for.
    async fn agency(&self, ctx: &Context<'_>) -> Result<Option<Agency>> {
        Ok(ctx
            .by_id::<entity::agency::Entity>(self.0.agency_id)
            .await?
            .map(Agency))
    }
    /// Person or script the token was issued to.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Role the token carries.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// Who issued it, as "agency-code/subject".
    async fn issued_by(&self) -> &str {
        &self.0.issued_by
    }
    /// When it was issued.
    async fn issued_at(&self) -> DateTime<Utc> {
        self.0.issued_at
    }
    /// When it stops working.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// When it was revoked; null while it is not.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// Who revoked it; null while it is not revoked.
    async fn revoked_by(&self) -> Option<&str> {
        self.0.revoked_by.as_deref()
    }
    /// Last request made with it, to within a minute; null if never used.
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    /// Free text given at issue; null when none.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// True when neither revoked nor expired.
    async fn active(&self) -> bool {
        TokenState::of(&self.0) == TokenState::Active
    }
}

/// One entry of the audit log.
pub struct AuditEvent(pub audit_event::Model);

/// One entry of the audit log.
#[Object]
impl AuditEvent {
    /// Position in the log; increases with every entry.
    async fn id(&self) -> i64 {
        self.0.id
    }
    /// When the change was made.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Agency of the actor (`cli` for the command-line operator).
    async fn agency_code(&self) -> &str {
        &self.0.agency_code
    }
    /// Person or script of the actor.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Token used; null for the command-line operator.
    async fn jti(&self) -> Option<&str> {
        self.0.jti.as_deref()
    }
    /// What was done, e.g. `district.update`, `token.revoke`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// Kind of record, e.g. `district`.
    async fn entity(&self) -> &str {
        &self.0.entity
    }
    /// Key of the record (a code or id).
    async fn entity_id(&self) -> &str {
        &self.0.entity_id
    }
    /// The record before the change; null for a creation.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.clone().map(Json)
    }
    /// The record after the change; null for a deletion.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.clone().map(Json)
    }
    /// Id of the HTTP request that made the change; null outside HTTP.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}

/// An operation on the allow-list, registered by an administrator.
pub struct PersistedOperation(pub persisted_operation::Model);

/// An operation on the allow-list, registered by an administrator.
#[Object]
impl PersistedOperation {
    /// Lower-case hex SHA-256 of `query`; clients send it as `extensions.persistedQuery.sha256Hash`.
    async fn hash(&self) -> &str {
        &self.0.hash
    }
    /// Name given at registration, e.g. the front-end screen that sends it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The operation's text.
    async fn query(&self) -> &str {
        &self.0.query
    }
    /// Who registered it.
    async fn registered_by(&self) -> &str {
        &self.0.registered_by
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

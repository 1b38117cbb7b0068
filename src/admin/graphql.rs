//! GraphQL face of administration: the caller, agencies, tokens, the audit log.

use async_graphql::{Context, InputObject, Json, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{agency, api_token, audit_event, persisted_operation};

use super::operations::{self, NewOperation};
use super::service::{self, AuditFilter as ServiceAuditFilter, NewAgency, NewToken, TokenFilter};
use crate::districts::graphql::District;
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{AgencyKind, Role};

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
    subject: String,
    role: entity::Role,
    agency: agency::Model,
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
        self.0.revoked_at.is_none() && self.0.expires_at > Utc::now()
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

/// Filter for `apiTokens`.
#[derive(InputObject, Default)]
pub struct ApiTokenFilter {
    /// Only tokens of this agency.
    pub agency_code: Option<String>,
    /// Include revoked tokens (default false).
    #[graphql(default)]
    pub include_revoked: bool,
}

/// Filter for `auditEvents`. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// Kind of record, e.g. `district`.
    pub entity: Option<String>,
    /// Key of the record, e.g. a district code.
    pub entity_id: Option<String>,
    /// Agency of the actor.
    pub agency_code: Option<String>,
    /// What was done, e.g. `district.update`.
    pub action: Option<String>,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Up to this instant (exclusive).
    pub to: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// The caller: subject, role and agency of the token used.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me> {
        let actor = ctx.actor()?;
        let agency = ctx
            .by_id::<entity::agency::Entity>(actor.agency_id)
            .await?
            .ok_or(crate::error::AppError::Unauthenticated)?;
        Ok(Me {
            subject: actor.subject.clone(),
            role: actor.role,
            agency,
        })
    }

    /// Agencies of the caller's province (administrators only; empty for others).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn agencies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Agency>> {
        let paging = ctx.paging(first, after)?;
        Ok(paging.connection(
            service::list_agencies(&ctx.app().db, ctx.actor()?, paging.request).await?,
            Agency,
        ))
    }

    /// Operations on the allow-list, by registration (province-level administrators; empty for others).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn persisted_operations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<PersistedOperation>> {
        let paging = ctx.paging(first, after)?;
        Ok(paging.connection(
            operations::list(&ctx.app().db, ctx.actor()?, paging.request).await?,
            PersistedOperation,
        ))
    }

    /// Tokens of the agencies the caller administers (administrators only; empty for others).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn api_tokens(
        &self,
        ctx: &Context<'_>,
        filter: Option<ApiTokenFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<ApiToken>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default();
        let filter = TokenFilter {
            agency_code: filter.agency_code,
            include_revoked: filter.include_revoked,
        };
        Ok(paging.connection(
            service::list_tokens(&ctx.app().db, ctx.actor()?, &filter, paging.request).await?,
            ApiToken,
        ))
    }

    /// The audit log, oldest first (steering committee and administration; empty for others).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditEventFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<AuditEvent>> {
        let paging = ctx.paging(first, after)?;
        let f = filter.unwrap_or_default();
        let filter = ServiceAuditFilter {
            entity: f.entity,
            entity_id: f.entity_id,
            agency_code: f.agency_code,
            action: f.action,
            from: f.from,
            to: f.to,
        };
        Ok(paging.connection(
            service::list_audit_events(&ctx.app().db, ctx.actor()?, &filter, paging.request)
                .await?,
            AuditEvent,
        ))
    }
}

/// A new agency.
#[derive(InputObject)]
pub struct CreateAgencyInput {
    /// 2 to 64 characters: a-z, 0-9 and '-', starting with a letter.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Kind of agency; permissions follow from it.
    pub kind: AgencyKind,
    /// GSO code of its district; omit for a province-level agency.
    pub district_code: Option<String>,
}

/// Result of `createAgency`.
#[derive(SimpleObject)]
pub struct CreateAgencyPayload {
    /// The new agency.
    pub agency: Agency,
}

/// A token to issue.
#[derive(InputObject)]
pub struct IssueTokenInput {
    /// Agency the token acts for.
    pub agency_code: String,
    /// Role it carries; ADMIN only for ADMINISTRATION agencies.
    pub role: Role,
    /// Person or script the token is for.
    pub subject: String,
    /// Lifetime such as `30d`, `12h` or `90m`; at most 365 days (default 30d).
    pub ttl: Option<String>,
    /// Free text kept with the record (at most 500 characters).
    pub note: Option<String>,
}

/// Result of `issueToken`.
#[derive(SimpleObject)]
pub struct IssueTokenPayload {
    /// The bearer token. Shown this once: it is not stored and cannot be shown again.
    pub token: String,
    /// The stored record of the token.
    pub api_token: ApiToken,
}

/// A token to revoke.
#[derive(InputObject)]
pub struct RevokeTokenInput {
    /// Token id (`jti`) to revoke.
    pub jti: String,
}

/// Result of `revokeToken`.
#[derive(SimpleObject)]
pub struct RevokeTokenPayload {
    /// The token's record, now revoked.
    pub api_token: ApiToken,
}

/// An operation to put on the allow-list.
#[derive(InputObject)]
pub struct RegisterOperationInput {
    /// A name for it (1 to 200 characters), e.g. the screen that sends it.
    pub name: String,
    /// The operation's text, exactly as the front-end sends it (its SHA-256 is the key).
    pub query: String,
}

/// Result of `registerOperation`.
#[derive(SimpleObject)]
pub struct RegisterOperationPayload {
    /// The registered operation (the existing record when the same text was registered before).
    pub operation: PersistedOperation,
}

/// An operation to take off the allow-list.
#[derive(InputObject)]
pub struct RemoveOperationInput {
    /// Its hash.
    pub hash: String,
}

/// Result of `removeOperation`.
#[derive(SimpleObject)]
pub struct RemoveOperationPayload {
    /// The operation as it was.
    pub operation: PersistedOperation,
}

#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Creates an agency (administrators). CONFLICT when the code is taken.
    async fn create_agency(
        &self,
        ctx: &Context<'_>,
        input: CreateAgencyInput,
    ) -> Result<CreateAgencyPayload> {
        let new = NewAgency {
            code: input.code,
            name: input.name,
            kind: input.kind.into(),
            district_code: input.district_code,
        };
        let agency = service::create_agency(&ctx.app().db, ctx.actor()?, new).await?;
        Ok(CreateAgencyPayload {
            agency: Agency(agency),
        })
    }

    /// Issues a token for an agency (administrators). The token text is returned once.
    async fn issue_token(
        &self,
        ctx: &Context<'_>,
        input: IssueTokenInput,
    ) -> Result<IssueTokenPayload> {
        let state = ctx.app();
        let ttl = service::parse_ttl(input.ttl.as_deref().unwrap_or("30d"))?;
        let new = NewToken {
            agency_code: input.agency_code,
            role: input.role.into(),
            subject: input.subject,
            ttl,
            note: input.note,
        };
        let issued = service::issue_token(&state.db, &state.keys, ctx.actor()?, new).await?;
        Ok(IssueTokenPayload {
            token: issued.text,
            api_token: ApiToken(issued.record),
        })
    }

    /// Puts an operation on the allow-list (province-level administrators). With
    /// `LIENTHONG_OPERATION_ALLOW_LIST` on, non-ADMIN tokens may run registered operations only.
    async fn register_operation(
        &self,
        ctx: &Context<'_>,
        input: RegisterOperationInput,
    ) -> Result<RegisterOperationPayload> {
        let new = NewOperation {
            name: input.name,
            query: input.query,
        };
        let operation = operations::register(&ctx.app().db, ctx.actor()?, new).await?;
        Ok(RegisterOperationPayload {
            operation: PersistedOperation(operation),
        })
    }

    /// Takes an operation off the allow-list (province-level administrators); refused from the next
    /// request on.
    async fn remove_operation(
        &self,
        ctx: &Context<'_>,
        input: RemoveOperationInput,
    ) -> Result<RemoveOperationPayload> {
        let operation = operations::remove(&ctx.app().db, ctx.actor()?, &input.hash).await?;
        Ok(RemoveOperationPayload {
            operation: PersistedOperation(operation),
        })
    }

    /// Revokes a token (administrators); refused from the next request on, by every server process.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeTokenInput,
    ) -> Result<RevokeTokenPayload> {
        let token = service::revoke_token(&ctx.app().db, ctx.actor()?, &input.jti).await?;
        Ok(RevokeTokenPayload {
            api_token: ApiToken(token),
        })
    }
}

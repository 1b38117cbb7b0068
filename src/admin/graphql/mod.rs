//! GraphQL face of administration: the caller, agencies, tokens, the audit log, the operation
//! allow-list. Each resolver converts its input, calls one service function and wraps the result.

mod inputs;
mod types;

use async_graphql::{Context, Object, Result};

pub use inputs::*;
pub use types::{Agency, ApiToken, AuditEvent, Me, PersistedOperation};

use crate::admin::{agencies, allow_list, audit_log, tokens};
use crate::error::AppError;
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;

#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// The caller: subject, role and agency of the token used.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me> {
        let actor = ctx.actor()?;
        let agency = ctx.by_id::<entity::agency::Entity>(actor.agency_id).await?;
        Ok(Me::new(actor, agency.ok_or(AppError::Unauthenticated)?))
    }

    /// Agencies of the caller's province (administrators only; empty for others).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn agencies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many rows to return, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(
            desc = "Continue after this cursor (an `endCursor` or edge `cursor` of the same list with the same filter)."
        )]
        after: Option<String>,
    ) -> Result<Conn<Agency>> {
        let paging = ctx.paging(first, after)?;
        let rows = agencies::list(&ctx.services()?, paging.request).await?;
        Ok(paging.connection(rows, Agency))
    }

    /// Operations on the allow-list, by registration (province-level administrators; empty for others).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn persisted_operations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many rows to return, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(
            desc = "Continue after this cursor (an `endCursor` or edge `cursor` of the same list with the same filter)."
        )]
        after: Option<String>,
    ) -> Result<Conn<PersistedOperation>> {
        let paging = ctx.paging(first, after)?;
        let rows = allow_list::list(&ctx.services()?, paging.request).await?;
        Ok(paging.connection(rows, PersistedOperation))
    }

    /// Tokens of the agencies the caller administers (administrators only; empty for others).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn api_tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which tokens; all when omitted.")] filter: Option<ApiTokenFilter>,
        #[graphql(desc = "How many rows to return, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(
            desc = "Continue after this cursor (an `endCursor` or edge `cursor` of the same list with the same filter)."
        )]
        after: Option<String>,
    ) -> Result<Conn<ApiToken>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default().into();
        let rows = tokens::list(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(rows, ApiToken))
    }

    /// The audit log, oldest first (steering committee and administration; empty for others).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which audit events; all when omitted.")] filter: Option<AuditEventFilter>,
        #[graphql(desc = "How many rows to return, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(
            desc = "Continue after this cursor (an `endCursor` or edge `cursor` of the same list with the same filter)."
        )]
        after: Option<String>,
    ) -> Result<Conn<AuditEvent>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default().into();
        let rows = audit_log::list(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(rows, AuditEvent))
    }
}

#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Creates an agency (administrators). CONFLICT when the code is taken.
    async fn create_agency(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new agency: code, name, kind and district.")]
        input: CreateAgencyInput,
    ) -> Result<CreateAgencyPayload> {
        let agency = agencies::create(&ctx.services()?, input.into()).await?;
        Ok(CreateAgencyPayload {
            agency: Agency(agency),
        })
    }

    /// Issues a token for an agency (administrators). The token text is returned once.
    async fn issue_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Whom the token is for (agency, role, subject), its lifetime and a note."
        )]
        input: IssueTokenInput,
    ) -> Result<IssueTokenPayload> {
        let new = input.to_domain()?;
        let issued = tokens::issue(&ctx.services()?, &ctx.app().keys, new).await?;
        Ok(issued.into())
    }

    /// Puts an operation on the allow-list (province-level administrators). With
    /// `LIENTHONG_OPERATION_ALLOW_LIST` on, non-ADMIN tokens may run registered operations only.
    async fn register_operation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The operation's name and text to allow.")] input: RegisterOperationInput,
    ) -> Result<RegisterOperationPayload> {
        let operation = allow_list::register(&ctx.services()?, input.into()).await?;
        Ok(RegisterOperationPayload {
            operation: PersistedOperation(operation),
        })
    }

    /// Takes an operation off the allow-list (province-level administrators); refused from the next
    /// request on.
    async fn remove_operation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The hash of the allowed operation to remove.")]
        input: RemoveOperationInput,
    ) -> Result<RemoveOperationPayload> {
        let operation = allow_list::remove(&ctx.services()?, &input.hash).await?;
        Ok(RemoveOperationPayload {
            operation: PersistedOperation(operation),
        })
    }

    /// Revokes a token (administrators); refused from the next request on, by every server process.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token to revoke, by its `jti`.")] input: RevokeTokenInput,
    ) -> Result<RevokeTokenPayload> {
        let token = tokens::revoke(&ctx.services()?, &input.jti).await?;
        Ok(RevokeTokenPayload {
            api_token: ApiToken(token),
        })
    }
}

//! GraphQL face of administration: the caller, agencies, tokens, the audit log, the operation
//! allow-list. Each resolver converts its input, calls one service function and wraps the result.

mod inputs;
mod types;

use async_graphql::{Context, Result};

pub use inputs::*;
pub use types::{Agency, ApiToken, AuditEvent, Me, PersistedOperation};

use crate::admin::{agencies, agency_status, allow_list, audit_log, tokens};
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::resolvers::root_object;

root_object! {
    impl AdminQuery {
        lists {
            /// Agencies of the caller's province (administrators only; empty for others).
            agencies() -> Agency = agencies::list;
            /// Operations on the allow-list, by registration (province-level administrators; empty for others).
            persisted_operations() -> PersistedOperation = allow_list::list;
            /// Tokens of the agencies the caller administers (administrators only; empty for others).
            api_tokens(ApiTokenFilter) -> ApiToken = tokens::list;
            /// The audit log, oldest first (steering committee and administration; empty for others).
            audit_events(AuditEventFilter) -> AuditEvent = audit_log::list;
        }
    }

    /// The caller: subject, role and agency of the token used.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me> {
        let actor = ctx.actor()?;
        let agency: Option<Agency> = ctx.node(actor.agency_id).await?;
        Ok(Me::new(actor, agency.ok_or(AppError::Unauthenticated)?.0))
    }
}

root_object! {
    impl AdminMutation {
        calls {
            /// Creates an agency (administrators). CONFLICT when the code is taken.
            create_agency(#[graphql(desc = "The new agency: code, name, kind and district.")] input: CreateAgencyInput) -> CreateAgencyPayload = |s| agencies::create(&s, input.into());
            /// Issues a token for an agency (administrators). The token text is returned once.
            issue_token(#[graphql(desc = "Whom the token is for (agency, role, subject), its lifetime and a note.")] input: IssueTokenInput) -> IssueTokenPayload
                = |s, cx| tokens::issue(&s, &cx.app().keys, input.to_domain()?);
            /// Puts an operation on the allow-list (province-level administrators). With
            /// `LIENTHONG_OPERATION_ALLOW_LIST` on, non-ADMIN tokens may run registered operations only.
            register_operation(#[graphql(desc = "The operation's name and text to allow.")] input: RegisterOperationInput) -> RegisterOperationPayload
                = |s| allow_list::register(&s, input.into());
            /// Takes an operation off the allow-list (province-level administrators); refused from the next
            /// request on.
            remove_operation(#[graphql(desc = "The hash of the allowed operation to remove.")] input: RemoveOperationInput) -> RemoveOperationPayload
                = |s| allow_list::remove(&s, &input.hash);
            /// Disables an agency (administrators, within their scope; not their own): every token of it is
            /// refused from the next request on and its open sockets close with 4403, on every server
            /// process. INVALID_STATE when it is disabled already.
            disable_agency(#[graphql(desc = "The agency to disable.")] input: AgencyCodeInput) -> AgencyStatusPayload
                = |s| agency_status::disable(&s, &input.code);
            /// Enables a disabled agency: its tokens that are neither revoked nor expired work again.
            /// INVALID_STATE when it is not disabled.
            enable_agency(#[graphql(desc = "The agency to enable.")] input: AgencyCodeInput) -> AgencyStatusPayload
                = |s| agency_status::enable(&s, &input.code);
            /// Revokes a token (administrators); refused from the next request on, by every server process.
            revoke_token(#[graphql(desc = "The token to revoke, by its `jti`.")] input: RevokeTokenInput) -> RevokeTokenPayload = |s| tokens::revoke(&s, &input.jti);
        }
    }
}

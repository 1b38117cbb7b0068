//! Inputs and payloads of administration, each input converted to its service type beside it.

use async_graphql::{InputObject, SimpleObject};
use chrono::{DateTime, Utc};

use super::types::{Agency, ApiToken, PersistedOperation};
use crate::admin::agencies::NewAgency;
use crate::admin::allow_list::NewOperation;
use crate::admin::audit_log::AuditFilter;
use crate::admin::tokens::{self, IssuedToken, NewToken, TokenFilter};
use crate::error::AppResult;
use crate::graphql::enums::{AgencyKind, Role};
use crate::graphql::resolvers::{input_object, payload};

input_object! {
    /// Filter for `apiTokens`.
    #[derive(InputObject, Default)]
    pub struct ApiTokenFilter => TokenFilter {
        /// Only tokens of this agency.
        agency_code: Option<String>,
        /// Include revoked tokens (default false).
        #[graphql(default)]
        include_revoked: bool,
        /// Only unexpired tokens expiring within this many days (0 to 365), to renew in time.
        expiring_within_days: Option<i32>,
    }
}

input_object! {
    /// Filter for `auditEvents`. All given conditions must hold.
    #[derive(InputObject, Default)]
    pub struct AuditEventFilter => AuditFilter {
        /// Kind of record, e.g. `district`.
        entity: Option<String>,
        /// Key of the record, e.g. a district code.
        entity_id: Option<String>,
        /// Agency of the actor.
        agency_code: Option<String>,
        /// What was done, e.g. `district.update`.
        action: Option<String>,
        /// From this instant (inclusive).
        from: Option<DateTime<Utc>>,
        /// Up to this instant (exclusive).
        to: Option<DateTime<Utc>>,
    }
}

input_object! {
    /// A new agency.
    #[derive(InputObject)]
    pub struct CreateAgencyInput => NewAgency {
        /// 2 to 64 characters: a-z, 0-9 and '-', starting with a letter.
        code: String,
        /// Official name.
        name: String,
        /// Kind of agency; permissions follow from it.
        kind: AgencyKind => Into::into,
        /// GSO code of its district; omit for a province-level agency.
        district_code: Option<String>,
        /// The sector of a DEPARTMENT agency (education, labour, ...): required for that kind, refused
        /// for the others.
        sector: Option<String>,
    }
}

payload! {
    /// Result of `createAgency`.
    pub struct CreateAgencyPayload {
        /// The new agency.
        agency: Agency,
    }
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

impl IssueTokenInput {
    /// The token to issue; BAD_USER_INPUT on `ttl` when it is not a lifetime.
    pub fn to_domain(self) -> AppResult<NewToken> {
        Ok(NewToken {
            agency_code: self.agency_code,
            role: self.role.into(),
            subject: self.subject,
            ttl: tokens::parse_ttl(self.ttl.as_deref().unwrap_or("30d"))?,
            note: self.note,
        })
    }
}

/// Result of `issueToken`.
#[derive(SimpleObject)]
pub struct IssueTokenPayload {
    /// The bearer token. Shown this once: it is not stored and cannot be shown again.
    pub token: String,
    /// The stored record of the token.
    pub api_token: ApiToken,
}

impl From<IssuedToken> for IssueTokenPayload {
    fn from(issued: IssuedToken) -> Self {
        IssueTokenPayload {
            token: issued.text,
            api_token: ApiToken(issued.record),
        }
    }
}

/// A token to revoke.
#[derive(InputObject)]
pub struct RevokeTokenInput {
    /// Token id (`jti`) to revoke.
    pub jti: String,
}

payload! {
    /// Result of `revokeToken`.
    pub struct RevokeTokenPayload {
        /// The token's record, now revoked.
        api_token: ApiToken,
    }
}

input_object! {
    /// An operation to put on the allow-list.
    #[derive(InputObject)]
    pub struct RegisterOperationInput => NewOperation {
        /// A name for it (1 to 200 characters), e.g. the screen that sends it.
        name: String,
        /// The operation's text, exactly as the front-end sends it (its SHA-256 is the key).
        query: String,
    }
}

payload! {
    /// Result of `registerOperation`.
    pub struct RegisterOperationPayload {
        /// The registered operation (the existing record when the same text was registered before).
        operation: PersistedOperation,
    }
}

/// An operation to take off the allow-list.
#[derive(InputObject)]
pub struct RemoveOperationInput {
    /// Its hash.
    pub hash: String,
}

payload! {
    /// Result of `removeOperation`.
    pub struct RemoveOperationPayload {
        /// The operation as it was.
        operation: PersistedOperation,
    }
}

/// An agency to disable or enable.
#[derive(InputObject)]
pub struct AgencyCodeInput {
    /// The agency's code, e.g. `health-380`.
    pub code: String,
}

payload! {
    /// Result of `disableAgency` and `enableAgency`.
    pub struct AgencyStatusPayload {
        /// The agency as it is now.
        agency: Agency,
    }
}

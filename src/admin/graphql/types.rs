//! Output types of administration: agencies, the caller, tokens, audit entries, allow-listed operations.

use async_graphql::{Json, Object};
use chrono::{DateTime, Utc};
use entity::{agency, api_token, audit_event, persisted_operation};

use crate::admin::tokens::TokenState;
use crate::auth::Actor;
use crate::districts::graphql::District;
use crate::graphql::enums::{AgencyKind, Role};
use crate::graphql::resolvers::row_object;

row_object! {
    #[Object]
    /// An agency taking part in the exchange.
    pub struct Agency(agency::Model) as a {
        /// Stable code, e.g. `health`, `police`, `health-380`.
        code: &str = &a.code;
        /// Official name.
        name: &str = &a.name;
        /// Kind of agency; permissions follow from it.
        kind: AgencyKind = a.kind.into();
        /// When an administrator disabled the agency; its tokens are refused while set. Null when active.
        disabled_at: Option<DateTime<Utc>> = a.disabled_at;
        /// The sector of a DEPARTMENT agency (education, labour, ...); null for the other kinds.
        sector: Option<&str> = a.sector.as_deref();
    }
    nodes {
        /// The district of a district-level agency; null for a province-level agency.
        district: District = a.district_id;
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

row_object! {
    #[Object]
    /// An access token's record. The token text is shown once, when issued, and never stored.
    pub struct ApiToken(api_token::Model) as t {
        /// Token id (the `jti` claim); pass it to `revokeToken`.
        jti: &str = &t.jti;
        /// Person or script the token was issued to.
        subject: &str = &t.subject;
        /// Role the token carries.
        role: Role = t.role.into();
        /// Who issued it, as "agency-code/subject".
        issued_by: &str = &t.issued_by;
        /// When it was issued.
        issued_at: DateTime<Utc> = t.issued_at;
        /// When it stops working.
        expires_at: DateTime<Utc> = t.expires_at;
        /// When it was revoked; null while it is not.
        revoked_at: Option<DateTime<Utc>> = t.revoked_at;
        /// Who revoked it; null while it is not revoked.
        revoked_by: Option<&str> = t.revoked_by.as_deref();
        /// Last request made with it, to within a minute; null if never used.
        last_used_at: Option<DateTime<Utc>> = t.last_used_at;
        /// Free text given at issue; null when none.
        note: Option<&str> = t.note.as_deref();
        /// True when neither revoked nor expired.
        active: bool = TokenState::of(t) == TokenState::Active;
    }
    nodes {
        /// Agency the token acts for.
        agency: Agency = t.agency_id;
    }

}

row_object! {
    #[Object]
    /// One entry of the audit log.
    pub struct AuditEvent(audit_event::Model) as e {
        /// Position in the log; increases with every entry.
        id: i64 = e.id;
        /// When the change was made.
        at: DateTime<Utc> = e.at;
        /// Agency of the actor (`cli` for the command-line operator).
        agency_code: &str = &e.agency_code;
        /// Person or script of the actor.
        subject: &str = &e.subject;
        /// Token used; null for the command-line operator.
        jti: Option<&str> = e.jti.as_deref();
        /// What was done, e.g. `district.update`, `token.revoke`.
        action: &str = &e.action;
        /// Kind of record, e.g. `district`.
        entity: &str = &e.entity;
        /// Key of the record (a code or id).
        entity_id: &str = &e.entity_id;
        /// The record before the change; null for a creation.
        before: Option<Json<serde_json::Value>> = e.before.clone().map(Json);
        /// The record after the change; null for a deletion.
        after: Option<Json<serde_json::Value>> = e.after.clone().map(Json);
        /// Id of the HTTP request that made the change; null outside HTTP.
        request_id: Option<&str> = e.request_id.as_deref();
    }
}

row_object! {
    #[Object]
    /// An operation on the allow-list, registered by an administrator.
    pub struct PersistedOperation(persisted_operation::Model) as op {
        /// Lower-case hex SHA-256 of `query`; clients send it as `extensions.persistedQuery.sha256Hash`.
        hash: &str = &op.hash;
        /// Name given at registration, e.g. the front-end screen that sends it.
        name: &str = &op.name;
        /// The operation's text.
        query: &str = &op.query;
        /// Who registered it.
        registered_by: &str = &op.registered_by;
        /// When it was registered.
        created_at: DateTime<Utc> = op.created_at;
    }
}

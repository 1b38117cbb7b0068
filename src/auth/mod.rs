//! Authentication: tokens in, an [`Actor`] out. The policy decides what the actor may do.

pub mod cache;
pub mod gate;
pub mod key_set;
mod keys;
mod token;

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use entity::{AgencyKind, Role, agency, api_token, district};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QuerySelect, RelationTrait,
};

pub use keys::Keys;
pub use token::{Claims, MAX_TOKEN_BYTES};

use crate::error::{AppError, AppResult};

/// The caller of one request: which agency, with which role, over which area, by which token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub agency_id: i32,
    pub agency_code: String,
    pub agency_name: String,
    pub agency_kind: AgencyKind,
    pub province_id: i32,
    /// Set for district-level agencies, whose scope is that district.
    pub district_id: Option<i32>,
    pub district_code: Option<String>,
    pub role: Role,
    pub subject: String,
    /// The token used; `None` for the command-line operator.
    pub jti: Option<String>,
    /// Request id for the audit log; `None` outside HTTP.
    pub request_id: Option<String>,
}

impl Actor {
    /// The operator at the command line: trusted with the database file or URL, acting as an
    /// administrator of the given province. Audited as agency `cli`.
    pub fn operator(province_id: i32, user: &str) -> Actor {
        Actor {
            agency_id: 0,
            agency_code: "cli".into(),
            agency_name: "Command-line operator".into(),
            agency_kind: AgencyKind::Administration,
            province_id,
            district_id: None,
            district_code: None,
            role: Role::Admin,
            subject: format!("operator:{user}"),
            jti: None,
            request_id: None,
        }
    }

    /// An agency acting without a token (demo loading, benchmarks, tests): the same permissions a token
    /// of this agency and role would carry.
    pub fn acting_as(
        agency: &agency::Model,
        district_code: Option<String>,
        role: Role,
        subject: &str,
    ) -> Actor {
        Actor {
            agency_id: agency.id,
            agency_code: agency.code.clone(),
            agency_name: agency.name.clone(),
            agency_kind: agency.kind,
            province_id: agency.province_id,
            district_id: agency.district_id,
            district_code,
            role,
            subject: subject.to_owned(),
            jti: None,
            request_id: None,
        }
    }

    /// "agency-code/subject", as stored in `issued_by` and `revoked_by`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.agency_code, self.subject)
    }

    #[cfg(test)]
    pub fn for_tests(
        kind: AgencyKind,
        role: Role,
        province_id: i32,
        district_id: Option<i32>,
    ) -> Actor {
        Actor {
            agency_id: 1,
            agency_code: "test".into(),
            agency_name: "Test".into(),
            agency_kind: kind,
            province_id,
            district_id,
            district_code: district_id.map(|d| d.to_string()),
            role,
            subject: "tester".into(),
            jti: None,
            request_id: None,
        }
    }
}

/// Width of the `api_token.jti` column.
const MAX_JTI_BYTES: usize = 64;

#[derive(Debug, FromQueryResult)]
struct TokenRow {
    agency_id: i32,
    agency_code: String,
    agency_name: String,
    agency_kind: AgencyKind,
    province_id: i32,
    district_id: Option<i32>,
    district_code: Option<String>,
    role: Role,
    subject: String,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// Verifies a bearer token and loads its actor in one indexed query (token, agency and district
/// joined; revoked and expired tokens excluded), so a revocation takes effect on the next request from
/// any process. Nothing is written here: use is recorded in memory and flushed by [`TokenUsage`].
pub async fn verify_token(
    db: &DatabaseConnection,
    keys: &Keys,
    usage: &TokenUsage,
    token: &str,
) -> AppResult<Actor> {
    let claims = keys.verify(token)?;
    load_actor(db, usage, claims).await
}

/// The actor of verified claims, from the stored token record (see [`verify_token`]).
pub async fn load_actor(
    db: &DatabaseConnection,
    usage: &TokenUsage,
    claims: Claims,
) -> AppResult<Actor> {
    // Only ids we could have issued reach the database: PostgreSQL refuses text holding NUL with an
    // error, which must not turn a bad token into a 500.
    if claims.jti.is_empty()
        || claims.jti.len() > MAX_JTI_BYTES
        || claims.jti.chars().any(char::is_control)
    {
        return Err(AppError::Unauthenticated);
    }
    let row = api_token::Entity::find()
        .select_only()
        .column_as(agency::Column::Id, "agency_id")
        .column_as(agency::Column::Code, "agency_code")
        .column_as(agency::Column::Name, "agency_name")
        .column_as(agency::Column::Kind, "agency_kind")
        .column_as(agency::Column::ProvinceId, "province_id")
        .column_as(agency::Column::DistrictId, "district_id")
        .column_as(district::Column::Code, "district_code")
        .column(api_token::Column::Role)
        .column(api_token::Column::Subject)
        .column(api_token::Column::IssuedAt)
        .column(api_token::Column::ExpiresAt)
        .join(JoinType::InnerJoin, api_token::Relation::Agency.def())
        .join(JoinType::LeftJoin, agency::Relation::District.def())
        .filter(api_token::Column::Jti.eq(claims.jti.as_str()))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(agency::Column::DisabledAt.is_null())
        .filter(api_token::Column::ExpiresAt.gt(Utc::now()))
        .into_model::<TokenRow>()
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    // The stored row is authoritative; a token whose claims disagree with it was not issued by us. That
    // includes its times: a re-signed copy with a later `exp` or an odd `iat` is refused.
    if row.agency_code != claims.agency
        || row.role.as_str() != claims.role
        || row.subject != claims.sub
        || row.issued_at.timestamp() != claims.iat
        || row.issued_at.timestamp() != claims.nbf
        || row.expires_at.timestamp() != claims.exp
    {
        return Err(AppError::Unauthenticated);
    }
    usage.record(&claims.jti);
    Ok(Actor {
        agency_id: row.agency_id,
        agency_code: row.agency_code,
        agency_name: row.agency_name,
        agency_kind: row.agency_kind,
        province_id: row.province_id,
        district_id: row.district_id,
        district_code: row.district_code,
        role: row.role,
        subject: row.subject,
        jti: Some(claims.jti),
        request_id: None,
    })
}

/// Last use of each token, kept in memory and written back periodically, so that requests never write.
#[derive(Debug, Default)]
pub struct TokenUsage {
    seen: Mutex<HashMap<String, DateTime<Utc>>>,
}

impl TokenUsage {
    pub fn record(&self, jti: &str) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(jti.to_owned(), Utc::now());
        }
    }

    /// Writes `last_used_at` for the tokens used since the last flush; returns how many.
    pub async fn flush(&self, db: &DatabaseConnection) -> AppResult<usize> {
        let pending: Vec<(String, DateTime<Utc>)> = match self.seen.lock() {
            Ok(mut seen) => seen.drain().collect(),
            Err(_) => return Ok(0),
        };
        for (jti, at) in &pending {
            api_token::Entity::update_many()
                .col_expr(api_token::Column::LastUsedAt, Expr::value(*at))
                .filter(api_token::Column::Jti.eq(jti.as_str()))
                .exec(db)
                .await?;
        }
        Ok(pending.len())
    }
}

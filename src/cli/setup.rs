//! `lienthong init`: the one-time step that makes an imported, migrated database a province's server:
//! its first ADMINISTRATION agency and that agency's ADMIN token, printed once (its text is never
//! stored, so it can never be printed again; further tokens come from `token issue` or the API).

use chrono::Duration;
use entity::{AgencyKind, Role, agency};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Output, print_json};
use crate::admin::agencies::{self, NewAgency};
use crate::admin::operators;
use crate::admin::tokens::{self, NewToken};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Debug, Clone, clap::Args)]
pub struct InitArgs {
    /// Province (GSO code) this server serves, e.g. 38 for Thanh Hóa.
    #[arg(long)]
    pub province: Option<String>,
    /// Code of the administration agency to create.
    #[arg(long, default_value = "admin")]
    pub agency_code: String,
    /// Its official name, e.g. "Văn phòng UBND tỉnh Thanh Hóa".
    #[arg(long)]
    pub agency_name: String,
    /// Person the ADMIN token is for.
    #[arg(long)]
    pub subject: String,
    /// Lifetime of the ADMIN token: 30d, 12h, 90m (at most 365d).
    #[arg(long, default_value = "30d")]
    pub ttl: String,
}

/// Creates the administration agency and prints its ADMIN token; refuses once the province has one.
pub async fn init(
    state: &AppState,
    operator: &str,
    args: InitArgs,
    output: Output,
) -> AppResult<()> {
    let ttl: Duration = tokens::parse_ttl(&args.ttl)?;
    let actor = operators::of_province(&state.db, args.province.as_deref(), operator).await?;
    let existing = agency::Entity::find()
        .filter(agency::Column::ProvinceId.eq(actor.province_id))
        .filter(agency::Column::Kind.eq(AgencyKind::Administration))
        .one(&state.db)
        .await?;
    if let Some(found) = existing {
        return Err(AppError::InvalidState(format!(
            "this province is already set up (administration agency {}); issue further tokens with \
             `lienthong token issue --agency {} --role ADMIN ...`",
            found.code, found.code
        )));
    }
    let ctx = state.ctx(&actor);
    let created = agencies::create(
        &ctx,
        NewAgency {
            code: args.agency_code,
            name: args.agency_name,
            kind: AgencyKind::Administration,
            district_code: None,
            sector: None,
        },
    )
    .await?;
    let issued = tokens::issue(
        &ctx,
        &state.keys,
        NewToken {
            agency_code: created.code.clone(),
            role: Role::Admin,
            subject: args.subject,
            ttl,
            note: Some("first ADMIN token, from lienthong init".into()),
        },
    )
    .await?;
    match output {
        Output::Json => print_json(&serde_json::json!({
            "agency": created.code,
            "jti": issued.record.jti,
            "expiresAt": issued.record.expires_at,
            "token": issued.text,
        })),
        Output::Text => {
            eprintln!(
                "created administration agency {}; its ADMIN token (jti {}, expires {}) follows. It is \
                 shown this once: store it now.",
                created.code, issued.record.jti, issued.record.expires_at
            );
            println!("{}", issued.text);
        }
    }
    Ok(())
}

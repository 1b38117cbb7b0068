//! `lienthong token issue | list | revoke`.

use clap::Subcommand;
use entity::Role;

use super::page_through;
use crate::admin::tokens::{self, NewToken, TokenFilter, TokenState};
use crate::admin::{agencies, operators};
use crate::auth::Keys;
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::state::AppState;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token; the token alone is printed on the last line of stdout.
    Issue {
        #[arg(long)]
        agency: String,
        /// VIEWER, EDITOR, APPROVER or ADMIN.
        #[arg(long)]
        role: String,
        /// Person or script the token is for.
        #[arg(long)]
        subject: String,
        /// Lifetime: 30d, 12h, 90m (at most 365d).
        #[arg(long, default_value = "30d")]
        ttl: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// List tokens (active ones unless --all).
    List {
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        all: bool,
        /// Province (GSO code) when the database holds several.
        #[arg(long)]
        province: Option<String>,
    },
    /// Revoke a token by its jti; effective on its next request.
    Revoke { jti: String },
}

pub async fn run(action: TokenCommand, state: &AppState, operator: &str) -> AppResult<()> {
    match action {
        TokenCommand::Issue {
            agency,
            role,
            subject,
            ttl,
            note,
        } => {
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::bad_input("role", "VIEWER, EDITOR, APPROVER or ADMIN"))?;
            let actor = operators::of_agency(&state.db, &agency, operator).await?;
            let new = NewToken {
                agency_code: agency,
                role,
                subject,
                ttl: tokens::parse_ttl(&ttl)?,
                note,
            };
            issue(&state.ctx(&actor), &state.keys, new).await
        }
        TokenCommand::List {
            agency,
            all,
            province,
        } => {
            let actor = operators::of_province(&state.db, province.as_deref(), operator).await?;
            let filter = TokenFilter {
                agency_code: agency,
                include_revoked: all,
            };
            list(&state.ctx(&actor), &filter).await
        }
        TokenCommand::Revoke { jti } => {
            let actor = operators::of_token(&state.db, &jti, operator).await?;
            let revoked = tokens::revoke(&state.ctx(&actor), &jti).await?;
            println!(
                "revoked {} at {}",
                revoked.jti,
                revoked
                    .revoked_at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default()
            );
            Ok(())
        }
    }
}

/// Issues the token: a line about it on stderr, the token alone on stdout.
async fn issue(ctx: &Ctx<'_>, keys: &Keys, new: NewToken) -> AppResult<()> {
    let (agency, role) = (new.agency_code.clone(), new.role);
    let issued = tokens::issue(ctx, keys, new).await?;
    eprintln!(
        "issued token {} for {} ({}), expires {}",
        issued.record.jti,
        agency,
        role.as_str(),
        issued.record.expires_at
    );
    println!("{}", issued.text);
    Ok(())
}

/// One line per token, with its agency and state, under a header.
async fn list(ctx: &Ctx<'_>, filter: &TokenFilter) -> AppResult<()> {
    println!(
        "{:<32}  {:<16} {:<9} {:<24} {:<20} STATE",
        "JTI", "AGENCY", "ROLE", "SUBJECT", "EXPIRES"
    );
    page_through(
        async |page| tokens::list(ctx, filter, page).await,
        async |rows| {
            let ids: Vec<i32> = rows.iter().map(|t| t.agency_id).collect();
            let owners = agencies::by_ids(ctx, &ids).await?;
            for t in &rows {
                let agency = owners
                    .iter()
                    .find(|a| a.id == t.agency_id)
                    .map_or("?", |a| a.code.as_str());
                println!(
                    "{:<32}  {:<16} {:<9} {:<24} {:<20} {}",
                    t.jti,
                    agency,
                    t.role.as_str(),
                    t.subject,
                    t.expires_at.format("%Y-%m-%d %H:%M"),
                    TokenState::of(t).as_str()
                );
            }
            Ok(())
        },
    )
    .await
}

//! `lienthong token issue | list | revoke`.

use clap::Subcommand;
use entity::Role;

use super::{Output, page_through, print_json};
use crate::admin::token_rotation;
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
        /// Only unexpired tokens expiring within this many days.
        #[arg(long)]
        expiring_within_days: Option<i32>,
        /// Province (GSO code) when the database holds several.
        #[arg(long)]
        province: Option<String>,
    },
    /// Revoke a token by its jti, or every active token of an agency; effective on the next request.
    Revoke {
        #[arg(required_unless_present = "agency", conflicts_with = "agency")]
        jti: Option<String>,
        /// Revoke all active tokens of this agency.
        #[arg(long)]
        agency: Option<String>,
    },
    /// Replace a token: a new one (same agency, role and subject, signed with the current key) is
    /// printed, the old one revoked.
    Rotate {
        jti: String,
        /// Lifetime of the new token: 30d, 12h, 90m (at most 365d).
        #[arg(long, default_value = "30d")]
        ttl: String,
    },
}

pub async fn run(
    action: TokenCommand,
    state: &AppState,
    operator: &str,
    output: Output,
) -> AppResult<()> {
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
            issue(&state.ctx(&actor), &state.keys, new, output).await
        }
        TokenCommand::List {
            agency,
            all,
            expiring_within_days,
            province,
        } => {
            let actor = operators::of_province(&state.db, province.as_deref(), operator).await?;
            let filter = TokenFilter {
                agency_code: agency,
                include_revoked: all,
                expiring_within_days,
            };
            list(&state.ctx(&actor), &filter, output).await
        }
        TokenCommand::Revoke {
            jti: Some(jti),
            agency: None,
        } => {
            let actor = operators::of_token(&state.db, &jti, operator).await?;
            let revoked = tokens::revoke(&state.ctx(&actor), &jti).await?;
            show_revoked(&[revoked], output);
            Ok(())
        }
        TokenCommand::Revoke { agency, .. } => {
            let code = agency.unwrap_or_default();
            let actor = operators::of_agency(&state.db, &code, operator).await?;
            let revoked = token_rotation::revoke_agency(&state.ctx(&actor), &code).await?;
            show_revoked(&revoked, output);
            Ok(())
        }
        TokenCommand::Rotate { jti, ttl } => {
            let actor = operators::of_token(&state.db, &jti, operator).await?;
            let ttl = tokens::parse_ttl(&ttl)?;
            let (issued, old) =
                token_rotation::rotate(&state.ctx(&actor), &state.keys, &jti, ttl).await?;
            match output {
                Output::Json => print_json(&serde_json::json!({
                    "revoked": old.jti,
                    "jti": issued.record.jti,
                    "expiresAt": issued.record.expires_at,
                    "token": issued.text,
                })),
                Output::Text => {
                    eprintln!(
                        "revoked {}; its successor {} expires {}",
                        old.jti, issued.record.jti, issued.record.expires_at
                    );
                    println!("{}", issued.text);
                }
            }
            Ok(())
        }
    }
}

fn show_revoked(revoked: &[entity::api_token::Model], output: Output) {
    match output {
        Output::Json => {
            let rows: Vec<_> = revoked
                .iter()
                .map(|t| serde_json::json!({ "jti": t.jti, "revokedAt": t.revoked_at }))
                .collect();
            print_json(&serde_json::json!({ "revoked": rows }));
        }
        Output::Text => {
            for t in revoked {
                println!(
                    "revoked {} at {}",
                    t.jti,
                    t.revoked_at.map(|t| t.to_rfc3339()).unwrap_or_default()
                );
            }
            eprintln!("{} token(s) revoked", revoked.len());
        }
    }
}

/// Issues the token: a line about it on stderr, the token alone on stdout (or one JSON document).
async fn issue(ctx: &Ctx<'_>, keys: &Keys, new: NewToken, output: Output) -> AppResult<()> {
    let (agency, role) = (new.agency_code.clone(), new.role);
    let issued = tokens::issue(ctx, keys, new).await?;
    if output == Output::Json {
        print_json(&serde_json::json!({
            "jti": issued.record.jti,
            "agency": agency,
            "role": role.as_str(),
            "expiresAt": issued.record.expires_at,
            "token": issued.text,
        }));
        return Ok(());
    }
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

/// One line per token, with its agency and state, under a header; or a JSON array.
async fn list(ctx: &Ctx<'_>, filter: &TokenFilter, output: Output) -> AppResult<()> {
    if output == Output::Text {
        println!(
            "{:<32}  {:<16} {:<9} {:<24} {:<20} STATE",
            "JTI", "AGENCY", "ROLE", "SUBJECT", "EXPIRES"
        );
    }
    let mut records = Vec::new();
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
                if output == Output::Json {
                    records.push(serde_json::json!({
                        "jti": t.jti,
                        "agency": agency,
                        "role": t.role.as_str(),
                        "subject": t.subject,
                        "issuedAt": t.issued_at,
                        "expiresAt": t.expires_at,
                        "lastUsedAt": t.last_used_at,
                        "kid": t.kid,
                        "state": TokenState::of(t).as_str(),
                    }));
                    continue;
                }
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
    .await?;
    if output == Output::Json {
        print_json(&records);
    }
    Ok(())
}

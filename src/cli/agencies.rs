//! `lienthong agency create | list`.

use clap::Subcommand;
use entity::AgencyKind;

use super::{Output, page_through, print_json};
use crate::admin::agencies::{self, NewAgency};
use crate::admin::operators;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Debug, Subcommand)]
pub enum AgencyCommand {
    /// Create an agency.
    Create {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// HEALTH, POLICE, TRANSPORT, BORDER_GUARD, PEOPLES_COMMITTEE, STEERING_COMMITTEE, ADMINISTRATION,
        /// DEPARTMENT.
        #[arg(long)]
        kind: String,
        /// The sector of a DEPARTMENT agency (education, labour, ...).
        #[arg(long)]
        sector: Option<String>,
        /// District (GSO code) of a district-level agency.
        #[arg(long)]
        district: Option<String>,
        /// Province (GSO code) of a province-level agency, when the database holds several.
        #[arg(long)]
        province: Option<String>,
    },
    /// List agencies.
    List {
        #[arg(long)]
        province: Option<String>,
    },
}

pub async fn run(
    action: AgencyCommand,
    state: &AppState,
    operator: &str,
    output: Output,
) -> AppResult<()> {
    match action {
        AgencyCommand::Create {
            code,
            name,
            kind,
            sector,
            district,
            province,
        } => {
            let kind = AgencyKind::parse(&kind).ok_or_else(|| AppError::bad_input("kind", "HEALTH, POLICE, TRANSPORT, BORDER_GUARD, PEOPLES_COMMITTEE, STEERING_COMMITTEE, ADMINISTRATION or DEPARTMENT"))?;
            let actor = match &district {
                Some(code) => operators::of_district(&state.db, code, operator).await?,
                None => operators::of_province(&state.db, province.as_deref(), operator).await?,
            };
            let new = NewAgency {
                code,
                name,
                kind,
                district_code: district,
                sector,
            };
            let created = agencies::create(&state.ctx(&actor), new).await?;
            if output == Output::Json {
                print_json(&created);
                return Ok(());
            }
            println!(
                "created agency {} ({})",
                created.code,
                created.kind.as_str()
            );
            Ok(())
        }
        AgencyCommand::List { province } => {
            let actor = operators::of_province(&state.db, province.as_deref(), operator).await?;
            let ctx = state.ctx(&actor);
            if output == Output::Text {
                println!("{:<20} {:<20} NAME", "CODE", "KIND");
            }
            let mut records = Vec::new();
            page_through(
                async |page| agencies::list(&ctx, page).await,
                async |rows| {
                    for a in rows {
                        match output {
                            Output::Json => records.push(a),
                            Output::Text => {
                                println!("{:<20} {:<20} {}", a.code, a.kind.as_str(), a.name);
                            }
                        }
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
    }
}

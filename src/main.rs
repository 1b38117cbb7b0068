//! `lienthong`: parse the command line, load the configuration once, dispatch.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use entity::{AgencyKind, Role, province};
use lienthong::admin::service::{self as admin, NewAgency, NewToken, TokenFilter};
use lienthong::auth::{Actor, Keys};
use lienthong::config::{Config, ConfigArgs, ServeArgs};
use lienthong::districts::import;
use lienthong::error::{AppError, AppResult};
use lienthong::keyset::{MAX_PAGE_SIZE, PageRequest};
use lienthong::{AppState, db, demo, reports, server, telemetry};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

#[derive(Debug, Parser)]
#[command(
    name = "lienthong",
    version,
    about = "Inter-agency epidemic-response data over GraphQL"
)]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database, then serve the API.
    Serve {
        /// Load the demo data set (Thanh Hóa) into an empty database and print demo tokens.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Load a data set.
    Seed {
        #[command(subcommand)]
        set: SeedSet,
    },
    /// Print the GraphQL schema (SDL) the server serves.
    Schema,
    /// Issue, list and revoke access tokens.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Create and list agencies.
    Agency {
        #[command(subcommand)]
        action: AgencyCommand,
    },
    /// Import reference data or reports.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Export data for scripts.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// Reports as CSV on stdout.
    Reports {
        /// First period (YYYY-MM-DD).
        #[arg(long)]
        period_from: Option<chrono::NaiveDate>,
        /// Last period (YYYY-MM-DD).
        #[arg(long)]
        period_to: Option<chrono::NaiveDate>,
        /// DAILY_VACCINATION, WEEKLY_EPIDEMIC or VACCINATION_CENSUS.
        #[arg(long)]
        kind: Option<String>,
        /// Output format (csv).
        #[arg(long, default_value = "csv")]
        format: String,
        /// Province (GSO code) when the database holds several.
        #[arg(long)]
        province: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum SeedSet {
    /// Thanh Hóa's districts, agencies and demo tokens.
    Demo,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
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

#[derive(Debug, Subcommand)]
enum AgencyCommand {
    /// Create an agency.
    Create {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// HEALTH, POLICE, TRANSPORT, BORDER_GUARD, PEOPLES_COMMITTEE, STEERING_COMMITTEE, ADMINISTRATION.
        #[arg(long)]
        kind: String,
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

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Districts from a CSV file (all rows or none).
    Districts { file: std::path::PathBuf },
    /// Reports from a CSV file (all rows or none); see README for the columns.
    Reports { file: std::path::PathBuf },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init_tracing(&cli.config.log, cli.config.log_format);
    let operator = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    match run(cli, &operator).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error [{}]: {err}", err.code());
            if let AppError::Internal(cause) = &err {
                eprintln!("cause: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, operator: &str) -> AppResult<()> {
    match cli.command {
        Command::Schema => {
            print!("{}", lienthong::sdl());
            Ok(())
        }
        Command::Serve { demo, serve } => {
            let config = Config::from_args(&cli.config, Some(&serve), demo)
                .map_err(|e| AppError::bad_input("epidemicRulesFile", e))?;
            run_server(config, demo, operator).await
        }
        command => {
            let config = Config::from_args(&cli.config, None, false)
                .map_err(|e| AppError::bad_input("config", e))?;
            let db = db::connect(&config).await?;
            db::migrate(&db).await?;
            let state = AppState::open(config, db).await?;
            run_admin(command, &state, operator).await
        }
    }
}

async fn run_server(config: Config, load_demo: bool, operator: &str) -> AppResult<()> {
    let state = AppState::build(config).await?;
    let listener = tokio::net::TcpListener::bind(&state.config.bind)
        .await
        .map_err(|e| AppError::bad_input("bind", format!("{}: {e}", state.config.bind)))?;
    let url = format!("http://{}", listener.local_addr()?);
    if load_demo {
        match demo::load(&state, operator).await? {
            Some(tokens) => print_demo_tokens(&tokens, &url),
            None => {
                eprintln!("The database already holds other data; the demo set was not loaded.")
            }
        }
    }
    eprintln!("lienthong listening on {url} (GraphiQL at {url}/, API at {url}/graphql)");
    server::serve(state, listener, server::shutdown_signal()).await?;
    Ok(())
}

fn print_demo_tokens(tokens: &[demo::DemoToken], url: &str) {
    println!("Demo tokens (valid 30 days):");
    for t in tokens {
        println!("  {:<14} {:<9} {}", t.agency, t.role.as_str(), t.token);
    }
    if let Some(health) = tokens.iter().find(|t| t.agency == "health") {
        println!("\nTry it:\n  curl -s {url}/graphql -H 'Content-Type: application/json' \\");
        println!("    -H 'Authorization: Bearer {}' \\", health.token);
        println!(
            "    -d '{{\"query\":\"{{ me {{ subject role agency {{ code name }} }} districts(first: 3) {{ totalCount edges {{ node {{ code name population meetsTreatmentCapacity }} }} }} }}\"}}'"
        );
    }
}

async fn run_admin(command: Command, state: &AppState, operator: &str) -> AppResult<()> {
    let (config, db) = (&*state.config, &state.db);
    match command {
        Command::Migrate => {
            eprintln!("database is up to date");
            Ok(())
        }
        Command::Seed { set: SeedSet::Demo } => {
            match demo::load(state, operator).await? {
                Some(tokens) => print_demo_tokens(&tokens, &format!("http://{}", config.bind)),
                None => {
                    eprintln!("The database already holds other data; the demo set was not loaded.")
                }
            }
            Ok(())
        }
        Command::Token { action } => token_command(action, config, db, operator).await,
        Command::Agency { action } => agency_command(action, db, operator).await,
        Command::Import {
            what: ImportCommand::Districts { file },
        } => {
            let reader = std::fs::File::open(&file)
                .map_err(|e| AppError::bad_input("file", format!("{}: {e}", file.display())))?;
            let rows = import::parse(std::io::BufReader::new(reader))?;
            let loader = Actor::operator(0, operator);
            let summary = import::import(&state.ctx(&loader), &rows).await?;
            println!(
                "imported {} districts: {} created, {} updated",
                rows.len(),
                summary.created,
                summary.updated
            );
            Ok(())
        }
        Command::Import {
            what: ImportCommand::Reports { file },
        } => {
            let reader = std::fs::File::open(&file)
                .map_err(|e| AppError::bad_input("file", format!("{}: {e}", file.display())))?;
            let rows = reports::csv::parse(std::io::BufReader::new(reader))?;
            let loader = Actor::operator(0, operator);
            let imported = reports::csv::import(&state.ctx(&loader), &rows).await?;
            println!("imported {imported} reports");
            Ok(())
        }
        Command::Export {
            what:
                ExportCommand::Reports {
                    period_from,
                    period_to,
                    kind,
                    format,
                    province,
                },
        } => {
            if !format.eq_ignore_ascii_case("csv") {
                return Err(AppError::bad_input("format", "csv is the one format"));
            }
            let kind = kind.as_deref().map(reports::csv::parse_kind).transpose()?;
            let actor = operator_for(db, province.as_deref(), operator).await?;
            let filter = reports::read::ReportFilter {
                kind,
                periods: (period_from, period_to),
                ..Default::default()
            };
            print!(
                "{}",
                reports::csv::export(&state.ctx(&actor), &filter).await?
            );
            Ok(())
        }
        Command::Schema | Command::Serve { .. } => Ok(()),
    }
}

async fn token_command(
    action: TokenCommand,
    config: &Config,
    db: &DatabaseConnection,
    operator: &str,
) -> AppResult<()> {
    match action {
        TokenCommand::Issue {
            agency,
            role,
            subject,
            ttl,
            note,
        } => {
            let keys = Keys::load(config)?;
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::bad_input("role", "VIEWER, EDITOR, APPROVER or ADMIN"))?;
            let target = admin::find_agency(db, &agency).await?;
            let actor = Actor::operator(target.province_id, operator);
            let new = NewToken {
                agency_code: agency,
                role,
                subject,
                ttl: admin::parse_ttl(&ttl)?,
                note,
            };
            let issued = admin::issue_token(db, &keys, &actor, new).await?;
            eprintln!(
                "issued token {} for {} ({}), expires {}",
                issued.record.jti,
                target.code,
                role.as_str(),
                issued.record.expires_at
            );
            println!("{}", issued.text);
            Ok(())
        }
        TokenCommand::List {
            agency,
            all,
            province,
        } => {
            let actor = operator_for(db, province.as_deref(), operator).await?;
            let filter = TokenFilter {
                agency_code: agency,
                include_revoked: all,
            };
            let mut after = None;
            println!(
                "{:<32}  {:<16} {:<9} {:<24} {:<20} STATE",
                "JTI", "AGENCY", "ROLE", "SUBJECT", "EXPIRES"
            );
            loop {
                let page = admin::list_tokens(
                    db,
                    &actor,
                    &filter,
                    PageRequest::new(Some(MAX_PAGE_SIZE as i32), after, false)?,
                )
                .await?;
                let agencies = admin::agencies_by_ids(
                    db,
                    &page
                        .items
                        .iter()
                        .map(|(_, t)| t.agency_id)
                        .collect::<Vec<_>>(),
                )
                .await?;
                for (_, t) in &page.items {
                    let agency = agencies
                        .iter()
                        .find(|a| a.id == t.agency_id)
                        .map_or("?", |a| a.code.as_str());
                    let state = if t.revoked_at.is_some() {
                        "revoked"
                    } else if t.expires_at < chrono::Utc::now() {
                        "expired"
                    } else {
                        "active"
                    };
                    println!(
                        "{:<32}  {:<16} {:<9} {:<24} {:<20} {}",
                        t.jti,
                        agency,
                        t.role.as_str(),
                        t.subject,
                        t.expires_at.format("%Y-%m-%d %H:%M"),
                        state
                    );
                }
                if !page.has_next {
                    break;
                }
                after = page.items.last().map(|(k, _)| *k);
            }
            Ok(())
        }
        TokenCommand::Revoke { jti } => {
            let token = entity::api_token::Entity::find()
                .filter(entity::api_token::Column::Jti.eq(jti.as_str()))
                .one(db)
                .await?
                .ok_or_else(|| AppError::not_found("token", &jti))?;
            let owner = entity::agency::Entity::find_by_id(token.agency_id)
                .one(db)
                .await?
                .ok_or_else(|| AppError::not_found("agency", token.agency_id))?;
            let revoked =
                admin::revoke_token(db, &Actor::operator(owner.province_id, operator), &jti)
                    .await?;
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

async fn agency_command(
    action: AgencyCommand,
    db: &DatabaseConnection,
    operator: &str,
) -> AppResult<()> {
    match action {
        AgencyCommand::Create {
            code,
            name,
            kind,
            district,
            province,
        } => {
            let kind = AgencyKind::parse(&kind).ok_or_else(|| AppError::bad_input("kind", "HEALTH, POLICE, TRANSPORT, BORDER_GUARD, PEOPLES_COMMITTEE, STEERING_COMMITTEE or ADMINISTRATION"))?;
            let actor = match &district {
                Some(code) => Actor::operator(
                    lienthong::districts::lookup::by_code(db, code)
                        .await?
                        .province_id,
                    operator,
                ),
                None => operator_for(db, province.as_deref(), operator).await?,
            };
            let created = admin::create_agency(
                db,
                &actor,
                NewAgency {
                    code,
                    name,
                    kind,
                    district_code: district,
                },
            )
            .await?;
            println!(
                "created agency {} ({})",
                created.code,
                created.kind.as_str()
            );
            Ok(())
        }
        AgencyCommand::List { province } => {
            let actor = operator_for(db, province.as_deref(), operator).await?;
            let mut after = None;
            println!("{:<20} {:<20} NAME", "CODE", "KIND");
            loop {
                let page = admin::list_agencies(
                    db,
                    &actor,
                    PageRequest::new(Some(MAX_PAGE_SIZE as i32), after, false)?,
                )
                .await?;
                for (_, a) in &page.items {
                    println!("{:<20} {:<20} {}", a.code, a.kind.as_str(), a.name);
                }
                if !page.has_next {
                    break;
                }
                after = page.items.last().map(|(k, _)| *k);
            }
            Ok(())
        }
    }
}

/// The operator acting on one province: the one named, or the only one the database holds.
async fn operator_for(
    db: &DatabaseConnection,
    province_code: Option<&str>,
    operator: &str,
) -> AppResult<Actor> {
    let provinces = match province_code {
        Some(code) => {
            province::Entity::find()
                .filter(province::Column::Code.eq(code))
                .all(db)
                .await?
        }
        None => province::Entity::find().all(db).await?,
    };
    match provinces.as_slice() {
        [only] => Ok(Actor::operator(only.id, operator)),
        [] => Err(AppError::bad_input(
            "province",
            "no such province; import districts first",
        )),
        _ => Err(AppError::bad_input(
            "province",
            "several provinces: name one with --province",
        )),
    }
}

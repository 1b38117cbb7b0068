//! `lienthong`: parse the command line, load the configuration once, dispatch to `lienthong::cli`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lienthong::cli::Output;
use lienthong::cli::agencies::AgencyCommand;
use lienthong::cli::tokens::TokenCommand;
use lienthong::config::{Config, ConfigArgs, ServeArgs};
use lienthong::error::{AppError, AppResult};
use lienthong::{AppState, cli, db, schema_version, telemetry};

/// mimalloc in place of the system allocator: a response of a few hundred rows allocates thousands of
/// small values across worker threads, where glibc's arenas spend a quarter of the CPU and contend on
/// their locks (README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "lienthong",
    version,
    about = "Inter-agency epidemic-response data over GraphQL"
)]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    /// Output of commands that print records: `text` for people, `json` for scripts.
    #[arg(long, global = true, value_enum, default_value = "text")]
    output: Output,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (the schema must be up to date unless --migrate is given).
    Serve {
        /// Load the demo data set (Thanh Hóa) into an empty database and print demo tokens; implies
        /// --migrate. Refuses a database holding non-demo data.
        #[arg(long)]
        demo: bool,
        /// Bring the schema up to date before serving.
        #[arg(long)]
        migrate: bool,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Bring the database schema up to date (one process at a time), or show its state.
    Migrate {
        #[command(subcommand)]
        action: Option<MigrateCommand>,
    },
    /// Set up a province's database for service: its first administration agency and ADMIN token.
    Init(cli::setup::InitArgs),
    /// Copy a live SQLite database to a file, consistently, while writes continue.
    Backup {
        /// The copy to write (must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Manage the token signing key set: add a key, make it current, retire one.
    Key {
        #[command(subcommand)]
        action: cli::keys::KeyCommand,
    },
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
enum MigrateCommand {
    /// List every migration and whether the database has it; exit status 2 when some are pending.
    Status,
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
enum ImportCommand {
    /// Districts from a CSV file (all rows or none).
    Districts { file: std::path::PathBuf },
    /// Reports from a CSV file (all rows or none); see README for the columns.
    Reports { file: std::path::PathBuf },
}

fn main() -> ExitCode {
    match lienthong::runtime::build() {
        Ok(runtime) => runtime.block_on(main_async()),
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn main_async() -> ExitCode {
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
    let output = cli.output;
    match cli.command {
        Command::Schema => {
            print!("{}", lienthong::sdl());
            Ok(())
        }
        Command::Serve {
            demo,
            migrate,
            serve,
        } => {
            let config = Config::from_args(&cli.config, Some(&serve), demo)
                .map_err(|e| AppError::bad_input("epidemicRulesFile", e))?;
            cli::serve::serve(config, demo, migrate, operator).await
        }
        Command::Key { action } => {
            let config = Config::from_args(&cli.config, None, false)
                .map_err(|e| AppError::bad_input("config", e))?;
            cli::keys::run(action, &config, output).await
        }
        command => {
            let config = Config::from_args(&cli.config, None, false)
                .map_err(|e| AppError::bad_input("config", e))?;
            let db = db::connect(&config).await?;
            match &command {
                // Only `migrate` (and `serve --migrate`) changes the schema.
                Command::Migrate { action: None } => {
                    let applied = schema_version::migrate_locked(&db, &config.database_url).await?;
                    cli::migrations::print_applied(&applied, output);
                    return Ok(());
                }
                Command::Migrate {
                    action: Some(MigrateCommand::Status),
                } => return cli::migrations::status(&db, output).await,
                Command::Backup { to } => return cli::backup::run(&db, to, output).await,
                _ => schema_version::require_current(&db).await?,
            }
            let state = AppState::open(config, db).await?;
            run_admin(command, &state, operator, output).await
        }
    }
}

async fn run_admin(
    command: Command,
    state: &AppState,
    operator: &str,
    output: Output,
) -> AppResult<()> {
    let config = &*state.config;
    match command {
        Command::Init(args) => cli::setup::init(state, operator, args, output).await,
        Command::Seed { set: SeedSet::Demo } => {
            cli::serve::seed_demo(state, operator, &format!("http://{}", config.bind)).await
        }
        Command::Token { action } => cli::tokens::run(action, state, operator, output).await,
        Command::Agency { action } => cli::agencies::run(action, state, operator, output).await,
        Command::Import {
            what: ImportCommand::Districts { file },
        } => cli::import_districts(state, operator, &file, output).await,
        Command::Import {
            what: ImportCommand::Reports { file },
        } => cli::reports::import(state, operator, &file, output).await,
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
            let args = cli::reports::ExportArgs {
                period_from,
                period_to,
                kind,
                format,
                province,
            };
            cli::reports::export(state, operator, args).await
        }
        Command::Schema
        | Command::Serve { .. }
        | Command::Migrate { .. }
        | Command::Backup { .. }
        | Command::Key { .. } => Ok(()),
    }
}

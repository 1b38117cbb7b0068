//! `lienthong serve` and `lienthong seed demo`.

use crate::config::Config;
use crate::demo::{self, DemoToken};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::{db, schema_version, server};

/// Brings the schema up to date when asked (`--migrate`, implied by `--demo`) and otherwise refuses an
/// out-of-date one; loads the demo set if asked (printing its tokens), then serves until SIGTERM or
/// Ctrl-C.
pub async fn serve(
    config: Config,
    load_demo: bool,
    migrate: bool,
    operator: &str,
) -> AppResult<()> {
    let conn = db::connect(&config).await?;
    if migrate || load_demo {
        let applied = schema_version::migrate_locked(&conn, &config.database_url).await?;
        if !applied.is_empty() {
            tracing::info!(migrations = %applied.join(", "), "applied migrations");
        }
    } else {
        schema_version::require_current(&conn).await?;
    }
    let state = AppState::with_db(config, conn).await?;
    let listener = tokio::net::TcpListener::bind(&state.config.bind)
        .await
        .map_err(|e| AppError::bad_input("bind", format!("{}: {e}", state.config.bind)))?;
    let url = format!("http://{}", listener.local_addr()?);
    if load_demo {
        seed_demo(&state, operator, &url).await?;
    }
    let metrics = match &state.config.metrics_bind {
        Some(bind) => Some(
            tokio::net::TcpListener::bind(bind)
                .await
                .map_err(|e| AppError::bad_input("metricsBind", format!("{bind}: {e}")))?,
        ),
        None => None,
    };
    if let Some(m) = &metrics {
        eprintln!("metrics on http://{}/metrics", m.local_addr()?);
    }
    eprintln!(
        "lienthong listening on {url} (GraphiQL at {url}/, situation board at {url}/board, API at {url}/graphql)"
    );
    server::serve_with_metrics(state, listener, metrics, server::shutdown_signal()).await?;
    Ok(())
}

/// Loads the demo set into an empty (or demo) database and prints its tokens, with a first request to
/// try at `url`. A database holding other data is refused (see [`demo::load`]).
pub async fn seed_demo(state: &AppState, operator: &str, url: &str) -> AppResult<()> {
    let tokens = demo::load(state, operator).await?;
    print_demo_tokens(&tokens, url);
    Ok(())
}

fn print_demo_tokens(tokens: &[DemoToken], url: &str) {
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

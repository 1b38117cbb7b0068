//! `lienthong serve` and `lienthong seed demo`.

use crate::config::Config;
use crate::demo::{self, DemoToken};
use crate::error::{AppError, AppResult};
use crate::server;
use crate::state::AppState;

/// Migrates, loads the demo set if asked (printing its tokens), then serves until SIGTERM or Ctrl-C.
pub async fn serve(config: Config, load_demo: bool, operator: &str) -> AppResult<()> {
    let state = AppState::build(config).await?;
    let listener = tokio::net::TcpListener::bind(&state.config.bind)
        .await
        .map_err(|e| AppError::bad_input("bind", format!("{}: {e}", state.config.bind)))?;
    let url = format!("http://{}", listener.local_addr()?);
    if load_demo {
        seed_demo(&state, operator, &url).await?;
    }
    eprintln!("lienthong listening on {url} (GraphiQL at {url}/, API at {url}/graphql)");
    server::serve(state, listener, server::shutdown_signal()).await?;
    Ok(())
}

/// Loads the demo set into an empty database and prints its tokens, with a first request to try at `url`.
pub async fn seed_demo(state: &AppState, operator: &str, url: &str) -> AppResult<()> {
    match demo::load(state, operator).await? {
        Some(tokens) => print_demo_tokens(&tokens, url),
        None => eprintln!("The database already holds other data; the demo set was not loaded."),
    }
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

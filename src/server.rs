//! The HTTP server: routes, middleware, the accept loop with header-read timeout, graceful shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::error::AppError;
use crate::graphql::handler::{self, GraphqlState};
use crate::graphql::{
    board, build_introspection_schema, build_revalidating_schema, build_schema, graphiql, ws,
};
use crate::http_error::{self, AccessNote};
use crate::state::AppState;

/// The whole HTTP application. Tests drive this same router.
pub fn build_app(state: AppState) -> Router {
    let config = state.config.clone();
    let gql = GraphqlState {
        schema: build_schema(&state),
        introspection: build_introspection_schema(&state),
        revalidating: build_revalidating_schema(&state),
        documents: Default::default(),
        app: state.clone(),
    };
    let api = Router::new()
        .route("/graphql", get(handler::get).post(handler::post))
        .route("/graphql/ws", get(ws::handler))
        .with_state(gql);
    let ops = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(
            "/export/reports.csv",
            get(crate::reports::export::reports_csv),
        )
        .merge(graphiql::routes())
        .merge(board::routes())
        .with_state(state.clone());
    // `/metrics` stays off the public port unless a token guards it (or it has a listener of its own).
    let ops = match &config.metrics_token {
        Some(_) => ops.merge(metrics_routes(state.clone())),
        None => ops,
    };
    // CSV imports take larger bodies than GraphQL requests: a limit of their own.
    let imports = Router::new()
        .route("/import/districts.csv", post(crate::http_import::districts))
        .route("/import/reports.csv", post(crate::http_import::reports))
        .layer(axum::extract::DefaultBodyLimit::max(
            config.import_limit_bytes,
        ))
        .layer(RequestBodyLimitLayer::new(config.import_limit_bytes))
        .with_state(state.clone());
    // The body limit sits next to the routes: it changes the request body type, which the middleware
    // outside it does not need to know.
    api.merge(ops).layer(RequestBodyLimitLayer::new(config.body_limit_bytes)).merge(imports).layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                // Path only: query strings can carry personal data and are never logged.
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(compression(config.compress_min_bytes))
            .layer(middleware::from_fn(track))
            .layer(middleware::map_response_with_state(config.clone(), refusals_as_json))
            .layer(middleware::from_fn(crate::timeout_cause::watch))
            .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.request_timeout))
            .layer(cors(&config.cors_origins)),
    )
}

fn cors(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(Duration::from_secs(600))
}

/// The body limit and the timeout answer with bare statuses; give those the JSON error shape and code
/// every other refusal has.
async fn refusals_as_json(State(config): State<Arc<Config>>, response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let server_was_slow = response
        .extensions()
        .get::<crate::timeout_cause::TimedOut>()
        .is_some_and(|t| t.body_received);
    let err = match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE if !is_json => AppError::bad_input(
            "body",
            format!("larger than {} bytes", config.body_limit_bytes),
        ),
        // A handler that had the whole request and still ran out of time: 503 TIMEOUT, the server was
        // too slow. A client still sending its body keeps 408.
        StatusCode::REQUEST_TIMEOUT if !is_json && server_was_slow => AppError::Timeout(format!(
            "not completed within {} s; a write may still have committed: retry with the same \
             idempotency key",
            config.request_timeout.as_secs_f64()
        )),
        StatusCode::REQUEST_TIMEOUT if !is_json => AppError::bad_input(
            "request",
            format!(
                "not received within {} s",
                config.request_timeout.as_secs_f64()
            ),
        ),
        _ => return response,
    };
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = match response.status() {
        StatusCode::REQUEST_TIMEOUT if server_was_slow => StatusCode::SERVICE_UNAVAILABLE,
        status => status,
    };
    let mut refusal = http_error::error_response(status, &err, id.as_deref());
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        // The rest of the body is never read, so the connection cannot carry another request; say so,
        // or a client reusing it finds it closed under its next request.
        refusal
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    refusal
}

/// Request count and latency by route and status, and one access-log line at INFO per request.
async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let method = req.method().to_string();
    // Path only: query strings can carry personal data and are never logged.
    let uri_path = req.uri().path().to_owned();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let response = next.run(req).await;
    let status = response.status().as_u16();
    let elapsed = start.elapsed();
    let note = response
        .extensions()
        .get::<AccessNote>()
        .cloned()
        .unwrap_or_default();
    let operation: String = note
        .operation
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect();
    tracing::info!(
        target: "lienthong::access",
        method = %method,
        path = %uri_path,
        status,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        operation = %operation,
        request_id = %request_id,
        agency = %note.agency.unwrap_or_default(),
        "request"
    );
    metrics::counter!("http_requests_total", "path" => path.clone(), "method" => method, "status" => status.to_string()).increment(1);
    metrics::histogram!("http_request_duration_seconds", "path" => path)
        .record(elapsed.as_secs_f64());
    response
}

/// gzip for clients that accept it, on bodies of at least `min_bytes` (small ones gain nothing).
fn compression(
    min_bytes: u16,
) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
    tower_http::compression::CompressionLayer::new().compress_when(
        SizeAbove::new(min_bytes)
            .and(NotForContentType::GRPC)
            .and(NotForContentType::IMAGES)
            .and(NotForContentType::SSE),
    )
}

/// `/metrics`, behind the metrics token when one is configured.
pub fn metrics_routes(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics_text))
        .with_state(state)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The database answers a statement. (Not the driver's ping, which a connection that answered within
/// the last second skips: see vendor/README.md.)
async fn readyz(State(state): State<AppState>) -> Response {
    use sea_orm::ConnectionTrait;
    let asked = state.db.execute_unprepared("SELECT 1");
    match tokio::time::timeout(Duration::from_secs(2), asked).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

/// Marks requests that came in on the metrics listener (an extension: clients cannot set it).
#[derive(Debug, Clone, Copy)]
struct MetricsListener;

async fn metrics_text(
    State(state): State<AppState>,
    own_listener: Option<axum::Extension<MetricsListener>>,
    headers: axum::http::HeaderMap,
) -> Response {
    // On a listener of its own no token is asked; on the public port the metrics token is.
    if let Some(expected) = &state.config.metrics_token
        && own_listener.is_none()
    {
        use sha2::{Digest, Sha256};
        let given = crate::auth::gate::bearer(&headers).unwrap_or_default();
        if Sha256::digest(given.as_bytes()) != Sha256::digest(expected.as_bytes()) {
            return http_error::refusal(&AppError::Unauthenticated, None);
        }
    }
    crate::telemetry::refresh_token_gauges(&state).await;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::telemetry::render(&state),
    )
        .into_response()
}

/// Serves as [`serve`], with `/metrics` on `metrics` when given (a listener of its own, no token).
pub async fn serve_with_metrics(
    state: AppState,
    listener: TcpListener,
    metrics: Option<TcpListener>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let side = metrics.map(|listener| {
        let app = metrics_routes(state.clone()).layer(middleware::map_request(
            |mut req: Request| async move {
                req.extensions_mut().insert(MetricsListener);
                req
            },
        ));
        tokio::spawn(async move { axum::serve(listener, app).await })
    });
    let result = serve(state, listener, shutdown).await;
    if let Some(side) = side {
        side.abort();
    }
    result
}

/// Serves until `shutdown` resolves, then stops accepting, lets in-flight requests finish within the
/// configured grace period, and writes back token usage.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    crate::telemetry::metrics_handle();
    let app = build_app(state.clone());
    let background = tokio::spawn(housekeeping(state.clone()));
    let sweeps = tokio::spawn(overdue_sweeps(state.clone()));
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(state.config.header_read_timeout);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(conn) => conn,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little rather than spin or die.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // An answer leaves in one write; Nagle's wait for an ACK would only delay it.
                if let Err(e) = stream.set_nodelay(true) {
                    tracing::debug!(error = %e, "could not set TCP_NODELAY");
                }
                let service = TowerToHyperService::new(app.clone());
                let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
                let watched = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = watched.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: draining in-flight requests");
    if tokio::time::timeout(state.config.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("grace period over; closing remaining connections");
    }
    background.abort();
    sweeps.abort();
    if let Err(e) = state.token_usage.flush(&state.db).await {
        tracing::warn!(error = %e, "could not write back token usage");
    }
    Ok(())
}

/// Periodic work: write back token usage, forget idle rate-limit entries, prune the event log.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(state.config.token_usage_flush);
    tick.tick().await;
    loop {
        tick.tick().await;
        if let Err(e) = state.token_usage.flush(&state.db).await {
            tracing::warn!(error = %e, "could not write back token usage");
        }
        state.rate_limiter.forget_idle();
        // The event log keeps what a resuming subscription may replay, and no more.
        if let Err(e) = crate::live::log::prune(&state.db, &state.config, state.clock.now()).await {
            tracing::warn!(error = %e, "could not prune the event log");
        }
    }
}

/// Alerts health of overdue quarantine tests and cohort members, every `sweep_every` (first after one
/// period). Each sweep is idempotent: an overdue test raises one alert however many sweeps see it, on
/// however many server processes.
async fn overdue_sweeps(state: AppState) {
    let sweeper = crate::auth::Actor::operator(0, "overdue-sweep");
    let mut tick = tokio::time::interval(state.config.quarantine.sweep_every);
    tick.tick().await;
    loop {
        tick.tick().await;
        let ctx = state.ctx(&sweeper);
        if let Err(e) = crate::quarantine::schedule::sweep_overdue(&ctx).await {
            tracing::warn!(error = %e, "could not sweep overdue quarantine tests");
        }
        if let Err(e) = crate::ports::cohorts::sweep_overdue(&ctx).await {
            tracing::warn!(error = %e, "could not sweep overdue cohort tests");
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

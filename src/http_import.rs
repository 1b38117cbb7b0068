//! `POST /import/districts.csv` and `POST /import/reports.csv`: the command line's imports for scripts
//! holding a bearer token (an administrator's). The same all-or-nothing rules and line-numbered errors;
//! `?dryRun=true` checks everything, writes nothing; bodies above `import_limit_bytes` are refused.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::gate;
use crate::districts::import as districts;
use crate::error::{AppError, AppResult};
use crate::http_error::{error_response, status_of};
use crate::reports::csv as reports;
use crate::state::AppState;

/// The query string.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportParams {
    #[serde(default)]
    dry_run: bool,
}

/// `POST /import/districts.csv`.
pub async fn districts(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ImportParams>, QueryRejection>,
    body: Bytes,
) -> Response {
    let dry_run = params.as_ref().is_ok_and(|Query(p)| p.dry_run);
    answer(&headers, async {
        params.map_err(|e| AppError::bad_input("query", e.body_text()))?;
        let actor = admitted(&app, &headers, &body).await?;
        let rows = districts::parse(&body[..])?;
        let summary = districts::import_or_check(&app.ctx(&actor), &rows, dry_run).await?;
        Ok(serde_json::json!({
            "dryRun": dry_run,
            "rows": rows.len(),
            "created": summary.created,
            "updated": summary.updated,
        }))
    })
    .await
}

/// `POST /import/reports.csv`.
pub async fn reports(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ImportParams>, QueryRejection>,
    body: Bytes,
) -> Response {
    let dry_run = params.as_ref().is_ok_and(|Query(p)| p.dry_run);
    answer(&headers, async {
        params.map_err(|e| AppError::bad_input("query", e.body_text()))?;
        let actor = admitted(&app, &headers, &body).await?;
        let rows = reports::parse(&body[..])?;
        let imported = reports::import_or_check(&app.ctx(&actor), &rows, dry_run).await?;
        Ok(serde_json::json!({ "dryRun": dry_run, "rows": imported }))
    })
    .await
}

/// The caller, once the body is within the import limit.
async fn admitted(
    app: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> AppResult<crate::auth::Actor> {
    let actor = gate::authenticate(app, gate::bearer(headers), gate::request_id(headers)).await?;
    if body.len() > app.config.import_limit_bytes {
        return Err(AppError::bad_input(
            "body",
            format!("larger than {} bytes", app.config.import_limit_bytes),
        ));
    }
    Ok(actor)
}

async fn answer(
    headers: &HeaderMap,
    work: impl Future<Output = AppResult<serde_json::Value>>,
) -> Response {
    let request_id = gate::request_id(headers);
    match work.await {
        Ok(summary) => (StatusCode::OK, axum::Json(summary)).into_response(),
        Err(err) => {
            if let AppError::Internal(cause) = &err {
                tracing::error!(%cause, "import failed");
            }
            // A script branches on the status: a refusal of the caller is 403, not a bad file.
            let status = match err {
                AppError::Forbidden(_) => StatusCode::FORBIDDEN,
                _ => status_of(&err),
            };
            error_response(status, &err, request_id.as_deref())
        }
    }
}

//! `GET /export/reports.csv?kind=&district=&from=&to=`: the reports the caller may read, as CSV, for
//! scripts holding a bearer token like the API's. The caller's scope applies.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::csv::{export, parse_kind};
use super::read::ReportFilter;
use crate::auth::gate;
use crate::error::{AppError, AppResult};
use crate::http_error::{error_response, status_of};
use crate::state::AppState;

/// The query string: every part optional.
#[derive(Debug, Deserialize)]
pub struct ExportParams {
    kind: Option<String>,
    district: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

impl ExportParams {
    fn into_filter(self) -> AppResult<ReportFilter> {
        Ok(ReportFilter {
            district_code: self.district,
            kind: self.kind.as_deref().map(parse_kind).transpose()?,
            periods: (self.from, self.to),
            ..Default::default()
        })
    }
}

/// The route's handler: CSV, or the API's JSON error shape and status.
pub async fn reports_csv(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> Response {
    let request_id = gate::request_id(&headers);
    match csv_for(&app, &headers, params, request_id.clone()).await {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            text,
        )
            .into_response(),
        Err(err) => {
            if let AppError::Internal(cause) = &err {
                tracing::error!(%cause, "export failed");
            }
            error_response(status_of(&err), &err, request_id.as_deref())
        }
    }
}

async fn csv_for(
    app: &AppState,
    headers: &HeaderMap,
    params: Result<Query<ExportParams>, QueryRejection>,
    request_id: Option<String>,
) -> AppResult<String> {
    let Query(params) = params.map_err(|e| AppError::bad_input("query", e.body_text()))?;
    let actor = gate::authenticate(app, gate::bearer(headers), request_id).await?;
    export(&app.ctx(&actor), &params.into_filter()?).await
}

//! The `/graphql` handler. Ours rather than the library's, to enforce DESIGN.md §8: JSON-only POSTs, no
//! batches, no mutations over GET, an alias limit, introspection refused when off, authentication before execution, masked internal
//! errors carrying the request id, and error codes counted in the metrics.

use async_graphql::parser::types::{
    ExecutableDocument, Field, OperationType, Selection, SelectionSet,
};
use async_graphql::{Positioned, Request, Response, ServerError};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use serde::Deserialize;

use super::AppSchema;
use super::loaders::Loaders;
use super::personal_reads::PersonalReads;
use crate::admin::operations;
use crate::auth::gate::{authenticate, bearer, request_id};
use crate::error::{AppError, code};
use crate::state::AppState;

/// State of the GraphQL routes: the application and its schema.
#[derive(Clone)]
pub struct GraphqlState {
    pub app: AppState,
    pub schema: AppSchema,
}

/// A GraphQL error response with one error and an HTTP status, in the same shape as execution errors.
pub fn error_response(
    status: StatusCode,
    err: &AppError,
    request_id: Option<&str>,
) -> HttpResponse {
    metrics::counter!("graphql_errors_total", "code" => err.code()).increment(1);
    let mut extensions = serde_json::json!({ "code": err.code() });
    if let AppError::BadUserInput { field, .. } = err {
        extensions["field"] = field.as_str().into();
    }
    if let (AppError::Internal(_), Some(id)) = (err, request_id) {
        extensions["requestId"] = id.into();
    }
    let body =
        serde_json::json!({ "errors": [{ "message": err.to_string(), "extensions": extensions }] });
    (status, Json(body)).into_response()
}

/// The HTTP status for an error answered before or instead of GraphQL execution.
pub fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        AppError::OperationNotAllowed(_) => StatusCode::FORBIDDEN,
        AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

pub async fn post(
    State(gql): State<GraphqlState>,
    headers: HeaderMap,
    body: Bytes,
) -> HttpResponse {
    let rid = request_id(&headers);
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        let err = AppError::bad_input("Content-Type", "POST /graphql takes application/json");
        return error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, &err, rid.as_deref());
    }
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                &AppError::bad_input("body", format!("invalid JSON: {e}")),
                rid.as_deref(),
            );
        }
    };
    if value.is_array() {
        let err = AppError::bad_input(
            "body",
            "batched requests are not supported: send one operation per request",
        );
        return error_response(StatusCode::BAD_REQUEST, &err, rid.as_deref());
    }
    let request: Request = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                &AppError::bad_input("body", format!("not a GraphQL request: {e}")),
                rid.as_deref(),
            );
        }
    };
    execute(&gql, &headers, request, rid, true).await
}

/// Query-string form of a GET request.
#[derive(Debug, Deserialize)]
pub struct GetParams {
    #[serde(default)]
    query: String,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    /// JSON, e.g. `{"persistedQuery":{"version":1,"sha256Hash":"..."}}`.
    extensions: Option<String>,
}

pub async fn get(
    State(gql): State<GraphqlState>,
    headers: HeaderMap,
    params: Result<Query<GetParams>, QueryRejection>,
) -> HttpResponse {
    let rid = request_id(&headers);
    let Ok(Query(params)) = params else {
        return error_response(
            StatusCode::BAD_REQUEST,
            &AppError::bad_input("query", "GET /graphql needs ?query="),
            rid.as_deref(),
        );
    };
    let mut request = Request::new(params.query);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(vars) = params.variables {
        match serde_json::from_str(&vars) {
            Ok(v) => request = request.variables(async_graphql::Variables::from_json(v)),
            Err(e) => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    &AppError::bad_input("variables", format!("invalid JSON: {e}")),
                    rid.as_deref(),
                );
            }
        }
    }
    if let Some(extensions) = params.extensions {
        match serde_json::from_str(&extensions) {
            Ok(v) => request.extensions = v,
            Err(e) => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    &AppError::bad_input("extensions", format!("invalid JSON: {e}")),
                    rid.as_deref(),
                );
            }
        }
    }
    execute(&gql, &headers, request, rid, false).await
}

async fn execute(
    gql: &GraphqlState,
    headers: &HeaderMap,
    mut request: Request,
    rid: Option<String>,
    is_post: bool,
) -> HttpResponse {
    let actor = match authenticate(&gql.app, bearer(headers), rid.clone()).await {
        Ok(actor) => actor,
        Err(err) => return error_response(status_of(&err), &err, rid.as_deref()),
    };
    let admitted = operations::admit(
        &gql.app.db,
        gql.app.config.operation_allow_list,
        &actor,
        &mut request,
    )
    .await;
    if let Err(err) = admitted {
        return error_response(status_of(&err), &err, rid.as_deref());
    }
    if let Err(err) = super::nesting::check(&request.query) {
        return error_response(StatusCode::BAD_REQUEST, &err, rid.as_deref());
    }
    // Checks on the parsed document before any resolver runs; the parse is kept for execution.
    let operation_name = request.operation_name.clone();
    if let Ok(doc) = request.parsed_query() {
        if let Some(err) = refusal(doc, operation_name.as_deref(), &gql.app.config) {
            return error_response(StatusCode::BAD_REQUEST, &err, rid.as_deref());
        }
        if !is_post && selected_kind(doc, operation_name.as_deref()) != Some(OperationType::Query) {
            let err = AppError::bad_input("query", "mutations and subscriptions are sent by POST");
            return error_response(StatusCode::METHOD_NOT_ALLOWED, &err, rid.as_deref());
        }
    }
    let reads = PersonalReads::default();
    let request = request
        .data(Loaders::new(
            &gql.app.db,
            gql.app.config.loader_batch_window,
        ))
        .data(actor.clone())
        .data(operations::Admitted)
        .data(reads.clone());
    let response = gql.schema.execute(request).await;
    // No personal data leaves without its audit row.
    if let Err(err) = reads.flush(&gql.app.ctx(&actor)).await {
        return error_response(status_of(&err), &err, rid.as_deref());
    }
    let response = finish(response, rid.as_deref());
    let mut http = Json(response).into_response();
    http.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    http
}

/// Gives every error a code, adds the request id to INTERNAL ones, and counts them.
pub fn finish(mut response: Response, request_id: Option<&str>) -> Response {
    for error in &mut response.errors {
        let code = error_code(error);
        if code == code::INTERNAL
            && let Some(id) = request_id
        {
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("requestId", id);
        }
        metrics::counter!("graphql_errors_total", "code" => code).increment(1);
    }
    response
}

/// The code of an error; parse and validation errors (which the library raises without one) are the
/// client's, so BAD_USER_INPUT.
fn error_code(error: &mut ServerError) -> &'static str {
    let existing = error
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .and_then(|v| {
            if let async_graphql::Value::String(s) = v {
                Some(s.clone())
            } else {
                None
            }
        });
    const KNOWN: [&str; 10] = [
        code::UNAUTHENTICATED,
        code::FORBIDDEN,
        code::NOT_FOUND,
        code::BAD_USER_INPUT,
        code::CONFLICT,
        code::INSUFFICIENT_STOCK,
        code::INVALID_STATE,
        code::RATE_LIMITED,
        code::UNAVAILABLE,
        code::INTERNAL,
    ];
    if let Some(found) = existing.and_then(|c| KNOWN.iter().find(|k| **k == c)) {
        return found;
    }
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code::BAD_USER_INPUT);
    code::BAD_USER_INPUT
}

fn selected_kind(doc: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    use async_graphql::parser::types::DocumentOperations;
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| op.node.ty)
        }
        _ => None,
    }
}

/// Calls `visit` on every field of the document, operations and fragments alike.
fn for_each_field(doc: &ExecutableDocument, visit: &mut impl FnMut(&Field)) {
    fn in_set(set: &Positioned<SelectionSet>, visit: &mut impl FnMut(&Field)) {
        for item in &set.node.items {
            match &item.node {
                Selection::Field(f) => {
                    visit(&f.node);
                    in_set(&f.node.selection_set, visit);
                }
                Selection::InlineFragment(f) => in_set(&f.node.selection_set, visit),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    for (_, op) in doc.operations.iter() {
        in_set(&op.node.selection_set, visit);
    }
    for fragment in doc.fragments.values() {
        in_set(&fragment.node.selection_set, visit);
    }
}

/// Operations one document may hold (a persisted document may hold several; a flood of them is only
/// parse and validation work).
const MAX_OPERATIONS: usize = 100;

/// Why the document is refused before validation, which costs more than these counts: too many
/// operations or none chosen, more fields than the complexity limit allows (each field costs at least 1),
/// aliases over the limit, introspection when off.
fn refusal(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    config: &crate::config::Config,
) -> Option<AppError> {
    let operations = doc.operations.iter().count();
    if operations > MAX_OPERATIONS {
        return Some(AppError::bad_input(
            "query",
            format!("{operations} operations; at most {MAX_OPERATIONS} per document"),
        ));
    }
    if operations > 1 && operation_name.is_none() {
        return Some(AppError::bad_input(
            "operationName",
            "required when the document holds several operations",
        ));
    }
    let (mut fields, mut aliases, mut introspects) = (0, 0, false);
    for_each_field(doc, &mut |field| {
        fields += 1;
        aliases += usize::from(field.alias.is_some());
        introspects |= matches!(field.name.node.as_str(), "__schema" | "__type");
    });
    if fields > config.max_complexity {
        return Some(AppError::bad_input(
            "query",
            format!(
                "{fields} fields; the complexity limit is {}",
                config.max_complexity
            ),
        ));
    }
    if aliases > config.max_aliases {
        return Some(AppError::bad_input(
            "query",
            format!(
                "{aliases} aliases; at most {} per operation",
                config.max_aliases
            ),
        ));
    }
    (introspects && !config.introspection)
        .then(|| AppError::bad_input("query", "introspection is off on this server"))
}

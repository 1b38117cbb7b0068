//! The `/graphql` handler. Ours rather than the library's, to enforce DESIGN.md §8: JSON-only POSTs, no
//! batches, no mutations over GET, an alias limit, introspection refused when off, authentication and
//! the allow-list before execution, masked internal errors carrying the request id, and error codes
//! counted in the metrics.

use std::sync::Arc;

use async_graphql::parser::types::{
    ExecutableDocument, Field, OperationType, Selection, SelectionSet,
};
use async_graphql::{Positioned, Request, Response};
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response as HttpResponse;
use serde::Deserialize;

use super::allow_list;
use super::documents::Documents;
use super::loaders::Loaders;
use super::media::Media;
use super::personal_reads::PersonalReads;
use super::{AppSchema, is_introspection_only};
use crate::auth::gate::{authenticate, bearer, request_id};
use crate::error::{AppError, AppResult, code, fill_error_code};
use crate::http_error::{error_response, refusal, status_of};
use crate::state::AppState;

/// State of the GraphQL routes: the application and its schema.
#[derive(Clone)]
pub struct GraphqlState {
    pub app: AppState,
    pub schema: AppSchema,
    /// The same schema with the introspection depth, for documents that only read the schema.
    pub introspection: AppSchema,
    /// The same schema with fast validation, for requests equal to one that passed full validation.
    pub revalidating: AppSchema,
    /// Documents parsed before, by their text, and the requests on them that passed validation.
    pub documents: Arc<Documents>,
}

pub async fn post(
    State(gql): State<GraphqlState>,
    headers: HeaderMap,
    body: Bytes,
) -> HttpResponse {
    let rid = request_id(&headers);
    let media = match Media::negotiate(&headers) {
        Ok(media) => media,
        Err(err) => return error_response(StatusCode::NOT_ACCEPTABLE, &err, rid.as_deref()),
    };
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        let err = AppError::bad_input("Content-Type", "POST /graphql takes application/json");
        return labelled(
            media,
            error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, &err, rid.as_deref()),
        );
    }
    match request_of_body(&body) {
        Ok(request) => execute(&gql, &headers, request, rid, true, media).await,
        Err(err) => labelled(media, refusal(&err, rid.as_deref())),
    }
}

/// The one operation a POST body holds.
fn request_of_body(body: &[u8]) -> AppResult<Request> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| AppError::bad_input("body", format!("invalid JSON: {e}")))?;
    if value.is_array() {
        return Err(AppError::bad_input(
            "body",
            "batched requests are not supported: send one operation per request",
        ));
    }
    // A request names its document by text or by an allow-listed hash, nothing else.
    let names_document = value.get("query").is_some_and(|q| q.is_string())
        || value.pointer("/extensions/persistedQuery").is_some();
    if !names_document {
        return Err(AppError::bad_input(
            "query",
            "required: the operation's text (or extensions.persistedQuery)",
        ));
    }
    serde_json::from_value(value)
        .map_err(|e| AppError::bad_input("body", format!("not a GraphQL request: {e}")))
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

impl GetParams {
    fn into_request(self) -> AppResult<Request> {
        fn json<T: serde::de::DeserializeOwned>(field: &str, text: &str) -> AppResult<T> {
            serde_json::from_str(text)
                .map_err(|e| AppError::bad_input(field, format!("invalid JSON: {e}")))
        }
        let mut request = Request::new(self.query);
        if let Some(name) = self.operation_name {
            request = request.operation_name(name);
        }
        if let Some(vars) = self.variables {
            request = request.variables(async_graphql::Variables::from_json(json(
                "variables",
                &vars,
            )?));
        }
        if let Some(extensions) = self.extensions {
            request.extensions = json("extensions", &extensions)?;
        }
        Ok(request)
    }
}

pub async fn get(
    State(gql): State<GraphqlState>,
    headers: HeaderMap,
    params: Result<Query<GetParams>, QueryRejection>,
) -> HttpResponse {
    let rid = request_id(&headers);
    let media = match Media::negotiate(&headers) {
        Ok(media) => media,
        Err(err) => return error_response(StatusCode::NOT_ACCEPTABLE, &err, rid.as_deref()),
    };
    let request = params
        .map_err(|_| AppError::bad_input("query", "GET /graphql needs ?query="))
        .and_then(|Query(params)| params.into_request());
    match request {
        Ok(request) => execute(&gql, &headers, request, rid, false, media).await,
        Err(err) => labelled(media, refusal(&err, rid.as_deref())),
    }
}

async fn execute(
    gql: &GraphqlState,
    headers: &HeaderMap,
    request: Request,
    rid: Option<String>,
    is_post: bool,
    media: Media,
) -> HttpResponse {
    labelled(media, run(gql, headers, request, rid, is_post, media).await)
}

/// A response in the negotiated media type, never cached.
fn labelled(media: Media, mut http: HttpResponse) -> HttpResponse {
    media.label(&mut http);
    http.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    http
}

async fn run(
    gql: &GraphqlState,
    headers: &HeaderMap,
    mut request: Request,
    rid: Option<String>,
    is_post: bool,
    media: Media,
) -> HttpResponse {
    let actor = match authenticate(&gql.app, bearer(headers), rid.clone()).await {
        Ok(actor) => actor,
        Err(err) => return refusal(&err, rid.as_deref()),
    };
    if let Err(err) = allow_list::gate(&gql.app, &actor, &mut request).await {
        return refusal(&err, rid.as_deref());
    }
    // Checks on the parsed document before any resolver runs; the parse is kept for execution.
    let prepared = gql.documents.fill(&mut request);
    let operation_name = request.operation_name.clone();
    let logged_operation = operation_name
        .clone()
        .or_else(|| named_operation(&request.query));
    let mut schema = if prepared.validated {
        &gql.revalidating
    } else {
        &gql.schema
    };
    let mut introspection = false;
    if let Ok(doc) = request.parsed_query() {
        if is_introspection_only(doc) {
            schema = &gql.introspection;
            introspection = true;
        }
        if let Some(err) = refused_document(doc, operation_name.as_deref(), &gql.app.config) {
            return refusal(&err, rid.as_deref());
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
        .data(reads.clone());
    let response = schema.execute(request).await;
    if response.errors.is_empty() && !introspection {
        gql.documents.passed(prepared);
    }
    // No personal data leaves without its audit row.
    if let Err(err) = reads.flush(&gql.app.ctx(&actor)).await {
        return error_response(status_of(&err), &err, rid.as_deref());
    }
    // An operation the database's absence stopped altogether answers as an outage met before
    // execution does: 503 with Retry-After, so clients and load balancers back off.
    if stopped_by_outage(&response) {
        return refusal(&AppError::Unavailable, rid.as_deref());
    }
    let mut http = media.respond(&finish(response, rid.as_deref()));
    http.extensions_mut().insert(crate::http_error::AccessNote {
        operation: logged_operation,
        agency: Some(actor.agency_code.clone()),
    });
    http
}

/// No data, and every error UNAVAILABLE.
fn stopped_by_outage(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| {
            error.extensions.as_ref().and_then(|e| e.get("code"))
                == Some(&async_graphql::Value::String(code::UNAVAILABLE.to_owned()))
        })
}

/// The name of a document's leading operation (`query Name ...`), for the access log.
fn named_operation(text: &str) -> Option<String> {
    let text = text.trim_start();
    let rest = ["query", "mutation", "subscription"]
        .iter()
        .find_map(|keyword| text.strip_prefix(keyword))?;
    let name: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(100)
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Gives every error a code, adds the request id to INTERNAL ones, and counts them.
pub fn finish(mut response: Response, request_id: Option<&str>) -> Response {
    for error in &mut response.errors {
        let code = fill_error_code(error);
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
fn refused_document(
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
    let refused = if fields > config.max_complexity {
        format!(
            "{fields} fields; the complexity limit is {}",
            config.max_complexity
        )
    } else if aliases > config.max_aliases {
        format!(
            "{aliases} aliases; at most {} per operation",
            config.max_aliases
        )
    } else if introspects && !config.introspection {
        "introspection is off on this server".to_owned()
    } else {
        return None;
    };
    Some(AppError::bad_input("query", refused))
}

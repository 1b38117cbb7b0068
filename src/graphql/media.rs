//! The media types of the GraphQL-over-HTTP specification: a client that accepts
//! `application/graphql-response+json` gets it, with the status telling a request error (400, no `data`)
//! from an executed operation (200); a client that accepts only `application/json` (or says nothing)
//! gets `application/json`, where every executed request answers 200 as older clients expect.

use std::collections::BTreeMap;

use async_graphql::Response;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use serde::Serialize;

use crate::error::AppError;

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub const JSON: &str = "application/json";

/// The media type a response is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    GraphqlResponse,
    Json,
}

impl Media {
    /// The media type the `Accept` header prefers among the two served; `application/json` when the
    /// header is absent; NOT_ACCEPTABLE when it names neither (nor a wildcard over them).
    pub fn negotiate(headers: &HeaderMap) -> Result<Media, AppError> {
        let Some(accept) = headers.get(header::ACCEPT) else {
            return Ok(Media::Json);
        };
        let accept = accept.to_str().unwrap_or_default();
        let mut best: Option<(f32, Media)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let media = match name.as_str() {
                GRAPHQL_RESPONSE_JSON => Media::GraphqlResponse,
                JSON | "application/*" | "*/*" => Media::Json,
                _ => continue,
            };
            // Higher quality wins; on a tie the spec's own type does.
            let better = match best {
                None => true,
                Some((q, m)) => quality > q || (quality == q && m == Media::Json && media != m),
            };
            if quality > 0.0 && better {
                best = Some((quality, media));
            }
        }
        best.map(|(_, media)| media).ok_or_else(|| {
            AppError::bad_input(
                "Accept",
                format!("this endpoint answers {GRAPHQL_RESPONSE_JSON} or {JSON}"),
            )
        })
    }

    pub fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        })
    }

    /// The HTTP response of an executed request. A request error (nothing executed: a document that
    /// does not parse or validate, variables that do not coerce, a refusal before execution) carries no
    /// `data` entry, and under `application/graphql-response+json` answers 400.
    pub fn respond(self, response: &Response) -> HttpResponse {
        let request_error = is_request_error(response);
        // Written straight from the executor's value, so fields keep its order (the selection's).
        let body = if request_error {
            serde_json::to_vec(&RequestErrors {
                errors: &response.errors,
                extensions: &response.extensions,
            })
        } else {
            serde_json::to_vec(response)
        };
        let body = body.unwrap_or_else(|e| {
            tracing::error!(error = %e, "response not serialisable");
            br#"{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}"#
                .to_vec()
        });
        let status = if request_error && self == Media::GraphqlResponse {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        let mut http = (status, body).into_response();
        self.label(&mut http);
        http
    }

    /// Gives a response (a refusal written elsewhere) this media type.
    pub fn label(self, http: &mut HttpResponse) {
        http.headers_mut()
            .insert(header::CONTENT_TYPE, self.content_type());
    }
}

/// A request error's body: no `data` member at all (GraphQL over HTTP).
#[derive(Serialize)]
struct RequestErrors<'a> {
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
}

/// Errors with no data and no path: raised before execution began, so no field ran.
fn is_request_error(response: &Response) -> bool {
    !response.errors.is_empty()
        && response.data == async_graphql::Value::Null
        && response.errors.iter().all(|e| e.path.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Result<Media, AppError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static("")),
        );
        Media::negotiate(&headers)
    }

    #[test]
    fn the_accept_header_picks_the_media_type() {
        assert_eq!(Media::negotiate(&HeaderMap::new()).ok(), Some(Media::Json));
        assert_eq!(accept("application/json").ok(), Some(Media::Json));
        assert_eq!(accept("*/*").ok(), Some(Media::Json));
        assert_eq!(
            accept(GRAPHQL_RESPONSE_JSON).ok(),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9").ok(),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            accept("application/json, application/graphql-response+json;q=0.5").ok(),
            Some(Media::Json)
        );
        assert_eq!(
            accept("application/json, application/graphql-response+json").ok(),
            Some(Media::GraphqlResponse)
        );
        assert!(accept("text/html, application/json;q=0").is_err());
        assert!(accept("text/html").is_err());
    }
}

//! `/graphql/ws`: GraphQL subscriptions over WebSocket (graphql-transport-ws). The token comes in the
//! `connection_init` payload (`{"Authorization": "Bearer ..."}` or `{"token": "..."}`) and is checked
//! before the library sees the socket: no token closes it with 4401, a bad or revoked one with 4403.

use std::time::Duration;

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt, stream};

use super::handler::GraphqlState;
use super::loaders::Loaders;
use crate::auth::gate::authenticate;
use crate::error::AppError;

/// How long a client has to send `connection_init` after connecting.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest message accepted on the socket.
const MAX_MESSAGE_BYTES: usize = 64 * 1024;

pub async fn handler(
    State(gql): State<GraphqlState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| serve(gql, socket, protocol))
}

async fn serve(gql: GraphqlState, socket: WebSocket, protocol: GraphQLProtocol) {
    let (mut sink, mut incoming) = socket.split();
    let first = match tokio::time::timeout(INIT_TIMEOUT, incoming.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => text,
        Ok(_) => return,
        Err(_) => return close(&mut sink, 4408, "connection initialisation timeout").await,
    };
    let init: serde_json::Value = serde_json::from_str(first.as_str()).unwrap_or_default();
    if init.get("type").and_then(|t| t.as_str()) != Some("connection_init") {
        return close(&mut sink, 4400, "expected connection_init").await;
    }
    let payload = init.get("payload").cloned().unwrap_or_default();
    let token = token_of(&payload);
    let actor = match authenticate(&gql.app, token.as_deref(), None).await {
        Ok(actor) => actor,
        Err(AppError::Unauthenticated) if token.is_none() => {
            return close(&mut sink, 4401, "Unauthorized").await;
        }
        Err(AppError::RateLimited) => return close(&mut sink, 4429, "rate limited").await,
        Err(AppError::Unavailable) => return close(&mut sink, 1013, "try again later").await,
        Err(_) => return close(&mut sink, 4403, "Forbidden").await,
    };
    let mut data = Data::default();
    data.insert(Loaders::new(
        &gql.app.db,
        gql.app.config.loader_batch_window,
    ));
    data.insert(actor);
    // Hand the library the same connection_init it would have read, now known to be authenticated.
    let replayed = stream::once(async move { Ok(Message::Text(first)) }).chain(incoming);
    GraphQLWebSocket::new_with_pair(sink, replayed, gql.schema.clone(), protocol)
        .on_connection_init(move |_| async move { Ok(data) })
        .keepalive_timeout(Duration::from_secs(60))
        .serve()
        .await;
}

/// The token of a `connection_init` payload. Public for the fuzz targets only.
#[doc(hidden)]
pub fn token_of(payload: &serde_json::Value) -> Option<String> {
    let auth = ["Authorization", "authorization"]
        .iter()
        .find_map(|k| payload.get(*k))
        .and_then(|v| v.as_str());
    if let Some(value) = auth {
        let (scheme, token) = value.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    payload
        .get("token")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

async fn close<S>(sink: &mut S, code: u16, reason: &'static str)
where
    S: futures_util::Sink<Message> + Unpin,
{
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = sink.send(Message::Close(Some(frame))).await;
}

//! `/graphql/ws`: GraphQL subscriptions over WebSocket, graphql-transport-ws as written. The token comes
//! in the `connection_init` payload (`{"Authorization": "Bearer ..."}` or `{"token": "..."}`) and is
//! checked first: no token closes the socket with 4401, a bad or revoked one with 4403.
//!
//! The server never closes a socket for silence: it sends a `ping` message and a WebSocket ping frame
//! every `ws_ping_interval`, and closes (3008) only when nothing at all came back for that interval
//! plus `ws_pong_grace`. Revoking the token or its expiry closes the socket with 4403. A `subscribe`
//! with an id in use closes it with 4409; a subscription refused before it starts (validation, scope,
//! limits) is answered with one `error` message; every error carries `extensions.code`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Data, Response, ServerError};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response as HttpResponse;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::allow_list;
use super::handler::{GraphqlState, finish};
use super::loaders::Loaders;
use crate::auth::Actor;
use crate::auth::gate::authenticate;
use crate::error::AppError;
use crate::live::sockets::SocketSlot;

/// The one sub-protocol spoken.
const PROTOCOL: &str = "graphql-transport-ws";
/// How long a client has to send `connection_init` after connecting.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest message accepted on the socket.
const MAX_MESSAGE_BYTES: usize = 64 * 1024;

type Sink = SplitSink<WebSocket, Message>;

pub async fn handler(State(gql): State<GraphqlState>, upgrade: WebSocketUpgrade) -> HttpResponse {
    upgrade
        .protocols([PROTOCOL])
        .max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| serve(gql, socket))
}

async fn serve(gql: GraphqlState, socket: WebSocket) {
    let (mut sink, mut incoming) = socket.split();
    let first = match tokio::time::timeout(INIT_TIMEOUT, incoming.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => text,
        Ok(_) => return,
        Err(_) => return close(&mut sink, 4408, "connection initialisation timeout").await,
    };
    let init: Value = serde_json::from_str(first.as_str()).unwrap_or_default();
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
        Err(AppError::RateLimited { .. }) => return close(&mut sink, 4429, "rate limited").await,
        Err(AppError::Unavailable) => return close(&mut sink, 1013, "try again later").await,
        Err(_) => return close(&mut sink, 4403, "Forbidden").await,
    };
    let slot = match &actor.jti {
        Some(jti) => match gql.app.sockets.open(
            jti,
            actor.agency_id,
            gql.app.config.ws_max_sockets_per_token,
        ) {
            Ok(slot) => Some(slot),
            Err(e) => return close(&mut sink, 4429, &format!("{}: {e}", e.code())).await,
        },
        None => None,
    };
    let expires = expiry(&gql, &actor).await;
    if send(&mut sink, json!({ "type": "connection_ack" }))
        .await
        .is_err()
    {
        return;
    }
    let (outgoing, queue) = mpsc::channel(256);
    let mut session = Data::default();
    session.insert(actor.clone());
    let connection = Connection {
        gql,
        actor,
        session: Arc::new(session),
        sink,
        outgoing,
        subscriptions: HashMap::new(),
        generation: 0,
    };
    let reason = connection.run(incoming, queue, slot, expires).await;
    metrics::counter!("live_sockets_closed_total", "reason" => reason).increment(1);
}

/// When the socket's token expires (none for tokens without a stored record).
async fn expiry(gql: &GraphqlState, actor: &Actor) -> Option<Instant> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let jti = actor.jti.as_deref()?;
    let token = entity::api_token::Entity::find()
        .filter(entity::api_token::Column::Jti.eq(jti))
        .one(&gql.app.db)
        .await
        .ok()??;
    let left = (token.expires_at - gql.app.clock.now())
        .to_std()
        .unwrap_or_default();
    Some(Instant::now() + left)
}

/// What a subscription task hands the connection.
enum Out {
    Next(String, u64, Response),
    Error(String, u64, Vec<ServerError>),
    Done(String, u64),
}

/// One authenticated socket: its subscriptions by id, each tagged with a generation so a finished
/// subscription is never confused with a newer one that reuses its id.
struct Connection {
    gql: GraphqlState,
    sink: Sink,
    outgoing: mpsc::Sender<Out>,
    subscriptions: HashMap<String, (u64, tokio::task::AbortHandle)>,
    generation: u64,
    /// The caller, whose operations pass the same gate as over HTTP.
    actor: Actor,
    /// The connection's data every operation sees: its caller.
    session: Arc<Data>,
}

/// Why the loop ended: a close code and reason to send, or the peer already gone.
enum End {
    Close(u16, String, &'static str),
    Gone(&'static str),
}

impl Connection {
    async fn run(
        mut self,
        mut incoming: SplitStream<WebSocket>,
        mut queue: mpsc::Receiver<Out>,
        mut slot: Option<SocketSlot>,
        expires: Option<Instant>,
    ) -> &'static str {
        let config = self.gql.app.config.clone();
        let mut ping = tokio::time::interval(config.ws_ping_interval);
        ping.tick().await;
        let mut heard = Instant::now();
        let expires = tokio::time::sleep_until(expires.unwrap_or_else(far_future));
        tokio::pin!(expires);
        let end = loop {
            let revoked = async {
                match slot.as_mut() {
                    Some(slot) => slot.revoked().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                () = revoked => break End::Close(4403, "Forbidden: token revoked or agency disabled".into(), "revoked"),
                () = &mut expires => break End::Close(4403, "Forbidden: token expired".into(), "expired"),
                message = incoming.next() => {
                    heard = Instant::now();
                    match message {
                        Some(Ok(Message::Text(text))) => {
                            if let Some(end) = self.on_text(text.as_str()).await {
                                break end;
                            }
                        }
                        Some(Ok(Message::Binary(_))) => {
                            break End::Close(4400, "binary messages are not spoken".into(), "protocol");
                        }
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break End::Gone("client"),
                    }
                }
                Some(out) = queue.recv() => {
                    if self.deliver(out).await.is_err() {
                        break End::Gone("client");
                    }
                }
                _ = ping.tick() => {
                    if heard.elapsed() > config.ws_ping_interval + config.ws_pong_grace {
                        break End::Close(3008, "no answer to pings".into(), "silent");
                    }
                    let sent = send(&mut self.sink, json!({ "type": "ping" })).await;
                    if sent.is_err() || self.sink.send(Message::Ping(Default::default())).await.is_err() {
                        break End::Gone("client");
                    }
                }
            }
        };
        for (_, handle) in self.subscriptions.values() {
            handle.abort();
        }
        metrics::gauge!("live_subscriptions_active").decrement(self.subscriptions.len() as f64);
        match end {
            End::Close(code, reason, label) => {
                close(&mut self.sink, code, &reason).await;
                label
            }
            End::Gone(label) => label,
        }
    }

    /// One client message; `Some` when it ends the connection.
    async fn on_text(&mut self, text: &str) -> Option<End> {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return Some(End::Close(4400, "invalid message".into(), "protocol"));
        };
        let id = message.get("id").and_then(Value::as_str).map(str::to_owned);
        match (message.get("type").and_then(Value::as_str), id) {
            (Some("ping"), _) => {
                let pong = json!({ "type": "pong" });
                send(&mut self.sink, pong)
                    .await
                    .err()
                    .map(|()| End::Gone("client"))
            }
            (Some("pong"), _) => None,
            (Some("connection_init"), _) => Some(End::Close(
                4429,
                "Too many initialisation requests".into(),
                "protocol",
            )),
            (Some("subscribe"), Some(id)) => {
                let payload = message.get("payload").cloned().unwrap_or_default();
                self.subscribe(id, payload).await
            }
            (Some("complete"), Some(id)) => {
                if let Some((_, handle)) = self.subscriptions.remove(&id) {
                    handle.abort();
                    metrics::gauge!("live_subscriptions_active").decrement(1.0);
                }
                None
            }
            _ => Some(End::Close(4400, "invalid message".into(), "protocol")),
        }
    }

    async fn subscribe(&mut self, id: String, payload: Value) -> Option<End> {
        if self.subscriptions.contains_key(&id) {
            let reason = format!("Subscriber for {id} already exists");
            return Some(End::Close(4409, reason, "protocol"));
        }
        let refusal = if self.subscriptions.len() >= self.gql.app.config.ws_max_subscriptions {
            Some(AppError::LimitExceeded(format!(
                "at most {} subscriptions per socket",
                self.gql.app.config.ws_max_subscriptions
            )))
        } else {
            None
        };
        let request = match serde_json::from_value::<async_graphql::Request>(payload) {
            Ok(mut request) => allow_list::gate(&self.gql.app, &self.actor, &mut request)
                .await
                .map(|()| request),
            Err(e) => Err(AppError::bad_input(
                "payload",
                format!("not a GraphQL request: {e}"),
            )),
        };
        let request = match (refusal, request) {
            (None, Ok(request)) => request,
            (Some(err), _) | (None, Err(err)) => {
                let error = async_graphql::Error::from(err);
                let error = ServerError {
                    message: error.message,
                    source: None,
                    locations: Vec::new(),
                    path: Vec::new(),
                    extensions: error.extensions,
                };
                let errors = finish(Response::from_errors(vec![error]), None).errors;
                let message = json!({ "id": id, "type": "error", "payload": errors });
                return send(&mut self.sink, message)
                    .await
                    .err()
                    .map(|()| End::Gone("client"));
            }
        };
        let request = request.data(Loaders::new(
            &self.gql.app.db,
            self.gql.app.config.loader_batch_window,
        ));
        self.generation += 1;
        let generation = self.generation;
        let (schema, outgoing, sid) = (self.gql.schema.clone(), self.outgoing.clone(), id.clone());
        let session = self.session.clone();
        let task = tokio::spawn(async move {
            let mut stream =
                std::pin::pin!(schema.execute_stream_with_session_data(request, session));
            let mut first = true;
            while let Some(response) = stream.next().await {
                let response = finish(response, None);
                let refused =
                    first && response.is_err() && response.data == async_graphql::Value::Null;
                first = false;
                let out = if refused {
                    Out::Error(sid.clone(), generation, response.errors)
                } else {
                    Out::Next(sid.clone(), generation, response)
                };
                if outgoing.send(out).await.is_err() || refused {
                    return;
                }
            }
            let _ = outgoing.send(Out::Done(sid, generation)).await;
        });
        self.subscriptions
            .insert(id, (generation, task.abort_handle()));
        metrics::gauge!("live_subscriptions_active").increment(1.0);
        None
    }

    /// Sends what a subscription produced, unless the client completed it meanwhile.
    async fn deliver(&mut self, out: Out) -> Result<(), ()> {
        let (id, generation) = match &out {
            Out::Next(id, g, _) | Out::Error(id, g, _) | Out::Done(id, g) => (id.clone(), *g),
        };
        if self.subscriptions.get(&id).map(|(g, _)| *g) != Some(generation) {
            return Ok(());
        }
        let message = match out {
            // Written straight from the executor's value, so fields keep its order (the selection's).
            Out::Next(_, _, response) => {
                return send(
                    &mut self.sink,
                    Next {
                        id: &id,
                        kind: "next",
                        payload: &response,
                    },
                )
                .await;
            }
            Out::Error(_, _, errors) => {
                self.finished(&id);
                json!({ "id": id, "type": "error", "payload": errors })
            }
            Out::Done(..) => {
                self.finished(&id);
                json!({ "id": id, "type": "complete" })
            }
        };
        send(&mut self.sink, message).await
    }

    fn finished(&mut self, id: &str) {
        if self.subscriptions.remove(id).is_some() {
            metrics::gauge!("live_subscriptions_active").decrement(1.0);
        }
    }
}

/// A `next` message.
#[derive(serde::Serialize)]
struct Next<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    payload: &'a Response,
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(100 * 365 * 24 * 3600)
}

/// The token of a `connection_init` payload. Public for the fuzz targets only.
#[doc(hidden)]
pub fn token_of(payload: &Value) -> Option<String> {
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

async fn send(sink: &mut Sink, message: impl serde::Serialize) -> Result<(), ()> {
    let text = serde_json::to_string(&message).map_err(|_| ())?;
    metrics::counter!("live_messages_sent_total").increment(1);
    sink.send(Message::Text(text.into())).await.map_err(|_| ())
}

async fn close(sink: &mut Sink, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = sink.send(Message::Close(Some(frame))).await;
}

//! The real server on a socket: WebSocket authentication and graceful shutdown.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Message, http::HeaderValue};

use crate::helpers::TestApp;

/// Connects with graphql-transport-ws, sends `connection_init` with `payload`, returns the first answer.
async fn init(addr: std::net::SocketAddr, payload: Value) -> Message {
    let mut request = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    let init = json!({ "type": "connection_init", "payload": payload }).to_string();
    socket.send(Message::Text(init.into())).await.expect("send");
    tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("answer in time")
        .expect("a message")
        .expect("ok")
}

fn close_code(message: &Message) -> Option<u16> {
    match message {
        Message::Close(Some(frame)) => Some(u16::from(frame.code)),
        _ => None,
    }
}

#[tokio::test]
async fn websocket_connections_are_authenticated_at_init() {
    let app = TestApp::places().await;
    let server = app.serve().await;
    assert_eq!(close_code(&init(server.addr, json!({})).await), Some(4401));
    assert_eq!(
        close_code(
            &init(
                server.addr,
                json!({ "Authorization": "Bearer forged.token.here" })
            )
            .await
        ),
        Some(4403)
    );
    let ack = init(
        server.addr,
        json!({ "Authorization": format!("Bearer {}", app.token("health")) }),
    )
    .await;
    let Message::Text(text) = ack else {
        panic!("expected connection_ack, got {ack:?}")
    };
    assert_eq!(
        serde_json::from_str::<Value>(text.as_str()).expect("json")["type"],
        "connection_ack"
    );
    let ack = init(server.addr, json!({ "token": app.token("police") })).await;
    assert!(matches!(ack, Message::Text(_)));
    // A revoked token is refused at init, like a forged one.
    let viewer = app.issue("steering", entity::Role::Viewer).await;
    let jti = app
        .scalar("SELECT CAST(MAX(id) AS BIGINT) AS n FROM api_token")
        .await;
    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE api_token SET revoked_at = created_at WHERE id = {jti}"
        ))
        .await
        .expect("revoke");
    assert_eq!(
        close_code(
            &init(
                server.addr,
                json!({ "Authorization": format!("Bearer {viewer}") })
            )
            .await
        ),
        Some(4403)
    );
}

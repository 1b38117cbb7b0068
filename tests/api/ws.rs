//! The real server on a socket: WebSocket authentication and graceful shutdown.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Message, http::HeaderValue};

use crate::helpers::TestApp;

struct Running {
    addr: std::net::SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start(app: &TestApp) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = oneshot::channel::<()>();
    let state = app.state.clone();
    let handle = tokio::spawn(lienthong::server::serve(state, listener, async move {
        let _ = rx.await;
    }));
    Running {
        addr,
        stop: Some(tx),
        handle,
    }
}

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
    let app = TestApp::spawn().await;
    let server = start(&app).await;
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
    assert_ne!(CloseCode::from(4401), CloseCode::Normal);
}

#[tokio::test]
async fn sigterm_style_shutdown_drains_and_returns() {
    let app = TestApp::spawn().await;
    let mut server = start(&app).await;
    let stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    drop(stream);
    if let Some(stop) = server.stop.take() {
        let _ = stop.send(());
    }
    let result = tokio::time::timeout(Duration::from_secs(25), server.handle)
        .await
        .expect("stops within the grace period");
    assert!(result.expect("join").is_ok());
    assert!(
        tokio::net::TcpStream::connect(server.addr).await.is_err(),
        "no longer accepting"
    );
}

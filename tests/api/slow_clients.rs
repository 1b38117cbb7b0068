//! Slow or stalled clients are cut off within a bound and do not hold up anyone else: headers must
//! arrive within `header_read_timeout`, a whole request within `request_timeout`.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{HttpClient, TestApp};

/// Reads until the server closes the connection (or 10 s pass); returns what it sent and when it closed.
async fn until_closed(stream: &mut TcpStream, since: Instant) -> (String, Duration) {
    let mut answer = Vec::new();
    let mut buf = [0_u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the connection was still open after 10 s"),
        }
    }
    (
        String::from_utf8_lossy(&answer).into_owned(),
        since.elapsed(),
    )
}

#[tokio::test]
async fn stalled_headers_and_bodies_are_cut_off_without_holding_up_others() {
    let app = TestApp::places_with(|c| {
        c.header_read_timeout = Duration::from_secs(1);
        c.request_timeout = Duration::from_secs(2);
    })
    .await;
    let server = app.serve().await;

    // Fifty clients that never finish their headers.
    let mut stalled = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(server.addr).await.expect("connect");
        stream
            .write_all(b"POST /graphql HTTP/1.1\r\nHost: lienthong\r\nContent-Type: appl")
            .await
            .expect("write");
        stalled.push(stream);
    }
    // One that sends its headers, then a tenth of its body, then nothing.
    let mut slow_body = TcpStream::connect(server.addr).await.expect("connect");
    let body_started = Instant::now();
    slow_body
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: lienthong\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":",
        )
        .await
        .expect("write");
    let headers_started = Instant::now();

    // Meanwhile an ordinary client is served at once.
    let started = Instant::now();
    let body = HttpClient::new(server.addr)
        .gql(&app.token("health"), "{ me { subject } }", json!({}))
        .await;
    assert!(body["data"]["me"]["subject"].is_string(), "{body}");
    assert!(started.elapsed() < Duration::from_secs(1));

    for mut stream in stalled {
        let (_, closed_after) = until_closed(&mut stream, headers_started).await;
        assert!(
            closed_after < Duration::from_secs(3),
            "stalled headers closed after {closed_after:?}"
        );
    }
    let (answer, answered_after) = until_closed(&mut slow_body, body_started).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answered_after < Duration::from_secs(4),
        "stalled body answered after {answered_after:?}"
    );
    println!(
        "slow clients: 50 stalled header sends closed within 3 s, a stalled body answered 408 after {:.1} s",
        answered_after.as_secs_f64()
    );
    server.stop().await.expect("stop");
}

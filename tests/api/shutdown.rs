//! Shutdown: SIGTERM to a real `lienthong serve` process stops accepting at once, lets the request in
//! flight finish (a write, committed and answered 200), and exits with status 0 well within the grace
//! period; the in-process server stops the same way.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{ServerProcess, TestApp};

#[tokio::test]
async fn sigterm_drains_the_request_in_flight_and_exits() {
    let app = TestApp::places().await;
    let mut server = ServerProcess::start(&app.db.url, &[]);
    let addr = server.addr;
    let body = serde_json::json!({
        "query": "mutation { updateDistrict(input: { code: \"393\", treatmentBeds: 777 }) { district { treatmentBeds } } }"
    })
    .to_string();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAuthorization: Bearer {}\r\nContent-Length: {}\r\n\r\n",
        app.token("health"),
        body.len()
    );
    // The request is in flight: headers and half the body sent when the signal arrives.
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (first, rest) = body.split_at(body.len() / 2);
    stream
        .write_all(format!("{head}{first}").as_bytes())
        .await
        .expect("send");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let signalled = Instant::now();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no new connections after SIGTERM"
    );

    stream.write_all(rest.as_bytes()).await.expect("send rest");
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut answer))
        .await
        .expect("answered before the grace period")
        .expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"treatmentBeds\":777"), "{answer}");

    let exit = loop {
        if let Some(exit) = server.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(15),
            "exits within the 20 s grace period once nothing is in flight"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let took = signalled.elapsed();
    assert!(exit.success(), "{exit:?}");
    println!(
        "SIGTERM: in-flight write answered 200, process exited 0 {} ms after the signal",
        took.as_millis()
    );
    assert_eq!(
        app.scalar("SELECT CAST(treatment_beds AS BIGINT) AS n FROM district WHERE code = '393'")
            .await,
        777,
        "the drained write was committed"
    );
}

#[tokio::test]
async fn the_in_process_server_stops_accepting_and_returns() {
    let app = TestApp::places().await;
    let server = app.serve().await;
    let addr = server.addr;
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    drop(stream);
    assert!(server.stop().await.is_ok());
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}

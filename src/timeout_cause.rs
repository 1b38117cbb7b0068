//! Who was slow when the request timeout fires: a client still sending its body gets 408 (BAD_USER_INPUT),
//! a handler that had the whole request gets 503 TIMEOUT. The request body is watched for its end, and the
//! answer carries what was seen.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// On a timeout's 408: whether the whole request body had been received.
#[derive(Debug, Clone, Copy)]
pub struct TimedOut {
    pub body_received: bool,
}

/// Middleware just outside the timeout layer.
pub async fn watch(req: Request, next: Next) -> Response {
    let received = Arc::new(AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    if body.is_end_stream() {
        received.store(true, Ordering::Relaxed);
    }
    let body = Body::new(Watched {
        inner: body,
        received: received.clone(),
    });
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if response.status() == StatusCode::REQUEST_TIMEOUT {
        response.extensions_mut().insert(TimedOut {
            body_received: received.load(Ordering::Relaxed),
        });
    }
    response
}

struct Watched {
    inner: Body,
    received: Arc<AtomicBool>,
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.received.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

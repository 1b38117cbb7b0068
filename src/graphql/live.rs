//! Subscription streams over the event bus, with the same visibility rules as queries: every event is
//! reloaded through a service function that applies the subscriber's scope, and skipped if it fails.
//!
//! Each item carries the cursor of its event. Given `after`, a stream first replays the logged events
//! after that cursor, then goes on live; it remembers the last event id it passed, so the seam has no
//! duplicate (live events up to it are skipped) and no gap (the bus is subscribed before the log is
//! read). When the bus may have lost events (a subscriber fell behind, or the PostgreSQL LISTEN
//! connection was lost and is back), the stream reads what it missed from the log.

use std::collections::VecDeque;
use std::future::Future;

use futures_util::Stream;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::events::{DomainEvent, Logged, Signal};
use crate::live::log;
use crate::state::AppState;

/// One delivered item and the cursor of its event.
pub struct Delivered<T> {
    pub cursor: String,
    pub item: T,
}

struct Follow<S, L> {
    receiver: Receiver<Signal>,
    app: AppState,
    actor: Actor,
    select: S,
    load: L,
    /// The id of the last event passed (delivered or skipped).
    last: i64,
    /// Logged events still to replay, oldest first.
    backlog: VecDeque<Logged>,
    /// The last catch-up read a full batch: read on once the backlog is done.
    more: bool,
}

/// Events that `select` picks, each turned into an item by `load`; after the cursor `after` when given
/// (CURSOR_EXPIRED beyond the replay bound), else from now on.
pub async fn stream<K, T, S, L, F>(
    app: AppState,
    actor: Actor,
    after: Option<String>,
    select: S,
    load: L,
) -> AppResult<impl Stream<Item = Delivered<T>> + Send>
where
    K: Send + 'static,
    T: Send + 'static,
    S: Fn(&DomainEvent) -> Option<K> + Send + Sync + 'static,
    L: Fn(AppState, Actor, K) -> F + Send + Sync + 'static,
    F: Future<Output = AppResult<T>> + Send,
{
    let receiver = app.events.subscribe();
    let (last, backlog) = match after.as_deref().map(log::parse_cursor).transpose()? {
        Some(after) => {
            log::check_replay(&app.db, &app.config, after, app.clock.now()).await?;
            let backlog = log::after(&app.db, after, app.config.replay_max_events).await?;
            (after, backlog.into())
        }
        None => (log::last_id(&app.db).await?, VecDeque::new()),
    };
    let state = Follow {
        receiver,
        app,
        actor,
        select,
        load,
        last,
        backlog,
        more: false,
    };
    Ok(futures_util::stream::unfold(state, |mut s| async move {
        loop {
            if s.backlog.is_empty() && s.more {
                s.catch_up().await;
            }
            let (logged, replayed) = match s.backlog.pop_front() {
                Some(logged) => (logged, true),
                None => match s.receiver.recv().await {
                    Ok(Signal::Event(logged)) => (logged, false),
                    Ok(Signal::Resync) | Err(RecvError::Lagged(_)) => {
                        s.catch_up().await;
                        continue;
                    }
                    Err(RecvError::Closed) => return None,
                },
            };
            if logged.id <= s.last {
                continue;
            }
            s.last = logged.id;
            let Some(key) = (s.select)(&logged.event) else {
                continue;
            };
            if let Ok(item) = (s.load)(s.app.clone(), s.actor.clone(), key).await {
                let counter = if replayed {
                    "live_events_replayed_total"
                } else {
                    "live_events_delivered_total"
                };
                metrics::counter!(counter).increment(1);
                let cursor = log::cursor(logged.id);
                return Some((Delivered { cursor, item }, s));
            }
        }
    }))
}

impl<S, L> Follow<S, L> {
    /// Queues what the log holds after the last event passed.
    async fn catch_up(&mut self) {
        let limit = self.app.config.replay_max_events;
        let from = self.backlog.back().map_or(self.last, |l| l.id);
        match log::after(&self.app.db, from, limit).await {
            Ok(missed) => {
                self.more = missed.len() == limit as usize;
                self.backlog.extend(missed);
            }
            Err(e) => {
                tracing::warn!(error = %e, "a subscriber could not catch up from the event log")
            }
        }
    }
}

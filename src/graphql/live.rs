//! Subscription streams over the event bus, with the same visibility rules as queries: every event is
//! reloaded through a service function that applies the subscriber's scope, and skipped if it fails.

use std::future::Future;

use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::events::DomainEvent;
use crate::state::AppState;

/// Events that `select` picks, each turned into an item by `load`.
pub fn stream<K, T, S, L, F>(
    app: AppState,
    actor: Actor,
    select: S,
    load: L,
) -> impl Stream<Item = T> + Send
where
    K: Send + 'static,
    T: Send + 'static,
    S: Fn(&DomainEvent) -> Option<K> + Send + Sync + 'static,
    L: Fn(AppState, Actor, K) -> F + Send + Sync + 'static,
    F: Future<Output = AppResult<T>> + Send,
{
    let receiver = app.events.subscribe();
    futures_util::stream::unfold(
        (receiver, app, actor, select, load),
        |(mut receiver, app, actor, select, load)| async move {
            loop {
                let event = match receiver.recv().await {
                    Ok(event) => event,
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a subscriber fell behind and missed events");
                        continue;
                    }
                    Err(RecvError::Closed) => return None,
                };
                let Some(key) = select(&event) else { continue };
                if let Ok(item) = load(app.clone(), actor.clone(), key).await {
                    return Some((item, (receiver, app, actor, select, load)));
                }
            }
        },
    )
}

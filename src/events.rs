//! Domain events for subscriptions, published after the change they describe has committed.

use entity::TransferStatus;
use tokio::sync::broadcast;

/// Something subscribers may want to hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainEvent {
    Transfer {
        transfer_id: i32,
        from_district_id: i32,
        to_district_id: i32,
        status: TransferStatus,
    },
}

/// In-process fan-out. Slow subscribers lose the oldest events rather than slowing writers.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<DomainEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            sender: broadcast::channel(1024).0,
        }
    }
}

impl EventBus {
    pub fn publish(&self, event: DomainEvent) {
        // No subscriber is not an error.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<DomainEvent> {
        self.sender.subscribe()
    }
}

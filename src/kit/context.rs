//! The service context: what every service function works with, passed as one argument.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use crate::auth::Actor;
use crate::clock::Clock;
use crate::config::Config;
use crate::events::EventBus;

/// The database, the event bus, the clock, the configuration and the caller of one piece of work (a
/// request, a CLI command, the demo loader). Cheap to copy; built by `AppState::ctx`.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a DatabaseConnection,
    pub events: &'a EventBus,
    pub clock: &'a Clock,
    pub config: &'a Config,
    pub actor: &'a Actor,
}

impl<'a> Ctx<'a> {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today's date in the province.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// The same context for another caller (the demo loader acting as each agency in turn).
    pub fn acting_as(&self, actor: &'a Actor) -> Ctx<'a> {
        Ctx { actor, ..*self }
    }
}

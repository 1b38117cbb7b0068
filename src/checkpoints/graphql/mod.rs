//! GraphQL face of checkpoints, screenings and alerts: the query, mutation and subscription roots. Each
//! resolver converts its input, calls one service and wraps what it returns.

mod inputs;
mod types;

use async_graphql::{Context, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::{alert, screening};
use futures_util::{Stream, StreamExt};

use inputs::{
    AcknowledgeAlertInput, AlertFilterInput, CheckpointFilterInput, CreateCheckpointInput,
    RecordScreeningInput, ScreeningFilterInput, SetCheckpointStatusInput, StatsGroupBy,
    UpdateCheckpointInput,
};
pub use types::{Alert, AlertReason, Checkpoint, CheckpointStatsRow, Screening, StatusChange};

use crate::auth::Actor;
use crate::checkpoints::{alerts, posts, screenings, stats};
use crate::graphql::context::ContextExt;
use crate::graphql::live;
use crate::graphql::resolvers::{payload, root_object};
use crate::state::AppState;

root_object! {
    impl CheckpointQuery {
        lists {
            /// Checkpoints in the caller's scope, by id.
            checkpoints(CheckpointFilterInput) -> Checkpoint = posts::list;
            /// Screenings in the caller's scope, oldest first (by recording time, then id).
            screenings(ScreeningFilterInput) -> Screening = screenings::list;
            /// Alerts from the gateways in the caller's scope (destination or post district), by id.
            alerts(AlertFilterInput) -> Alert = alerts::list;
        }
        calls {
            /// One checkpoint with its status history.
            checkpoint(#[graphql(desc = "The checkpoint's code, e.g. `TH-QL1-BIMSON`.")] code: String) -> Checkpoint = |s| posts::get(&s, &code);
        }
    }

    /// Screening figures between `from` and `to` (at most a year), grouped by day, checkpoint or district.
    async fn checkpoint_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First day counted (province time).")] from: DateTime<Utc>,
        #[graphql(desc = "Last day counted (province time).")] to: DateTime<Utc>,
        #[graphql(desc = "How the counts are grouped.")] group_by: StatsGroupBy,
    ) -> Result<Vec<CheckpointStatsRow>> {
        let rows = stats::stats(&ctx.services()?, from, to, group_by.into()).await?;
        Ok(rows.into_iter().map(CheckpointStatsRow).collect())
    }
}

payload! {
    /// Result of a checkpoint mutation.
    pub struct CheckpointPayload {
        /// The checkpoint after the change.
        checkpoint: Checkpoint,
    }
}

/// Result of `recordScreening`.
#[derive(SimpleObject)]
pub struct RecordScreeningPayload {
    /// The screening recorded.
    pub screening: Screening,
    /// The (first) alert it raised; null when none.
    pub alert: Option<Alert>,
    /// Every alert it raised: one per alerted traveller, or one for a screening without travellers.
    pub alerts: Vec<Alert>,
}

payload! {
    /// Result of `acknowledgeAlert`.
    pub struct AcknowledgeAlertPayload {
        /// The alert, now acknowledged.
        alert: Alert,
    }
}

impl From<(screening::Model, Vec<alert::Model>)> for RecordScreeningPayload {
    fn from((screening, alerts): (screening::Model, Vec<alert::Model>)) -> Self {
        RecordScreeningPayload {
            screening: Screening(screening),
            alert: alerts.first().cloned().map(Alert),
            alerts: alerts.into_iter().map(Alert).collect(),
        }
    }
}

root_object! {
    impl CheckpointMutation {
        calls {
            /// Creates a checkpoint (POLICE, TRANSPORT, BORDER_GUARD, ADMINISTRATION; a district committee in its district).
            create_checkpoint(#[graphql(desc = "The new checkpoint: code, name, kind, district and staffing agencies.")] input: CreateCheckpointInput) -> CheckpointPayload
                = |s| posts::create(&s, input.into());
            /// Updates a checkpoint's details or staffing.
            update_checkpoint(#[graphql(desc = "The checkpoint's changed fields, at the version read.")] input: UpdateCheckpointInput) -> CheckpointPayload
                = |s| posts::update(&s, input.into());
            /// Opens, pauses or closes a checkpoint; the change is kept in its history.
            set_checkpoint_status(#[graphql(desc = "The checkpoint, its new status and the reason.")] input: SetCheckpointStatusInput) -> CheckpointPayload
                = |s| posts::set_status(&s, input.into());
            /// Records a screening at an OPEN checkpoint (an agency staffing it, or province-level police, transport,
            /// border guard or health). Raises an alert for health on a positive test, symptoms, quarantine or referral.
            record_screening(#[graphql(desc = "The screening as recorded at the checkpoint; personal fields are optional.")] input: RecordScreeningInput) -> RecordScreeningPayload
                = |s| screenings::record(&s, input.into());
            /// An agency working the gateways (health, police, transport, border guard) takes up an alert.
            acknowledge_alert(#[graphql(desc = "The alert to acknowledge, with an optional note.")] input: AcknowledgeAlertInput) -> AcknowledgeAlertPayload
                = |s| alerts::acknowledge(&s, input.id, input.note);
        }
    }
}

/// An alert delivered by `screeningAlerts`, with the cursor to resume after it.
#[derive(SimpleObject)]
pub struct AlertEvent {
    /// Opaque, increasing position of this event: pass it as `after` when subscribing again.
    pub cursor: String,
    #[graphql(flatten)]
    pub alert: Alert,
}

#[derive(Default)]
pub struct CheckpointSubscription;

#[Subscription]
impl CheckpointSubscription {
    /// Alerts as they are raised, for one district (GSO code: the destination or the post's district,
    /// whichever district the post stands in) or, without it, every district in the caller's scope. Delivered to subscribers of every server process. Given `after`, first replays
    /// the alerts raised after that cursor (at most `LIENTHONG_REPLAY_MAX_EVENTS` events and
    /// `LIENTHONG_REPLAY_MAX_HOURS` back; beyond that CURSOR_EXPIRED: query `alerts` instead), then goes
    /// on live with no gap and no duplicate.
    async fn screening_alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only alerts for this district; all the caller may see when omitted.")]
        district_code: Option<String>,
        #[graphql(desc = "The `cursor` of the last alert received: resume after it.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = AlertEvent>> {
        let feed = alerts::follow(&ctx.services()?, district_code.as_deref()).await?;
        let load = |app: AppState, actor: Actor, id: i64| async move {
            alerts::get(&app.ctx(&actor), id).await.map(Alert)
        };
        let (app, actor) = (ctx.app().clone(), ctx.actor()?.clone());
        let stream = live::stream(app, actor, after, move |e| feed.select(e), load).await?;
        Ok(stream.map(|d| AlertEvent {
            cursor: d.cursor,
            alert: d.item,
        }))
    }
}

//! GraphQL face of checkpoints, screenings and alerts: the query, mutation and subscription roots. Each
//! resolver converts its input, calls one service and wraps what it returns.

mod inputs;
mod types;

use async_graphql::{Context, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::checkpoint;
use futures_util::{Stream, StreamExt};

use inputs::{
    AcknowledgeAlertInput, AlertFilterInput, CheckpointFilterInput, CreateCheckpointInput,
    RecordScreeningInput, ScreeningFilterInput, SetCheckpointStatusInput, StatsGroupBy,
    UpdateCheckpointInput,
};
pub use types::{Alert, AlertReason, Checkpoint, CheckpointStatsRow, Screening, StatusChange};

use crate::auth::Actor;
use crate::checkpoints::{alerts, posts, screenings, stats};
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::live;
use crate::state::AppState;

#[derive(Default)]
pub struct CheckpointQuery;

#[Object]
impl CheckpointQuery {
    /// Checkpoints in the caller's scope, by id.
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn checkpoints(
        &self,
        ctx: &Context<'_>,
        filter: Option<CheckpointFilterInput>,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<Checkpoint>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default().into();
        let page = posts::list(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(page, Checkpoint))
    }

    /// One checkpoint with its status history.
    async fn checkpoint(&self, ctx: &Context<'_>, code: String) -> Result<Checkpoint> {
        Ok(Checkpoint(posts::get(&ctx.services()?, &code).await?))
    }

    /// Screenings in the caller's scope, oldest first (by recording time, then id).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn screenings(
        &self,
        ctx: &Context<'_>,
        filter: Option<ScreeningFilterInput>,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<Screening>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default().into();
        let page = screenings::list(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(page, Screening))
    }

    /// Screening figures between `from` and `to` (at most a year), grouped by day, checkpoint or district.
    async fn checkpoint_stats(
        &self,
        ctx: &Context<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        group_by: StatsGroupBy,
    ) -> Result<Vec<CheckpointStatsRow>> {
        let rows = stats::stats(&ctx.services()?, from, to, group_by.into()).await?;
        Ok(rows.into_iter().map(CheckpointStatsRow).collect())
    }

    /// Alerts for health in the caller's scope, by id.
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        filter: Option<AlertFilterInput>,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<Alert>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default().into();
        let page = alerts::list(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(page, Alert))
    }
}

/// Result of a checkpoint mutation.
#[derive(SimpleObject)]
pub struct CheckpointPayload {
    /// The checkpoint after the change.
    pub checkpoint: Checkpoint,
}

impl From<checkpoint::Model> for CheckpointPayload {
    fn from(model: checkpoint::Model) -> CheckpointPayload {
        CheckpointPayload {
            checkpoint: Checkpoint(model),
        }
    }
}

/// Result of `recordScreening`.
#[derive(SimpleObject)]
pub struct RecordScreeningPayload {
    /// The screening recorded.
    pub screening: Screening,
    /// The alert it raised; null when none.
    pub alert: Option<Alert>,
}

/// Result of `acknowledgeAlert`.
#[derive(SimpleObject)]
pub struct AcknowledgeAlertPayload {
    /// The alert, now acknowledged.
    pub alert: Alert,
}

#[derive(Default)]
pub struct CheckpointMutation;

#[Object]
impl CheckpointMutation {
    /// Creates a checkpoint (POLICE, TRANSPORT, BORDER_GUARD, ADMINISTRATION; a district committee in its district).
    async fn create_checkpoint(
        &self,
        ctx: &Context<'_>,
        input: CreateCheckpointInput,
    ) -> Result<CheckpointPayload> {
        Ok(posts::create(&ctx.services()?, input.into()).await?.into())
    }

    /// Updates a checkpoint's details or staffing.
    async fn update_checkpoint(
        &self,
        ctx: &Context<'_>,
        input: UpdateCheckpointInput,
    ) -> Result<CheckpointPayload> {
        Ok(posts::update(&ctx.services()?, input.into()).await?.into())
    }

    /// Opens, pauses or closes a checkpoint; the change is kept in its history.
    async fn set_checkpoint_status(
        &self,
        ctx: &Context<'_>,
        input: SetCheckpointStatusInput,
    ) -> Result<CheckpointPayload> {
        Ok(posts::set_status(&ctx.services()?, input.into())
            .await?
            .into())
    }

    /// Records a screening at an OPEN checkpoint (an agency staffing it, or province-level police, transport,
    /// border guard or health). Raises an alert for health on a positive test, symptoms, quarantine or referral.
    async fn record_screening(
        &self,
        ctx: &Context<'_>,
        input: RecordScreeningInput,
    ) -> Result<RecordScreeningPayload> {
        let (screening, alert) = screenings::record(&ctx.services()?, input.into()).await?;
        Ok(RecordScreeningPayload {
            screening: Screening(screening),
            alert: alert.map(Alert),
        })
    }

    /// Health takes up an alert.
    async fn acknowledge_alert(
        &self,
        ctx: &Context<'_>,
        input: AcknowledgeAlertInput,
    ) -> Result<AcknowledgeAlertPayload> {
        let taken = alerts::acknowledge(&ctx.services()?, input.id, input.note).await?;
        Ok(AcknowledgeAlertPayload {
            alert: Alert(taken),
        })
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
    /// Alerts as they are raised, for one district (GSO code) or, without it, every district in the
    /// caller's scope. Delivered to subscribers of every server process. Given `after`, first replays
    /// the alerts raised after that cursor (at most `LIENTHONG_REPLAY_MAX_EVENTS` events and
    /// `LIENTHONG_REPLAY_MAX_HOURS` back; beyond that CURSOR_EXPIRED: query `alerts` instead), then goes
    /// on live with no gap and no duplicate.
    async fn screening_alerts(
        &self,
        ctx: &Context<'_>,
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

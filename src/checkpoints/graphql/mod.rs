//! GraphQL face of checkpoints, screenings and alerts: the query, mutation and subscription roots. Each
//! resolver converts its input, calls one service and wraps what it returns.

mod inputs;
mod types;

use async_graphql::{Context, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::checkpoint;
use futures_util::Stream;

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
        #[graphql(desc = "Which checkpoints; all when omitted.")] filter: Option<
            CheckpointFilterInput,
        >,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<Checkpoint>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default().into();
        let page = posts::list(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(page, Checkpoint))
    }

    /// One checkpoint with its status history.
    async fn checkpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The checkpoint's code, e.g. `TH-QL1-BIMSON`.")] code: String,
    ) -> Result<Checkpoint> {
        Ok(Checkpoint(posts::get(&ctx.services()?, &code).await?))
    }

    /// Screenings in the caller's scope, oldest first (by recording time, then id).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn screenings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which screenings; all the caller may see when omitted.")] filter: Option<
            ScreeningFilterInput,
        >,
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
        #[graphql(desc = "First day counted (province time).")] from: DateTime<Utc>,
        #[graphql(desc = "Last day counted (province time).")] to: DateTime<Utc>,
        #[graphql(desc = "How the counts are grouped.")] group_by: StatsGroupBy,
    ) -> Result<Vec<CheckpointStatsRow>> {
        let rows = stats::stats(&ctx.services()?, from, to, group_by.into()).await?;
        Ok(rows.into_iter().map(CheckpointStatsRow).collect())
    }

    /// Alerts for health in the caller's scope, by id.
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which alerts; all the caller may see when omitted.")] filter: Option<
            AlertFilterInput,
        >,
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
        #[graphql(desc = "The new checkpoint: code, name, kind, district and staffing agencies.")]
        input: CreateCheckpointInput,
    ) -> Result<CheckpointPayload> {
        Ok(posts::create(&ctx.services()?, input.into()).await?.into())
    }

    /// Updates a checkpoint's details or staffing.
    async fn update_checkpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The checkpoint's changed fields, at the version read.")]
        input: UpdateCheckpointInput,
    ) -> Result<CheckpointPayload> {
        Ok(posts::update(&ctx.services()?, input.into()).await?.into())
    }

    /// Opens, pauses or closes a checkpoint; the change is kept in its history.
    async fn set_checkpoint_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The checkpoint, its new status and the reason.")]
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
        #[graphql(
            desc = "The screening as recorded at the checkpoint; personal fields are optional."
        )]
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
        #[graphql(desc = "The alert to acknowledge, with an optional note.")]
        input: AcknowledgeAlertInput,
    ) -> Result<AcknowledgeAlertPayload> {
        let taken = alerts::acknowledge(&ctx.services()?, input.id, input.note).await?;
        Ok(AcknowledgeAlertPayload {
            alert: Alert(taken),
        })
    }
}

#[derive(Default)]
pub struct CheckpointSubscription;

#[Subscription]
impl CheckpointSubscription {
    /// Alerts as they are raised, for one district (GSO code) or, without it, every district in the
    /// caller's scope. Delivered to subscribers of every server process.
    async fn screening_alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only alerts for this district; all the caller may see when omitted.")]
        district_code: Option<String>,
    ) -> Result<impl Stream<Item = Alert>> {
        let feed = alerts::follow(&ctx.services()?, district_code.as_deref()).await?;
        let load = |app: AppState, actor: Actor, id: i64| async move {
            alerts::get(&app.ctx(&actor), id).await.map(Alert)
        };
        let (app, actor) = (ctx.app().clone(), ctx.actor()?.clone());
        Ok(live::stream(app, actor, move |e| feed.select(e), load))
    }
}

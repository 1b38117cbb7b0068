//! Reading follow-ups: the list with its filters (overdue derived from the clock, never stored), one
//! follow-up, the counts per district and commune without personal data, and the feed of a district's
//! follow-up events.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{FollowUpStatus, commune, follow_up, follow_up_step};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::districts::lookup;
use crate::error::AppResult;
use crate::events::DomainEvent;
use crate::graphql::loaders::IdKeyed;
use crate::keyset::{Listed, Order, Position};
use crate::kit::{self, Ctx, Record, ScopedList, Versioned, get_scoped};
use crate::policy::{self, Action, Resource, Scope};

impl Record for follow_up::Entity {
    const NAME: &'static str = "follow-up";
    const ID: Self::Column = follow_up::Column::Id;
}

impl Versioned for follow_up::Entity {
    const VERSION: Self::Column = follow_up::Column::Version;
    const UPDATED_AT: Self::Column = follow_up::Column::UpdatedAt;
}

impl Listed for follow_up::Entity {
    const ORDER: Order<Self::Column> = Order::Id(follow_up::Column::Id);
    fn position(row: &Self::Model) -> Position {
        Position::id(row.id)
    }
}

impl IdKeyed for follow_up::Entity {
    type Key = i64;
    const ID: Self::Column = follow_up::Column::Id;
    fn key(row: &follow_up::Model) -> i64 {
        row.id
    }
}

/// Whether a follow-up is overdue at `now`: still waiting for first contact after its due time.
pub fn is_overdue(f: &follow_up::Model, now: DateTime<Utc>) -> bool {
    f.status == FollowUpStatus::Pending && f.due_at < now
}

fn overdue_at(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(follow_up::Column::Status.eq(FollowUpStatus::Pending))
        .add(follow_up::Column::DueAt.lt(now))
}

fn within(scope: Scope) -> Condition {
    scope.district_filter(follow_up::Column::DistrictId)
}

#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    pub district_code: Option<String>,
    pub commune_code: Option<String>,
    pub status: Option<FollowUpStatus>,
    pub overdue: Option<bool>,
}

/// Follow-ups in the caller's scope (the destination district), by id.
impl ScopedList for FollowUpFilter {
    type Entity = follow_up::Entity;
    const RESOURCE: Resource = Resource::FollowUp;

    async fn rows(&self, ctx: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        let mut cond = within(scope);
        if let Some(code) = &self.district_code {
            cond = cond.add(lookup::in_district(follow_up::Column::DistrictId, code));
        }
        if let Some(code) = &self.commune_code {
            match commune_id(ctx.db, code).await? {
                Some(id) => cond = cond.add(follow_up::Column::CommuneId.eq(id)),
                None => return Ok(None),
            }
        }
        if let Some(status) = self.status {
            cond = cond.add(follow_up::Column::Status.eq(status));
        }
        match self.overdue {
            Some(true) => cond = cond.add(overdue_at(ctx.now())),
            Some(false) => cond = cond.add(overdue_at(ctx.now()).not()),
            None => {}
        }
        Ok(Some(cond))
    }
}

kit::scoped_list!(list: FollowUpFilter);

async fn commune_id<C: ConnectionTrait>(conn: &C, code: &str) -> AppResult<Option<i32>> {
    Ok(commune::Entity::find()
        .filter(commune::Column::Code.eq(code))
        .one(conn)
        .await?
        .map(|c| c.id))
}

/// One follow-up, if the caller may see it; NOT_FOUND otherwise.
pub async fn get(ctx: &Ctx<'_>, id: i64) -> AppResult<follow_up::Model> {
    get_scoped::<follow_up::Entity>(ctx, Resource::FollowUp, id, within).await
}

/// The steps of a follow-up, oldest first (the caller has read the follow-up).
pub async fn steps<C: ConnectionTrait>(
    conn: &C,
    follow_up_id: i64,
) -> AppResult<Vec<follow_up_step::Model>> {
    Ok(follow_up_step::Entity::find()
        .filter(follow_up_step::Column::FollowUpId.eq(follow_up_id))
        .order_by_asc(follow_up_step::Column::Id)
        .all(conn)
        .await?)
}

/// Counts of one district's (or one commune's) follow-ups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryRow {
    pub district_id: i32,
    pub commune_id: Option<i32>,
    pub pending: i64,
    pub contacted: i64,
    pub home_monitoring: i64,
    pub quarantined: i64,
    pub tested: i64,
    pub closed: i64,
    pub overdue: i64,
}

impl SummaryRow {
    pub fn total(&self) -> i64 {
        self.pending
            + self.contacted
            + self.home_monitoring
            + self.quarantined
            + self.tested
            + self.closed
    }
}

/// Counts per district and commune (a row per commune, the commune null for follow-ups without one), of
/// one district or of every district in the caller's scope. No personal data.
#[tracing::instrument(skip_all)]
pub async fn summary(ctx: &Ctx<'_>, district_code: Option<&str>) -> AppResult<Vec<SummaryRow>> {
    let Some(scope) = policy::read_scope(ctx.actor, Resource::FollowUpSummary) else {
        return Ok(Vec::new());
    };
    let mut cond = within(scope);
    if let Some(code) = district_code {
        cond = cond.add(follow_up::Column::DistrictId.eq(lookup::by_code(ctx.db, code).await?.id));
    }
    use follow_up::Column as F;
    let counts: Vec<(i32, Option<i32>, FollowUpStatus, i64)> = follow_up::Entity::find()
        .select_only()
        .column(F::DistrictId)
        .column(F::CommuneId)
        .column(F::Status)
        .column_as(F::Id.count(), "n")
        .filter(cond.clone())
        .group_by(F::DistrictId)
        .group_by(F::CommuneId)
        .group_by(F::Status)
        .into_tuple()
        .all(ctx.db)
        .await?;
    let overdue: Vec<(i32, Option<i32>, i64)> = follow_up::Entity::find()
        .select_only()
        .column(F::DistrictId)
        .column(F::CommuneId)
        .column_as(F::Id.count(), "n")
        .filter(cond)
        .filter(overdue_at(ctx.now()))
        .group_by(F::DistrictId)
        .group_by(F::CommuneId)
        .into_tuple()
        .all(ctx.db)
        .await?;
    let mut rows: BTreeMap<(i32, Option<i32>), SummaryRow> = BTreeMap::new();
    fn row(
        rows: &mut BTreeMap<(i32, Option<i32>), SummaryRow>,
        d: i32,
        c: Option<i32>,
    ) -> &mut SummaryRow {
        rows.entry((d, c)).or_insert_with(|| SummaryRow {
            district_id: d,
            commune_id: c,
            ..Default::default()
        })
    }
    for (d, c, status, n) in counts {
        let r = row(&mut rows, d, c);
        match status {
            FollowUpStatus::Pending => r.pending += n,
            FollowUpStatus::Contacted => r.contacted += n,
            FollowUpStatus::HomeMonitoring => r.home_monitoring += n,
            FollowUpStatus::Quarantined => r.quarantined += n,
            FollowUpStatus::Tested => r.tested += n,
            FollowUpStatus::Closed => r.closed += n,
        }
    }
    for (d, c, n) in overdue {
        row(&mut rows, d, c).overdue += n;
    }
    Ok(rows.into_values().collect())
}

/// The follow-ups a subscriber follows: those of one district, or of every district in its scope.
#[derive(Debug, Clone, Copy)]
pub struct FollowUpFeed {
    district_id: Option<i32>,
}

impl FollowUpFeed {
    /// The id of the follow-up an event concerns, if this feed carries it; each is then read through
    /// [`get`], which applies the subscriber's scope.
    pub fn select(&self, event: &DomainEvent) -> Option<i64> {
        match *event {
            DomainEvent::FollowUp {
                follow_up_id,
                district_id,
            } if self.district_id.is_none_or(|d| d == district_id) => Some(follow_up_id),
            _ => None,
        }
    }
}

/// Starts following follow-up events. FORBIDDEN for a caller who may read no follow-ups.
pub async fn follow(ctx: &Ctx<'_>, district_code: Option<&str>) -> AppResult<FollowUpFeed> {
    policy::require(ctx.actor, Resource::FollowUp, Action::Read)?;
    let district_id = match district_code {
        Some(code) => Some(lookup::by_code(ctx.db, code).await?.id),
        None => None,
    };
    Ok(FollowUpFeed { district_id })
}

/// Whether the caller may read this follow-up (for nesting it under a traveller).
pub fn may_read(ctx: &Ctx<'_>, f: &follow_up::Model) -> bool {
    match policy::read_scope(ctx.actor, Resource::FollowUp) {
        Some(Scope::District { district_id, .. }) => f.district_id == district_id,
        Some(Scope::Province { .. }) => true,
        _ => false,
    }
}

/// The follow-up of a traveller, if one was opened (no permission asked: for the demo loader and
/// services that already hold the traveller).
pub async fn of_traveller<C: ConnectionTrait>(
    conn: &C,
    traveller_id: i64,
) -> AppResult<Option<follow_up::Model>> {
    Ok(follow_up::Entity::find()
        .filter(follow_up::Column::TravellerId.eq(traveller_id))
        .one(conn)
        .await?)
}

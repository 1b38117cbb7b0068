//! Transfers as their readers see them: lists, one by id, the timeline of one, and the transfers a
//! subscriber watches.

use chrono::{DateTime, Utc};
use entity::{TransferStatus, transfer, vaccine};
use sea_orm::{ColumnTrait, Condition};

use crate::districts::lookup::{self, in_district};
use crate::error::AppResult;
use crate::events::DomainEvent;
use crate::kit::{self, Ctx, ScopedList, get_scoped, with_code};
use crate::policy::{self, Action, Resource, Scope};

#[derive(Debug, Clone, Default)]
pub struct TransferFilter {
    pub status: Option<TransferStatus>,
    pub district_code: Option<String>,
    pub vaccine_code: Option<String>,
}

/// The transfers a scope reaches: a district's own, from or to it; for transport, those approved or on
/// the road (to escort); otherwise those from the districts it covers.
fn within(scope: Scope) -> Condition {
    use transfer::Column as T;
    match scope {
        Scope::District { district_id, .. } => Condition::any()
            .add(T::FromDistrictId.eq(district_id))
            .add(T::ToDistrictId.eq(district_id)),
        Scope::TransfersToEscort { .. } => Condition::all()
            .add(scope.district_filter(T::FromDistrictId))
            .add(T::Status.is_in([TransferStatus::Approved, TransferStatus::Dispatched])),
        other => other.district_filter(T::FromDistrictId),
    }
}

/// Transfers the caller may see, by id.
impl ScopedList for TransferFilter {
    type Entity = transfer::Entity;
    const RESOURCE: Resource = Resource::Transfer;

    async fn rows(&self, _: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        use transfer::Column as T;
        let from_or_to = |code: &String| {
            Condition::any()
                .add(in_district(T::FromDistrictId, code))
                .add(in_district(T::ToDistrictId, code))
        };
        Ok(Some(
            Condition::all()
                .add(within(scope))
                .add_option(self.status.map(|s| T::Status.eq(s)))
                .add_option(self.district_code.as_ref().map(from_or_to))
                .add_option(
                    self.vaccine_code
                        .as_ref()
                        .map(|c| with_code::<vaccine::Entity>(T::VaccineId, c)),
                ),
        ))
    }
}

kit::scoped_list!(list: TransferFilter);

/// One transfer, if the caller may see it (NOT_FOUND otherwise).
pub async fn get(ctx: &Ctx<'_>, id: i32) -> AppResult<transfer::Model> {
    get_scoped::<transfer::Entity>(ctx, Resource::Transfer, id, within).await
}

/// The transfers from or to one district that a subscriber follows. Each one an event names is then
/// loaded through [`get`], with the subscriber's scope.
#[derive(Debug, Clone, Copy)]
pub struct Watch {
    district_id: i32,
}

impl Watch {
    /// The transfer an event is about, if it concerns the watched district.
    pub fn picks(&self, event: &DomainEvent) -> Option<i32> {
        match *event {
            DomainEvent::Transfer {
                transfer_id,
                from_district_id,
                to_district_id,
            } if from_district_id == self.district_id || to_district_id == self.district_id => {
                Some(transfer_id)
            }
            _ => None,
        }
    }
}

/// Starts watching the transfers of the district with this code, for a caller who may read transfers.
pub async fn watch(ctx: &Ctx<'_>, district_code: &str) -> AppResult<Watch> {
    policy::require(ctx.actor, Resource::Transfer, Action::Read)?;
    let district = lookup::by_code(ctx.db, district_code).await?;
    Ok(Watch {
        district_id: district.id,
    })
}

/// One step of a transfer's history: the status reached, when, by whom ("agency-code/subject").
#[derive(Debug, Clone)]
pub struct Milestone {
    pub status: TransferStatus,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// The steps a transfer has taken, oldest first.
pub fn timeline(t: &transfer::Model) -> Vec<Milestone> {
    let closed = if t.status == TransferStatus::Rejected {
        TransferStatus::Rejected
    } else {
        TransferStatus::Cancelled
    };
    [
        (
            TransferStatus::Requested,
            Some(t.requested_at),
            Some(&t.requested_by),
        ),
        (
            TransferStatus::Approved,
            t.approved_at,
            t.approved_by.as_ref(),
        ),
        (
            TransferStatus::Dispatched,
            t.dispatched_at,
            t.dispatched_by.as_ref(),
        ),
        (
            TransferStatus::Received,
            t.received_at,
            t.received_by.as_ref(),
        ),
        (closed, t.closed_at, t.closed_by.as_ref()),
    ]
    .into_iter()
    .filter_map(|(status, at, by)| {
        Some(Milestone {
            status,
            at: at?,
            by: by?.clone(),
        })
    })
    .collect()
}

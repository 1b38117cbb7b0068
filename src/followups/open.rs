//! Opening a follow-up: each alerted traveller heading to a district of this province gets one there,
//! in the write that records the screening, due within the configured time of the crossing.

use entity::{FollowUpStatus, alert, commune, follow_up, follow_up_step, traveller};
use sea_orm::{ActiveModelTrait, NotSet, Set};

use crate::error::AppResult;
use crate::events::DomainEvent;
use crate::kit::Write;

/// Opens the follow-up of `t` at `district_id` (and `commune`), PENDING, first contact due
/// `config.follow_up_due` after the crossing.
pub async fn open(
    w: &mut Write<'_>,
    t: &traveller::Model,
    raised: &alert::Model,
    district_id: i32,
    commune: Option<&commune::Model>,
) -> AppResult<follow_up::Model> {
    let due = t.crossed_at + w.ctx().config.follow_up_due;
    let opened = follow_up::ActiveModel {
        id: NotSet,
        traveller_id: Set(t.id),
        alert_id: Set(Some(raised.id)),
        district_id: Set(district_id),
        commune_id: Set(commune.map(|c| c.id)),
        status: Set(FollowUpStatus::Pending),
        outcome: Set(None),
        crossed_at: Set(t.crossed_at),
        due_at: Set(due),
        contacted_at: Set(None),
        closed_at: Set(None),
        version: Set(1),
        created_at: Set(w.now()),
        updated_at: Set(w.now()),
    }
    .insert(&**w)
    .await?;
    follow_up_step::ActiveModel {
        id: NotSet,
        follow_up_id: Set(opened.id),
        from_status: Set(None),
        to_status: Set(FollowUpStatus::Pending),
        note: Set(None),
        agency_id: Set(Some(w.ctx().actor.agency_id)),
        taken_by: Set(w.ctx().actor.label()),
        taken_at: Set(w.now()),
    }
    .insert(&**w)
    .await?;
    w.audit_created("followUp.open", "follow_up", opened.id, &opened)
        .await?;
    w.emit(DomainEvent::FollowUp {
        follow_up_id: opened.id,
        district_id,
    })
    .await?;
    Ok(opened)
}

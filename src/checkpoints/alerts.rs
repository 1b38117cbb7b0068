//! Alerts: what health must follow up (screenings, and through [`raise_for`] crews, quarantine cases and
//! testing plans). The rule that raises one, listing them, reading one
//! (for a subscriber too), and health acknowledging it.

use entity::{Decision, DeclarationChannel, TestResult, alert, screening, traveller};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, NotSet, QueryFilter,
    QueryOrder, Set,
};

use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::kit::{self, Ctx, ScopedList, Text, Write, get_scoped, text};
use crate::policy::{self, Action, Resource, Scope};

/// The alert rule: why a screening needs health's attention, if it does.
pub fn reasons(s: &screening::Model) -> Vec<&'static str> {
    let mut reasons = Vec::new();
    if s.test_result == Some(TestResult::Positive) {
        reasons.push("POSITIVE_TEST");
    }
    if s.symptoms {
        reasons.push("SYMPTOMS");
    }
    match s.decision {
        Decision::Quarantined => reasons.push("QUARANTINED"),
        Decision::ReferredToHealth => reasons.push("REFERRED_TO_HEALTH"),
        _ => {}
    }
    reasons
}

/// The alert rule for one traveller of a screening: their test and symptoms, the post's decision, an
/// origin in an epidemic area (the register's or the officer's mark), and, with any of these, the lack
/// of a health declaration.
pub fn traveller_reasons(s: &screening::Model, t: &traveller::Model) -> Vec<&'static str> {
    let mut reasons = Vec::new();
    if t.test_result == Some(TestResult::Positive) {
        reasons.push("POSITIVE_TEST");
    }
    if t.symptoms {
        reasons.push("SYMPTOMS");
    }
    match s.decision {
        Decision::Quarantined => reasons.push("QUARANTINED"),
        Decision::ReferredToHealth => reasons.push("REFERRED_TO_HEALTH"),
        _ => {}
    }
    if t.from_epidemic_area {
        reasons.push("FROM_EPIDEMIC_AREA");
    }
    if !reasons.is_empty() && t.declaration_channel == DeclarationChannel::None {
        reasons.push("NOT_DECLARED");
    }
    reasons
}

/// Where a traveller's alert goes: the destination district of this province (else the post's), its
/// commune, and the other province of an outbound notice.
#[derive(Debug, Clone, Copy)]
pub struct Addressee<'a> {
    pub district_id: i32,
    pub commune_id: Option<i32>,
    pub outbound_province_code: Option<&'a str>,
}

/// Raises the alert of one traveller when the rule finds reasons, in the write that records the
/// screening. The destination district and the post's district both hear of it.
pub async fn raise_for_traveller(
    w: &mut Write<'_>,
    screening: &screening::Model,
    t: &traveller::Model,
    to: Addressee<'_>,
) -> AppResult<Option<alert::Model>> {
    let reasons = traveller_reasons(screening, t);
    if reasons.is_empty() {
        return Ok(None);
    }
    let origin = AlertOrigin {
        screening_id: Some(screening.id),
        traveller_id: Some(t.id),
        post_district_id: Some(screening.district_id),
        commune_id: to.commune_id,
        outbound_province_code: to.outbound_province_code.map(str::to_owned),
        ..AlertOrigin::default()
    };
    let raised = raise_for(w, origin, to.district_id, &reasons).await?;
    Ok(Some(raised))
}

/// Raises an alert for the health centre of `district_id` when the rule finds reasons, in the write
/// that records the screening; subscribers hear of it when that write commits.
pub(super) async fn raise(
    w: &mut Write<'_>,
    screening: &screening::Model,
    district_id: i32,
) -> AppResult<Option<alert::Model>> {
    let reasons = reasons(screening);
    if reasons.is_empty() {
        return Ok(None);
    }
    let origin = AlertOrigin {
        screening_id: Some(screening.id),
        post_district_id: Some(screening.district_id),
        ..AlertOrigin::default()
    };
    raise_for(w, origin, district_id, &reasons).await.map(Some)
}

/// What an alert concerns besides its district: the record health opens to follow it up, and for a
/// traveller the post's district, the destination commune and the other province of an outbound notice.
#[derive(Debug, Clone, Default)]
pub struct AlertOrigin {
    pub screening_id: Option<i64>,
    pub traveller_id: Option<i64>,
    pub post_district_id: Option<i32>,
    pub commune_id: Option<i32>,
    pub outbound_province_code: Option<String>,
    pub vessel_call_id: Option<i64>,
    pub quarantine_case_id: Option<i64>,
    pub testing_plan_id: Option<i64>,
}

/// Raises an alert with these reasons for the health centre of `district_id`, in the write `w`;
/// subscribers of `screeningAlerts` hear of it when that write commits. Other domains (crews,
/// quarantine cases, testing plans) raise theirs through here, so there is one alert flow.
pub async fn raise_for(
    w: &mut Write<'_>,
    origin: AlertOrigin,
    district_id: i32,
    reasons: &[&str],
) -> AppResult<alert::Model> {
    let raised = alert::ActiveModel {
        id: NotSet,
        screening_id: Set(origin.screening_id),
        district_id: Set(district_id),
        reasons: Set(reasons.join(",")),
        created_at: Set(w.now()),
        acknowledged_at: Set(None),
        acknowledged_by: Set(None),
        note: Set(None),
        vessel_call_id: Set(origin.vessel_call_id),
        quarantine_case_id: Set(origin.quarantine_case_id),
        testing_plan_id: Set(origin.testing_plan_id),
        traveller_id: Set(origin.traveller_id),
        post_district_id: Set(origin.post_district_id),
        commune_id: Set(origin.commune_id),
        outbound_province_code: Set(origin.outbound_province_code),
    }
    .insert(&**w)
    .await?;
    w.emit(DomainEvent::Alert {
        alert_id: raised.id,
        district_id: raised.district_id,
        post_district_id: raised.post_district_id.filter(|d| *d != raised.district_id),
    })
    .await?;
    Ok(raised)
}

/// The alerts a screening raised (one per alerted traveller), by id.
pub(super) async fn of_screening<C: ConnectionTrait>(
    conn: &C,
    screening_id: i64,
) -> AppResult<Vec<alert::Model>> {
    Ok(alert::Entity::find()
        .filter(alert::Column::ScreeningId.eq(screening_id))
        .order_by_asc(alert::Column::Id)
        .all(conn)
        .await?)
}

/// The alerts a scope reaches: a district's own, whether it is the destination or the post's district.
fn within(scope: Scope) -> Condition {
    match scope {
        // Nested, so that the filters added after it narrow it (an `any` alone would widen).
        Scope::District { district_id, .. } => Condition::all().add(
            Condition::any()
                .add(alert::Column::DistrictId.eq(district_id))
                .add(alert::Column::PostDistrictId.eq(district_id)),
        ),
        _ => scope.district_filter(alert::Column::DistrictId),
    }
}

#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub district_code: Option<String>,
    pub acknowledged: Option<bool>,
    /// Only outbound notices (destination in another province), or none of them.
    pub outbound: Option<bool>,
}

/// Alerts in the caller's scope, by id.
impl ScopedList for AlertFilter {
    type Entity = alert::Entity;
    const RESOURCE: Resource = Resource::Alert;

    async fn rows(&self, _: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        let mut cond = within(scope);
        if let Some(code) = &self.district_code {
            cond = cond.add(lookup::in_district(alert::Column::DistrictId, code));
        }
        match self.acknowledged {
            Some(true) => cond = cond.add(alert::Column::AcknowledgedAt.is_not_null()),
            Some(false) => cond = cond.add(alert::Column::AcknowledgedAt.is_null()),
            None => {}
        }
        match self.outbound {
            Some(true) => cond = cond.add(alert::Column::OutboundProvinceCode.is_not_null()),
            Some(false) => cond = cond.add(alert::Column::OutboundProvinceCode.is_null()),
            None => {}
        }
        Ok(Some(cond))
    }
}

kit::scoped_list!(list: AlertFilter);

/// One alert, if the caller may see it; NOT_FOUND otherwise.
pub async fn get(ctx: &Ctx<'_>, id: i64) -> AppResult<alert::Model> {
    get_scoped::<alert::Entity>(ctx, Resource::Alert, id, within).await
}

/// The alerts a subscriber follows: those of one district, or of every district in its scope.
#[derive(Debug, Clone, Copy)]
pub struct AlertFeed {
    district_id: Option<i32>,
}

impl AlertFeed {
    /// The id of the alert an event raised, if this feed carries it. Each is then read through [`get`],
    /// which applies the subscriber's scope.
    pub fn select(&self, event: &DomainEvent) -> Option<i64> {
        match *event {
            DomainEvent::Alert {
                alert_id,
                district_id,
                post_district_id,
            } if self
                .district_id
                .is_none_or(|d| d == district_id || Some(d) == post_district_id) =>
            {
                Some(alert_id)
            }
            _ => None,
        }
    }
}

/// Starts following alerts, of the district `district_code` or of all the caller may read. FORBIDDEN
/// for a caller who may read no alerts.
pub async fn follow(ctx: &Ctx<'_>, district_code: Option<&str>) -> AppResult<AlertFeed> {
    policy::require(ctx.actor, Resource::Alert, Action::Read)?;
    let district_id = match district_code {
        Some(code) => Some(lookup::by_code(ctx.db, code).await?.id),
        None => None,
    };
    Ok(AlertFeed { district_id })
}

/// Health confirms it has taken up an alert. Taken up once: a second acknowledgement is INVALID_STATE.
#[tracing::instrument(skip_all, fields(alert.id = id))]
pub async fn acknowledge(ctx: &Ctx<'_>, id: i64, note: Option<String>) -> AppResult<alert::Model> {
    let scope = policy::require(ctx.actor, Resource::Alert, Action::Write)?;
    let note = text("note", note.as_deref(), Text::optional(500))?;
    let w = ctx.write().await?;
    let before = alert::Entity::find()
        .filter(alert::Column::Id.eq(id))
        .filter(within(scope))
        .one(&*w)
        .await?
        .ok_or_else(|| AppError::not_found("alert", id))?;
    if before.acknowledged_at.is_some() {
        return Err(already_acknowledged(&before));
    }
    // Only while it is still open: of two concurrent acknowledgements, one takes it up.
    let taken = alert::Entity::update_many()
        .set(alert::ActiveModel {
            acknowledged_at: Set(Some(w.now())),
            acknowledged_by: Set(Some(ctx.actor.label())),
            note: Set(note),
            ..Default::default()
        })
        .filter(alert::Column::Id.eq(id))
        .filter(alert::Column::AcknowledgedAt.is_null())
        .exec(&*w)
        .await?;
    let after = kit::by_id::<alert::Entity>(&*w, id).await?;
    if taken.rows_affected != 1 {
        return Err(already_acknowledged(&after));
    }
    w.audit_changed("alert.acknowledge", "alert", id, &before, &after)
        .await?;
    w.commit().await?;
    Ok(after)
}

fn already_acknowledged(alert: &alert::Model) -> AppError {
    AppError::InvalidState(format!(
        "alert {} was already acknowledged by {}",
        alert.id,
        alert.acknowledged_by.as_deref().unwrap_or("someone")
    ))
}

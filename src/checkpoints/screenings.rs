//! Screenings: what a post records about each vehicle or group, who may record it, the checks of what
//! is recorded, listing them, and who may read their personal fields.

use chrono::{DateTime, Duration, Utc};
use entity::{
    AgencyKind, CheckpointStatus, Decision, Direction, TestKind, TestResult, VehicleKind, alert,
    checkpoint, checkpoint_staff, district, screening,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, NotSet, Set,
};
use serde::Serialize;

use super::alerts::{self, Addressee};
use super::posts;
use crate::auth::Actor;
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::followups::open as follow_up;
use crate::idempotency::{self, Keyed};
use crate::keyset::{Listed, Order, Position};
use crate::kit::{self, Ctx, ScopedList, Text, Write, by_code_from, text};
use crate::policy::{self, Action, Resource, Scope};
use crate::travellers::record::{self as travellers, NewTraveller};

/// One screening as recorded at a checkpoint.
#[derive(Debug, Clone, Serialize)]
pub struct NewScreening {
    pub checkpoint_code: String,
    pub recorded_at: DateTime<Utc>,
    pub direction: Direction,
    pub vehicle_plate: Option<String>,
    pub vehicle_kind: VehicleKind,
    pub people_count: i32,
    pub origin_province_code: Option<String>,
    pub origin_district_code: Option<String>,
    pub from_epidemic_area: bool,
    pub health_declared: bool,
    pub test_kind: TestKind,
    pub test_result: Option<TestResult>,
    pub test_taken_at: Option<DateTime<Utc>>,
    pub doses_shown: Option<i32>,
    pub symptoms: bool,
    pub decision: Decision,
    pub full_name: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub destination_address: Option<String>,
    pub destination_district_code: Option<String>,
    /// The people of the vehicle or group, each followed up on their own; none for a screening that
    /// records one person (or a count) in the fields above.
    pub travellers: Vec<NewTraveller>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

pub use crate::travellers::identity::{normalise_phone, valid_id_number};

/// Checks what the post saw: times, counts, the test, the vehicle and where they come from.
fn check_record(input: &NewScreening, now: DateTime<Utc>) -> AppResult<()> {
    if posts::beyond_skew(input.recorded_at, now) {
        return Err(AppError::bad_input("recordedAt", "in the future"));
    }
    if input.recorded_at < now - Duration::days(366) {
        return Err(AppError::bad_input("recordedAt", "more than a year ago"));
    }
    if !(1..=1000).contains(&input.people_count) {
        return Err(AppError::bad_input("peopleCount", "1 to 1000"));
    }
    if input.test_kind == TestKind::None && input.test_result.is_some() {
        return Err(AppError::bad_input(
            "testResult",
            "a result needs a test kind",
        ));
    }
    if input
        .test_taken_at
        .is_some_and(|t| posts::beyond_skew(t, now))
    {
        return Err(AppError::bad_input("testTakenAt", "in the future"));
    }
    if input.doses_shown.is_some_and(|d| !(0..=10).contains(&d)) {
        return Err(AppError::bad_input("dosesShown", "0 to 10"));
    }
    if let Some(plate) = &input.vehicle_plate {
        let ok = plate.len() <= 20
            && plate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ' '));
        if !ok {
            return Err(AppError::bad_input(
                "vehiclePlate",
                "at most 20 characters: letters, digits, '-', '.'",
            ));
        }
    }
    for (field, code) in [
        ("originProvinceCode", &input.origin_province_code),
        ("originDistrictCode", &input.origin_district_code),
    ] {
        if code
            .as_ref()
            .is_some_and(|c| c.is_empty() || c.len() > 8 || !c.chars().all(|d| d.is_ascii_digit()))
        {
            return Err(AppError::bad_input(field, "a GSO code (digits)"));
        }
    }
    Ok(())
}

/// The free-text personal fields, checked and trimmed.
struct PersonalTexts {
    full_name: Option<String>,
    destination_address: Option<String>,
}

/// Checks the personal fields; normalises the phone number in place.
fn check_personal(input: &mut NewScreening) -> AppResult<PersonalTexts> {
    if let Some(id) = &input.id_number
        && !valid_id_number(id)
    {
        return Err(AppError::bad_input(
            "idNumber",
            "a 12-digit citizen identity number or a 9-digit identity card number",
        ));
    }
    if let Some(phone) = &input.phone {
        input.phone = Some(normalise_phone(phone).ok_or_else(|| {
            AppError::bad_input(
                "phone",
                "a Vietnamese phone number: 0 and 9 digits, or +84 and 9 digits",
            )
        })?);
    }
    Ok(PersonalTexts {
        full_name: text("fullName", input.full_name.as_deref(), Text::optional(200))?,
        destination_address: text(
            "destinationAddress",
            input.destination_address.as_deref(),
            Text::optional(500),
        )?,
    })
}

/// Records a screening at an OPEN checkpoint (see [`check_recorder`] for who may); raises an alert for
/// health when the rule says so (see [`alerts::reasons`]).
#[tracing::instrument(skip_all, fields(checkpoint.code = %input.checkpoint_code))]
pub async fn record(ctx: &Ctx<'_>, mut input: NewScreening) -> AppResult<Recorded> {
    policy::require(ctx.actor, Resource::Screening, Action::Write)?;
    check_record(&input, ctx.now())?;
    let texts = check_personal(&mut input)?;
    travellers::check_all(&mut input.travellers, ctx.now())?;
    if input.travellers.len() > input.people_count as usize {
        return Err(AppError::bad_input(
            "travellers",
            "more travellers than peopleCount",
        ));
    }
    let hash = idempotency::request_hash(&input);
    input.full_name = texts.full_name;
    input.destination_address = texts.destination_address;
    let request = Keyed::new("recordScreening", input.idempotency_key.as_deref(), &hash);
    let (recorded, _) = idempotency::once(ctx, request, existing, |w| {
        let input = input.clone();
        Box::pin(async move { insert(w, input).await })
    })
    .await?;
    Ok(recorded)
}

/// A screening as recorded, with the alerts it raised (one per alerted traveller, or one for the
/// screening when it names no travellers), by id.
pub type Recorded = (screening::Model, Vec<alert::Model>);

async fn insert(w: &mut Write<'_>, input: NewScreening) -> AppResult<(Recorded, i64)> {
    let post =
        by_code_from::<checkpoint::Entity>(&**w, "checkpointCode", &input.checkpoint_code).await?;
    check_recorder(&**w, w.ctx().actor, &post).await?;
    let destination = match &input.destination_district_code {
        Some(code) => {
            Some(by_code_from::<district::Entity>(&**w, "destinationDistrictCode", code).await?)
        }
        None => None,
    };
    let mut input = input;
    let people = std::mem::take(&mut input.travellers);
    let marked = input.from_epidemic_area;
    let row = new_row(input, &post, destination.as_ref(), w);
    let mut recorded = row.insert(&**w).await?;
    // The audit row names the record, never its personal fields.
    let audited = serde_json::json!({
        "checkpoint": post.code,
        "decision": recorded.decision,
        "peopleCount": recorded.people_count,
    });
    w.audit_created("screening.record", "screening", recorded.id, &audited)
        .await?;
    if people.is_empty() {
        let health_district = destination.map_or(post.district_id, |d| d.id);
        let raised = alerts::raise(w, &recorded, health_district).await?;
        let id = recorded.id;
        return Ok(((recorded, raised.into_iter().collect()), id));
    }
    let people = travellers::insert_all(w, &recorded, people, destination.as_ref(), marked).await?;
    if people.iter().any(|p| p.traveller.from_epidemic_area) && !recorded.from_epidemic_area {
        // The register found what the officer did not mark: the screening says so too.
        let mut row: screening::ActiveModel = recorded.clone().into();
        row.from_epidemic_area = Set(true);
        recorded = row.update(&**w).await?;
    }
    let mut raised = Vec::new();
    for p in &people {
        let to = Addressee {
            district_id: p
                .destination
                .district
                .as_ref()
                .map_or(post.district_id, |d| d.id),
            commune_id: p.destination.commune.as_ref().map(|c| c.id),
            outbound_province_code: p.destination.outbound_province.as_deref(),
        };
        let Some(alert) = alerts::raise_for_traveller(w, &recorded, &p.traveller, to).await? else {
            continue;
        };
        // Another province follows up its own arrivals; this one follows up those heading here.
        if p.destination.outbound_province.is_none() {
            let commune = p.destination.commune.as_ref();
            follow_up::open(w, &p.traveller, &alert, to.district_id, commune).await?;
        }
        raised.push(alert);
    }
    let id = recorded.id;
    Ok(((recorded, raised), id))
}

/// Who may record at a post, in one place: an agency that staffs it, or a province-level police,
/// transport, border guard or health agency of the post's province; and only while the post is OPEN.
async fn check_recorder<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    post: &checkpoint::Model,
) -> AppResult<()> {
    let post_district = lookup::by_id(conn, post.district_id).await?;
    if post_district.province_id != actor.province_id {
        return Err(AppError::forbidden("the checkpoint is in another province"));
    }
    let staff = posts::rows_of::<checkpoint_staff::Entity, _>(conn, &[post.id]).await?;
    let staffs = staff.iter().any(|s| s.agency_id == actor.agency_id);
    let province_post_agency = actor.district_id.is_none()
        && matches!(
            actor.agency_kind,
            AgencyKind::Police
                | AgencyKind::Transport
                | AgencyKind::BorderGuard
                | AgencyKind::Health
        );
    if !staffs && !province_post_agency {
        return Err(AppError::forbidden(format!(
            "your agency does not staff checkpoint {}",
            post.code
        )));
    }
    if post.status != CheckpointStatus::Open {
        return Err(AppError::InvalidState(format!(
            "checkpoint {} is {}; screenings are recorded only at open checkpoints",
            post.code,
            post.status.as_str()
        )));
    }
    Ok(())
}

fn new_row(
    input: NewScreening,
    post: &checkpoint::Model,
    destination: Option<&district::Model>,
    w: &Write<'_>,
) -> screening::ActiveModel {
    let actor = w.ctx().actor;
    screening::ActiveModel {
        id: NotSet,
        checkpoint_id: Set(post.id),
        district_id: Set(post.district_id),
        recorded_at: Set(input.recorded_at),
        recorded_by_agency_id: Set(actor.agency_id),
        recorded_by: Set(actor.label()),
        direction: Set(input.direction),
        vehicle_plate: Set(input.vehicle_plate.map(|p| p.to_uppercase())),
        vehicle_kind: Set(input.vehicle_kind),
        people_count: Set(input.people_count),
        origin_province_code: Set(input.origin_province_code),
        origin_district_code: Set(input.origin_district_code),
        from_epidemic_area: Set(input.from_epidemic_area),
        health_declared: Set(input.health_declared),
        test_kind: Set(input.test_kind),
        test_result: Set(input.test_result),
        test_taken_at: Set(input.test_taken_at),
        doses_shown: Set(input.doses_shown),
        symptoms: Set(input.symptoms),
        decision: Set(input.decision),
        full_name: Set(input.full_name),
        id_number: Set(input.id_number),
        phone: Set(input.phone),
        destination_address: Set(input.destination_address),
        destination_district_id: Set(destination.map(|d| d.id)),
        created_at: Set(w.now()),
    }
}

/// The screening (and its alert) an earlier `recordScreening` with the same key recorded.
fn existing(txn: &DatabaseTransaction, id: i64) -> idempotency::TxnFuture<'_, Recorded> {
    Box::pin(async move {
        let recorded = kit::by_id::<screening::Entity>(txn, id).await?;
        let raised = alerts::of_screening(txn, id).await?;
        Ok((recorded, raised))
    })
}

#[derive(Debug, Clone, Default)]
pub struct ScreeningFilter {
    pub checkpoint_code: Option<String>,
    pub district_code: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub decision: Option<Decision>,
    pub test_result: Option<TestResult>,
    pub from_epidemic_area: Option<bool>,
}

/// The filter's conditions but the checkpoint and district codes, which the caller resolves to ids.
pub(super) fn condition(scope: Scope, filter: &ScreeningFilter) -> Condition {
    use screening::Column as S;
    let mut cond = Condition::all().add(scope.district_filter(S::DistrictId));
    if let Some(v) = filter.from {
        cond = cond.add(S::RecordedAt.gte(v));
    }
    if let Some(v) = filter.to {
        cond = cond.add(S::RecordedAt.lt(v));
    }
    if let Some(v) = filter.decision {
        cond = cond.add(S::Decision.eq(v));
    }
    if let Some(v) = filter.test_result {
        cond = cond.add(S::TestResult.eq(v));
    }
    if let Some(v) = filter.from_epidemic_area {
        cond = cond.add(S::FromEpidemicArea.eq(v));
    }
    cond
}

/// Screenings by recording time then id: a week's first page is an index range whatever the table's
/// size.
impl Listed for screening::Entity {
    const ORDER: Order<screening::Column> = Order::TimeThenId {
        time: screening::Column::RecordedAt,
        id: screening::Column::Id,
    };

    fn position(s: &screening::Model) -> Position {
        Position::time(s.recorded_at, s.id)
    }
}

/// Screenings in the caller's scope; none when the filter names a checkpoint or district that does
/// not exist.
impl ScopedList for ScreeningFilter {
    type Entity = screening::Entity;
    const RESOURCE: Resource = Resource::Screening;

    async fn rows(&self, ctx: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        let mut cond = condition(scope, self);
        // Codes become ids first: an equality lets the planner read the (post or district, time)
        // index in order, where a subquery leaves it scanning by time.
        if let Some(code) = &self.checkpoint_code {
            match posts::by_code(ctx.db, code).await {
                Ok(c) => cond = cond.add(screening::Column::CheckpointId.eq(c.id)),
                Err(AppError::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        if let Some(code) = &self.district_code {
            match lookup::by_code(ctx.db, code).await {
                Ok(d) => cond = cond.add(screening::Column::DistrictId.eq(d.id)),
                Err(AppError::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        Ok(Some(cond))
    }
}

kit::scoped_list!(list: ScreeningFilter);

/// The personal-data rule: whether the caller may read the personal fields of this screening, taken
/// at a post staffed by the agencies `staffed_by`. A district agency reads them for screenings at its
/// posts and for people heading to it, wherever the post stands.
pub fn may_read_personal(ctx: &Ctx<'_>, screening: &screening::Model, staffed_by: &[i32]) -> bool {
    match policy::decide(ctx.actor, Resource::ScreeningPersonal, Action::Read) {
        None => false,
        Some(Scope::StaffedCheckpoints { agency_id }) => staffed_by.contains(&agency_id),
        Some(Scope::District { district_id, .. }) => {
            screening.district_id == district_id
                || screening.destination_district_id == Some(district_id)
        }
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_id_numbers() {
        assert_eq!(
            normalise_phone("0912 345 678").as_deref(),
            Some("0912345678")
        );
        assert_eq!(
            normalise_phone("+84 912.345.678").as_deref(),
            Some("0912345678")
        );
        assert_eq!(normalise_phone("912345678"), None);
        assert_eq!(normalise_phone("09123456789"), None);
        assert_eq!(normalise_phone("09a2345678"), None);
        assert!(valid_id_number("038090001234"));
        assert!(valid_id_number("172345678"));
        assert!(!valid_id_number("03809000123"));
        assert!(!valid_id_number("03809000123x"));
    }
}

//! Quarantine cases: opening one (in a facility with a free place, at home under a signed commitment,
//! or self-monitoring), with its test schedule from the rules in force; listing them; closing them; and
//! who may read a case's personal fields.

use chrono::{DateTime, Duration, Utc};
use entity::{
    QuarantineCategory, QuarantineKind, QuarantineStatus, district, quarantine_case,
    quarantine_facility, quarantine_test,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, NotSet, QueryFilter, Set};
use serde::Serialize;

use super::facilities;
use crate::checkpoints::alerts::{self, AlertOrigin};
use crate::checkpoints::posts::beyond_skew;
use crate::checkpoints::screenings::{normalise_phone, valid_id_number};
use crate::districts::{communes, lookup};
use crate::error::{AppError, AppResult};
use crate::keyset::{Listed, Order, Position};
use crate::kit::{self, Ctx, Record, ScopedList, Text, Versioned, Write, by_code_from, text};
use crate::policy::{self, Action, Resource, Scope};

impl Record for quarantine_case::Entity {
    const NAME: &'static str = "quarantine case";
    const ID: Self::Column = quarantine_case::Column::Id;
}

impl Versioned for quarantine_case::Entity {
    const VERSION: Self::Column = quarantine_case::Column::Version;
    const UPDATED_AT: Self::Column = quarantine_case::Column::UpdatedAt;
}

/// Who signed a home-isolation commitment, and when.
#[derive(Debug, Clone, Serialize)]
pub struct Commitment {
    pub person_name: String,
    pub household_name: String,
    pub signed_at: DateTime<Utc>,
}

/// A case to open.
#[derive(Debug, Clone, Serialize)]
pub struct NewCase {
    pub category: QuarantineCategory,
    pub kind: QuarantineKind,
    pub full_name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// The district of the supervising commune.
    pub district_code: String,
    /// The supervising commune (GSO code), in the district.
    pub commune_code: Option<String>,
    /// Required for CONCENTRATED.
    pub facility_code: Option<String>,
    /// Default now.
    pub started_at: Option<DateTime<Utc>>,
    /// Default from the rules (category and kind).
    pub planned_end_at: Option<DateTime<Utc>>,
    /// Required for HOME_ISOLATION.
    pub commitment: Option<Commitment>,
    /// The follow-up this case comes from, if any.
    pub follow_up_id: Option<i64>,
}

/// A case checked and ready to insert.
pub struct CaseRow {
    pub district_id: i32,
    pub facility: Option<quarantine_facility::Model>,
    pub row: quarantine_case::ActiveModel,
}

/// Checks a new case against the rules and the caller's scope; reads the district and the facility.
async fn check(w: &Write<'_>, scope: Scope, input: NewCase) -> AppResult<CaseRow> {
    let now = w.now();
    let full_name = text("fullName", Some(&input.full_name), Text::required(200))?;
    let address = text("address", input.address.as_deref(), Text::optional(500))?;
    if let Some(id) = &input.id_number
        && !valid_id_number(id)
    {
        return Err(AppError::bad_input(
            "idNumber",
            "a 12-digit citizen identity number or a 9-digit identity card number",
        ));
    }
    let phone = match &input.phone {
        Some(p) => Some(normalise_phone(p).ok_or_else(|| {
            AppError::bad_input(
                "phone",
                "a Vietnamese phone number: 0 and 9 digits, or +84 and 9 digits",
            )
        })?),
        None => None,
    };
    let started_at = input.started_at.unwrap_or(now);
    if beyond_skew(started_at, now) {
        return Err(AppError::bad_input("startedAt", "in the future"));
    }
    let rules = &w.ctx().config.quarantine;
    let planned_end_at = input
        .planned_end_at
        .unwrap_or(started_at + rules.duration(input.category, input.kind));
    if planned_end_at <= started_at {
        return Err(AppError::bad_input(
            "plannedEndAt",
            "must be after the start",
        ));
    }
    let place =
        by_code_from::<district::Entity>(&**w, "districtCode", &input.district_code).await?;
    if !scope.covers_district(place.id, place.province_id) {
        return Err(AppError::forbidden(format!(
            "district {} is outside your scope",
            place.code
        )));
    }
    let commune = match &input.commune_code {
        Some(code) => Some(
            communes::in_district(&**w, "communeCode", code, &place)
                .await?
                .code,
        ),
        None => None,
    };
    let facility = match (input.kind, &input.facility_code) {
        (QuarantineKind::Concentrated, None) => {
            return Err(AppError::bad_input(
                "facilityCode",
                "concentrated quarantine needs a facility",
            ));
        }
        (QuarantineKind::Concentrated, Some(code)) => {
            Some(facilities::by_code(&**w, "facilityCode", code).await?)
        }
        (_, Some(_)) => {
            return Err(AppError::bad_input(
                "facilityCode",
                "only concentrated quarantine takes a facility",
            ));
        }
        (_, None) => None,
    };
    let commitment = match (input.kind, input.commitment) {
        (QuarantineKind::HomeIsolation, None) => {
            return Err(AppError::bad_input(
                "commitment",
                "home isolation needs a commitment signed by the person and the household",
            ));
        }
        (QuarantineKind::HomeIsolation, Some(c)) => {
            let person = text(
                "commitment.personName",
                Some(&c.person_name),
                Text::required(200),
            )?;
            let household = text(
                "commitment.householdName",
                Some(&c.household_name),
                Text::required(200),
            )?;
            if beyond_skew(c.signed_at, now) {
                return Err(AppError::bad_input("commitment.signedAt", "in the future"));
            }
            (person, household, Some(c.signed_at))
        }
        (_, _) => (None, None, None),
    };
    if input.kind == QuarantineKind::HomeIsolation && address.is_none() {
        return Err(AppError::bad_input(
            "address",
            "home isolation needs the home address",
        ));
    }
    let actor = w.ctx().actor;
    let row = quarantine_case::ActiveModel {
        id: NotSet,
        district_id: Set(place.id),
        commune: Set(commune),
        facility_id: Set(facility.as_ref().map(|f| f.id)),
        category: Set(input.category),
        kind: Set(input.kind),
        full_name: Set(full_name.unwrap_or_default()),
        id_number: Set(input.id_number),
        phone: Set(phone),
        address: Set(address),
        started_at: Set(started_at),
        planned_end_at: Set(planned_end_at),
        status: Set(QuarantineStatus::Open),
        commitment_person: Set(commitment.0),
        commitment_household: Set(commitment.1),
        commitment_signed_at: Set(commitment.2),
        follow_up_id: Set(input.follow_up_id),
        crew_member_id: Set(None),
        opened_by: Set(actor.label()),
        closed_at: Set(None),
        close_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(CaseRow {
        district_id: place.id,
        facility,
        row,
    })
}

/// Health opens a case. A follow-up opens one through here too, naming itself in `follow_up_id`: the
/// follow-up moves to QUARANTINED in the same transaction (INVALID_STATE when it cannot).
/// Refused with nothing written: a full facility, an end before the start, home isolation without a
/// signed commitment.
#[tracing::instrument(skip_all, fields(category = ?input.category, kind = ?input.kind))]
pub async fn open(ctx: &Ctx<'_>, input: NewCase) -> AppResult<quarantine_case::Model> {
    let scope = policy::require(ctx.actor, Resource::QuarantineCase, Action::Write)?;
    let mut w = ctx.write().await?;
    let follow_up = input.follow_up_id;
    let opened = open_within(&mut w, scope, input).await?;
    if let Some(id) = follow_up {
        let step = crate::followups::advance::Step {
            id,
            status: entity::FollowUpStatus::Quarantined,
            note: Some(format!("quarantine case {} opened", opened.id)),
            expected_version: None,
        };
        crate::followups::advance::advance_within(&mut w, ctx.actor, step).await?;
    }
    w.commit().await?;
    Ok(opened)
}

/// Checks and opens a case inside another workflow's write `w` (a follow-up that opens a case in the
/// same mutation), the caller having been granted `scope` for quarantine cases; nothing is committed
/// here, so a refusal rolls back the whole workflow.
pub async fn open_within(
    w: &mut Write<'_>,
    scope: Scope,
    input: NewCase,
) -> AppResult<quarantine_case::Model> {
    let checked = check(w, scope, input).await?;
    open_in(w, checked).await
}

/// Inserts a checked case in the write `w`: takes its facility place (refusing a full facility), lays
/// out its test schedule, audits it, and alerts health when the facility has just filled up. Asks no
/// permission: the caller has (or, for a crew member's positive test, the rule opens it).
pub async fn open_in(w: &mut Write<'_>, case: CaseRow) -> AppResult<quarantine_case::Model> {
    let left = match &case.facility {
        Some(f) => Some(facilities::take_place(w, "facilityCode", f).await?),
        None => None,
    };
    let opened = case.row.insert(&**w).await?;
    let rules = &w.ctx().config.quarantine;
    let (days, kind) = rules.schedule(opened.category);
    for due in days {
        quarantine_test::ActiveModel {
            id: NotSet,
            case_id: Set(opened.id),
            due_at: Set(Some(opened.started_at + due)),
            kind: Set(kind),
            result: Set(None),
            taken_at: Set(None),
            recorded_by: Set(None),
            alerted_at: Set(None),
            created_at: Set(w.now()),
        }
        .insert(&**w)
        .await?;
    }
    w.audit_created(
        "quarantine_case.open",
        "quarantine_case",
        opened.id,
        &opened,
    )
    .await?;
    if let (Some(0), Some(f)) = (left, &case.facility) {
        let origin = AlertOrigin {
            quarantine_case_id: Some(opened.id),
            ..AlertOrigin::default()
        };
        alerts::raise_for(w, origin, f.district_id, &["FACILITY_FULL"]).await?;
    }
    Ok(opened)
}

/// The F0 case a crew member's positive test opens: concentrated isolation, its place to be assigned
/// by health (no facility yet), supervised in the port's district. Opened once per crew member.
pub async fn open_for_crew(
    w: &mut Write<'_>,
    district_id: i32,
    full_name: &str,
    id_number: &str,
    address: String,
    crew_member_id: i64,
) -> AppResult<quarantine_case::Model> {
    if let Some(open) = quarantine_case::Entity::find()
        .filter(quarantine_case::Column::CrewMemberId.eq(crew_member_id))
        .one(&**w)
        .await?
    {
        return Ok(open);
    }
    let now = w.now();
    let rules = &w.ctx().config.quarantine;
    let end = now + rules.duration(QuarantineCategory::F0, QuarantineKind::Concentrated);
    let row = quarantine_case::ActiveModel {
        id: NotSet,
        district_id: Set(district_id),
        commune: Set(None),
        facility_id: Set(None),
        category: Set(QuarantineCategory::F0),
        kind: Set(QuarantineKind::Concentrated),
        full_name: Set(full_name.to_owned()),
        id_number: Set(valid_id_number(id_number).then(|| id_number.to_owned())),
        phone: Set(None),
        address: Set(Some(address)),
        started_at: Set(now),
        planned_end_at: Set(end),
        status: Set(QuarantineStatus::Open),
        commitment_person: Set(None),
        commitment_household: Set(None),
        commitment_signed_at: Set(None),
        follow_up_id: Set(None),
        crew_member_id: Set(Some(crew_member_id)),
        opened_by: Set(w.ctx().actor.label()),
        closed_at: Set(None),
        close_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let case = CaseRow {
        district_id,
        facility: None,
        row,
    };
    open_in(w, case).await
}

/// How a case ends.
#[derive(Debug, Clone)]
pub struct CloseCase {
    pub id: i64,
    pub status: QuarantineStatus,
    pub reason: Option<String>,
    pub expected_version: Option<i32>,
}

/// Health closes an OPEN case: released, transferred to treatment or absconded (which alerts health).
#[tracing::instrument(skip_all, fields(case.id = input.id))]
pub async fn close(ctx: &Ctx<'_>, input: CloseCase) -> AppResult<quarantine_case::Model> {
    let scope = policy::require(ctx.actor, Resource::QuarantineCase, Action::Write)?;
    if input.status == QuarantineStatus::Open {
        return Err(AppError::bad_input(
            "status",
            "RELEASED, TRANSFERRED_TO_TREATMENT or ABSCONDED",
        ));
    }
    let reason = text("reason", input.reason.as_deref(), Text::optional(500))?;
    let mut w = ctx.write().await?;
    let closed = end_in(
        &mut w,
        scope,
        input.id,
        input.status,
        reason,
        input.expected_version,
    )
    .await?;
    w.commit().await?;
    Ok(closed)
}

/// Ends an OPEN case in the write `w` (CONFLICT when it changed; INVALID_STATE when no longer open),
/// audited; an abscondment alerts health.
pub async fn end_in(
    w: &mut Write<'_>,
    scope: Scope,
    id: i64,
    status: QuarantineStatus,
    reason: Option<String>,
    expected_version: Option<i32>,
) -> AppResult<quarantine_case::Model> {
    let before = in_scope(w, scope, id).await?;
    kit::check_version("quarantine case", id, before.version, expected_version)?;
    if before.status != QuarantineStatus::Open {
        return Err(AppError::InvalidState(format!(
            "quarantine case {id} is {}, not OPEN",
            before.status.as_str()
        )));
    }
    let change = quarantine_case::ActiveModel {
        status: Set(status),
        closed_at: Set(Some(w.now())),
        close_reason: Set(reason),
        ..Default::default()
    };
    let open = Condition::all().add(quarantine_case::Column::Status.eq(QuarantineStatus::Open));
    let after = w
        .update_versioned::<quarantine_case::Entity>(id, before.version, change, open)
        .await?;
    w.audit_changed(
        "quarantine_case.close",
        "quarantine_case",
        id,
        &before,
        &after,
    )
    .await?;
    if status == QuarantineStatus::Absconded {
        let origin = AlertOrigin {
            quarantine_case_id: Some(id),
            ..AlertOrigin::default()
        };
        alerts::raise_for(w, origin, after.district_id, &["ABSCONDED"]).await?;
    }
    Ok(after)
}

/// The case `id` if it lies in `scope`; NOT_FOUND otherwise.
pub async fn in_scope(w: &Write<'_>, scope: Scope, id: i64) -> AppResult<quarantine_case::Model> {
    quarantine_case::Entity::find()
        .filter(quarantine_case::Column::Id.eq(id))
        .filter(within(scope))
        .one(&**w)
        .await?
        .ok_or_else(|| AppError::not_found("quarantine case", id))
}

pub fn within(scope: Scope) -> Condition {
    scope.district_filter(quarantine_case::Column::DistrictId)
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub district_code: Option<String>,
    pub facility_code: Option<String>,
    pub status: Option<QuarantineStatus>,
    pub category: Option<QuarantineCategory>,
    pub kind: Option<QuarantineKind>,
    /// Only cases with (true) a scheduled test past due and not taken.
    pub overdue: Option<bool>,
}

impl Listed for quarantine_case::Entity {
    const ORDER: Order<quarantine_case::Column> = Order::Id(quarantine_case::Column::Id);

    fn position(c: &quarantine_case::Model) -> Position {
        Position::id(c.id)
    }
}

/// Cases in the caller's scope, by id.
impl ScopedList for CaseFilter {
    type Entity = quarantine_case::Entity;
    const RESOURCE: Resource = Resource::QuarantineCase;

    async fn rows(&self, ctx: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        use quarantine_case::Column as C;
        let mut cond = within(scope);
        if let Some(code) = &self.district_code {
            cond = cond.add(lookup::in_district(C::DistrictId, code));
        }
        if let Some(code) = &self.facility_code {
            let facility = quarantine_facility::Entity::find()
                .filter(quarantine_facility::Column::Code.eq(code))
                .one(ctx.db)
                .await?;
            match facility {
                Some(f) => cond = cond.add(C::FacilityId.eq(f.id)),
                None => return Ok(None),
            }
        }
        if let Some(v) = self.status {
            cond = cond.add(C::Status.eq(v));
        }
        if let Some(v) = self.category {
            cond = cond.add(C::Category.eq(v));
        }
        if let Some(v) = self.kind {
            cond = cond.add(C::Kind.eq(v));
        }
        if let Some(overdue) = self.overdue {
            let late = C::Id.in_subquery(overdue_cases(ctx.now()));
            cond = cond.add(if overdue { late } else { late.not() });
        }
        Ok(Some(cond))
    }
}

/// Ids of cases with a scheduled test due before `now` and not taken.
pub fn overdue_cases(now: DateTime<Utc>) -> sea_orm::sea_query::SelectStatement {
    use quarantine_test::Column as T;
    Query::select()
        .column(T::CaseId)
        .from(quarantine_test::Entity)
        .and_where(Expr::col(T::TakenAt).is_null())
        .and_where(Expr::col(T::DueAt).lt(now))
        .to_owned()
}

kit::scoped_list!(list: CaseFilter);

/// The personal-data rule of a case: health and police of its district and of the province, the
/// People's Committee of its district (whose communes supervise).
pub fn may_read_personal(ctx: &Ctx<'_>, case: &quarantine_case::Model) -> bool {
    match policy::decide(ctx.actor, Resource::QuarantinePersonal, Action::Read) {
        None => false,
        Some(Scope::District { district_id, .. }) => case.district_id == district_id,
        Some(_) => true,
    }
}

/// A scheduled test is past due this long after its due time.
pub fn is_late(
    due_at: Option<DateTime<Utc>>,
    taken: bool,
    now: DateTime<Utc>,
    grace: Duration,
) -> bool {
    !taken && due_at.is_some_and(|d| d + grace < now)
}

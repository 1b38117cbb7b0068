//! Vessel calls at seaport and inland-waterway checkpoints: recording a call with its crew list,
//! recording crew tests (a positive one alerts health and opens an F0 case), listing calls, and who may
//! read crew members' personal fields.

use chrono::{DateTime, Duration, Utc};
use entity::{
    CheckpointKind, CrewRole, TestKind, TestResult, checkpoint, checkpoint_staff, crew_member,
    crew_test, vessel_call,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    NotSet, QueryFilter, Set,
};
use serde::Serialize;

use crate::checkpoints::alerts::{self, AlertOrigin};
use crate::checkpoints::posts::{beyond_skew, check_test_taken};
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Keyed};
use crate::keyset::{Listed, Order, Position};
use crate::kit::{self, Ctx, ScopedList, Text, Write, by_code_from, text};
use crate::policy::{self, Action, Resource, Scope};
use crate::quarantine::cases;

/// One person on a crew list.
#[derive(Debug, Clone, Serialize)]
pub struct NewCrewMember {
    pub full_name: String,
    /// Passport, seafarer's book or identity number.
    pub id_number: String,
    pub role: CrewRole,
}

/// A vessel call to record.
#[derive(Debug, Clone, Serialize)]
pub struct NewVesselCall {
    pub checkpoint_code: String,
    pub vessel_name: String,
    pub registration: String,
    pub flag: String,
    pub arrived_at: DateTime<Utc>,
    pub last_ports: Vec<String>,
    pub crew: Vec<NewCrewMember>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

fn document_number(value: &str) -> bool {
    (1..=32).contains(&value.len()) && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Checks a call: the vessel, its arrival, its last ports, and a crew list with one captain and nobody
/// twice.
fn check(input: &mut NewVesselCall, now: DateTime<Utc>) -> AppResult<()> {
    input.vessel_name =
        text("vesselName", Some(&input.vessel_name), Text::required(200))?.unwrap_or_default();
    input.flag = text("flag", Some(&input.flag), Text::required(64))?.unwrap_or_default();
    input.registration = input.registration.trim().to_uppercase();
    if !document_number(&input.registration) {
        return Err(AppError::bad_input(
            "registration",
            "registration or IMO number: 1 to 32 letters, digits or '-'",
        ));
    }
    if beyond_skew(input.arrived_at, now) {
        return Err(AppError::bad_input("arrivedAt", "in the future"));
    }
    if input.arrived_at < now - Duration::days(366) {
        return Err(AppError::bad_input("arrivedAt", "more than a year ago"));
    }
    if input.last_ports.len() > 10 {
        return Err(AppError::bad_input("lastPorts", "at most 10 ports"));
    }
    for (i, port) in input.last_ports.iter_mut().enumerate() {
        *port =
            text(&format!("lastPorts[{i}]"), Some(port), Text::required(100))?.unwrap_or_default();
        if port.contains(',') {
            return Err(AppError::bad_input(format!("lastPorts[{i}]"), "no commas"));
        }
    }
    if !(1..=200).contains(&input.crew.len()) {
        return Err(AppError::bad_input("crew", "1 to 200 people"));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, m) in input.crew.iter_mut().enumerate() {
        m.full_name = text(
            &format!("crew[{i}].fullName"),
            Some(&m.full_name),
            Text::required(200),
        )?
        .unwrap_or_default();
        m.id_number = m.id_number.trim().to_uppercase();
        if !document_number(&m.id_number) {
            return Err(AppError::bad_input(
                format!("crew[{i}].idNumber"),
                "1 to 32 letters, digits or '-'",
            ));
        }
        if !seen.insert(m.id_number.clone()) {
            return Err(AppError::bad_input(
                format!("crew[{i}].idNumber"),
                "this person is already on the crew list of this call",
            ));
        }
    }
    let captains = input
        .crew
        .iter()
        .filter(|m| m.role == CrewRole::Captain)
        .count();
    if captains != 1 {
        return Err(AppError::bad_input("crew", "exactly one CAPTAIN"));
    }
    Ok(())
}

/// Whether the caller's scope reaches a port: its district, or for a narrowed scope a post its agency
/// staffs.
async fn check_reach<C: ConnectionTrait>(
    conn: &C,
    scope: Scope,
    post: &checkpoint::Model,
) -> AppResult<()> {
    let reaches = match scope {
        Scope::StaffedCheckpoints { agency_id } => checkpoint_staff::Entity::find()
            .filter(checkpoint_staff::Column::CheckpointId.eq(post.id))
            .filter(checkpoint_staff::Column::AgencyId.eq(agency_id))
            .one(conn)
            .await?
            .is_some(),
        _ => {
            let d = lookup::by_id(conn, post.district_id).await?;
            scope.covers_district(d.id, d.province_id)
        }
    };
    if reaches {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "checkpoint {} is outside your reach",
            post.code
        )))
    }
}

/// Records a vessel call with its crew list at a SEAPORT or INLAND_WATERWAY checkpoint (HEALTH; TRANSPORT
/// and BORDER_GUARD at ports they staff). Its cargo is HELD until the crew tests say otherwise.
#[tracing::instrument(skip_all, fields(checkpoint.code = %input.checkpoint_code))]
pub async fn record(ctx: &Ctx<'_>, mut input: NewVesselCall) -> AppResult<vessel_call::Model> {
    let scope = policy::require(ctx.actor, Resource::VesselCall, Action::Write)?;
    check(&mut input, ctx.now())?;
    let hash = idempotency::request_hash(&input);
    let request = Keyed::new("recordVesselCall", input.idempotency_key.as_deref(), &hash);
    let (call, _) = idempotency::once(ctx, request, existing, |w| {
        let input = input.clone();
        Box::pin(async move { insert(w, scope, input).await })
    })
    .await?;
    Ok(call)
}

fn existing(txn: &DatabaseTransaction, id: i64) -> idempotency::TxnFuture<'_, vessel_call::Model> {
    Box::pin(async move {
        vessel_call::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::not_found("vessel call", id))
    })
}

async fn insert(
    w: &mut Write<'_>,
    scope: Scope,
    input: NewVesselCall,
) -> AppResult<(vessel_call::Model, i64)> {
    let post =
        by_code_from::<checkpoint::Entity>(&**w, "checkpointCode", &input.checkpoint_code).await?;
    if !matches!(
        post.kind,
        CheckpointKind::Seaport | CheckpointKind::InlandWaterway
    ) {
        return Err(AppError::bad_input(
            "checkpointCode",
            format!(
                "{} is not a SEAPORT or INLAND_WATERWAY checkpoint",
                post.code
            ),
        ));
    }
    check_reach(&**w, scope, &post).await?;
    let now = w.now();
    let call = vessel_call::ActiveModel {
        id: NotSet,
        checkpoint_id: Set(post.id),
        district_id: Set(post.district_id),
        vessel_name: Set(input.vessel_name),
        registration: Set(input.registration),
        flag: Set(input.flag),
        arrived_at: Set(input.arrived_at),
        last_ports: Set(input.last_ports.join(",")),
        recorded_by: Set(w.ctx().actor.label()),
        created_at: Set(now),
    }
    .insert(&**w)
    .await?;
    for m in input.crew {
        crew_member::ActiveModel {
            id: NotSet,
            vessel_call_id: Set(call.id),
            full_name: Set(m.full_name),
            id_number: Set(m.id_number),
            role: Set(m.role),
            created_at: Set(now),
        }
        .insert(&**w)
        .await?;
    }
    w.audit_created("vessel_call.record", "vessel_call", call.id, &call)
        .await?;
    let id = call.id;
    Ok((call, id))
}

/// A crew test to record.
#[derive(Debug, Clone)]
pub struct NewCrewTest {
    pub crew_member_id: i64,
    pub kind: TestKind,
    pub result: TestResult,
    pub taken_at: DateTime<Utc>,
}

/// Records a crew member's test. A positive one alerts health of the port's district (through
/// `screeningAlerts`) and opens an F0 case for the person, in the same write.
#[tracing::instrument(skip_all, fields(crew_member.id = input.crew_member_id))]
pub async fn record_test(ctx: &Ctx<'_>, input: NewCrewTest) -> AppResult<vessel_call::Model> {
    let scope = policy::require(ctx.actor, Resource::VesselCall, Action::Write)?;
    check_test_taken(input.kind, input.taken_at, ctx.now())?;
    let mut w = ctx.write().await?;
    let member = crew_member::Entity::find_by_id(input.crew_member_id)
        .one(&*w)
        .await?
        .ok_or_else(|| AppError::not_found("crew member", input.crew_member_id))?;
    let call = vessel_call::Entity::find_by_id(member.vessel_call_id)
        .filter(within(scope))
        .one(&*w)
        .await?
        .ok_or_else(|| AppError::not_found("crew member", input.crew_member_id))?;
    let post = kit::by_id::<checkpoint::Entity>(&*w, call.checkpoint_id).await?;
    check_reach(&*w, scope, &post).await?;
    let saved = crew_test::ActiveModel {
        id: NotSet,
        crew_member_id: Set(member.id),
        kind: Set(input.kind),
        result: Set(input.result),
        taken_at: Set(input.taken_at),
        recorded_by: Set(ctx.actor.label()),
        created_at: Set(w.now()),
    }
    .insert(&*w)
    .await?;
    w.audit_created("crew_test.record", "crew_test", saved.id, &saved)
        .await?;
    if input.result == TestResult::Positive {
        let origin = AlertOrigin {
            vessel_call_id: Some(call.id),
            ..AlertOrigin::default()
        };
        alerts::raise_for(&mut w, origin, call.district_id, &["POSITIVE_CREW_TEST"]).await?;
        let place = format!(
            "Tàu {} ({}) tại {}",
            call.vessel_name, call.registration, post.name
        );
        cases::open_for_crew(
            &mut w,
            call.district_id,
            &member.full_name,
            &member.id_number,
            place,
            member.id,
        )
        .await?;
    }
    w.commit().await?;
    Ok(call)
}

/// Calls in a scope: its districts, or the posts a narrowed agency staffs.
pub fn within(scope: Scope) -> Condition {
    match scope {
        Scope::StaffedCheckpoints { agency_id } => Condition::all()
            .add(vessel_call::Column::CheckpointId.in_subquery(staffed_posts(agency_id))),
        _ => scope.district_filter(vessel_call::Column::DistrictId),
    }
}

/// The checkpoints an agency staffs.
pub fn staffed_posts(agency_id: i32) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(checkpoint_staff::Column::CheckpointId)
        .from(checkpoint_staff::Entity)
        .and_where(Expr::col(checkpoint_staff::Column::AgencyId).eq(agency_id))
        .to_owned()
}

#[derive(Debug, Clone, Default)]
pub struct VesselCallFilter {
    pub checkpoint_code: Option<String>,
    pub district_code: Option<String>,
    pub arrived_from: Option<DateTime<Utc>>,
}

impl Listed for vessel_call::Entity {
    const ORDER: Order<vessel_call::Column> = Order::Id(vessel_call::Column::Id);

    fn position(c: &vessel_call::Model) -> Position {
        Position::id(c.id)
    }
}

/// Vessel calls in the caller's reach, by id.
impl ScopedList for VesselCallFilter {
    type Entity = vessel_call::Entity;
    const RESOURCE: Resource = Resource::VesselCall;

    async fn rows(&self, _: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        use vessel_call::Column as V;
        let mut cond = within(scope);
        if let Some(code) = &self.checkpoint_code {
            cond = cond.add(kit::with_code::<checkpoint::Entity>(V::CheckpointId, code));
        }
        if let Some(code) = &self.district_code {
            cond = cond.add(lookup::in_district(V::DistrictId, code));
        }
        if let Some(from) = self.arrived_from {
            cond = cond.add(V::ArrivedAt.gte(from));
        }
        Ok(Some(cond))
    }
}

kit::scoped_list!(list: VesselCallFilter);

/// The personal-data rule of crew (and cohort) members: health and police; transport and border guard
/// at posts they staff (`staffed_by`: the agencies staffing the post).
pub fn may_read_personal(ctx: &Ctx<'_>, district_id: i32, staffed_by: &[i32]) -> bool {
    match policy::decide(ctx.actor, Resource::CrewPersonal, Action::Read) {
        None => false,
        Some(Scope::StaffedCheckpoints { agency_id }) => staffed_by.contains(&agency_id),
        Some(Scope::District {
            district_id: own, ..
        }) => own == district_id,
        Some(_) => true,
    }
}

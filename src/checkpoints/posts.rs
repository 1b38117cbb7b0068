//! Checkpoints (control posts): finding and listing them, creating and editing them, their status
//! (OPEN, PAUSED, CLOSED) with its history, and the agencies that staff them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entity::{
    CheckpointKind, CheckpointStatus, agency, checkpoint, checkpoint_staff,
    checkpoint_status_change, district,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    NotSet, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Keyed};
use crate::kit::{self, Ctx, ScopedList, Text, Write, check_version, text};
use crate::policy::{self, Action, Resource, Scope};

/// How far in the future a recorded time may be (clock skew of the recording device).
pub const FUTURE_SKEW_MINUTES: i64 = 5;

/// Whether `at` lies further ahead of `now` than a recording device's clock may run fast.
pub fn beyond_skew(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at > now + chrono::Duration::minutes(FUTURE_SKEW_MINUTES)
}

/// A test as recorded: a real kind (RAPID_ANTIGEN or RT_PCR), taken no later than now give or take
/// the clock skew; BAD_USER_INPUT on `kind` or `takenAt` otherwise.
pub fn check_test_taken(
    kind: entity::TestKind,
    taken_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if kind == entity::TestKind::None {
        return Err(AppError::bad_input("kind", "RAPID_ANTIGEN or RT_PCR"));
    }
    if beyond_skew(taken_at, now) {
        return Err(AppError::bad_input("takenAt", "in the future"));
    }
    Ok(())
}

/// The checkpoint with this code, whoever asks; NOT_FOUND when there is none.
pub async fn by_code(conn: &impl ConnectionTrait, code: &str) -> AppResult<checkpoint::Model> {
    kit::by_code::<checkpoint::Entity>(conn, code).await
}

/// FORBIDDEN when the checkpoint stands outside `scope`.
async fn within<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    post: &checkpoint::Model,
) -> AppResult<()> {
    let district = lookup::by_id(conn, post.district_id).await?;
    if scope.covers_district(district.id, district.province_id) {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "checkpoint {} is outside your scope",
            post.code
        )))
    }
}

#[derive(Debug, Clone, Default)]
pub struct CheckpointFilter {
    pub district_code: Option<String>,
    pub kind: Option<CheckpointKind>,
    pub status: Option<CheckpointStatus>,
}

/// Checkpoints in the caller's scope, by id.
impl ScopedList for CheckpointFilter {
    type Entity = checkpoint::Entity;
    const RESOURCE: Resource = Resource::Checkpoint;

    async fn rows(&self, _: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        use checkpoint::Column as C;
        let in_district = |code: &String| lookup::in_district(C::DistrictId, code);
        Ok(Some(
            Condition::all()
                .add(scope.district_filter(C::DistrictId))
                .add_option(self.district_code.as_ref().map(in_district))
                .add_option(self.kind.map(|k| C::Kind.eq(k)))
                .add_option(self.status.map(|s| C::Status.eq(s))),
        ))
    }
}

kit::scoped_list!(list: CheckpointFilter);

/// One checkpoint by code; FORBIDDEN outside the caller's scope.
pub async fn get(ctx: &Ctx<'_>, code: &str) -> AppResult<checkpoint::Model> {
    let scope = policy::require(ctx.actor, Resource::Checkpoint, Action::Read)?;
    let found = by_code(ctx.db, code).await?;
    within(ctx.db, &scope, &found).await?;
    Ok(found)
}

/// A table of rows that belong to one checkpoint each: its status changes, its staff.
pub trait OfCheckpoint: EntityTrait {
    const ID: Self::Column;
    const CHECKPOINT_ID: Self::Column;
    fn checkpoint_of(row: &Self::Model) -> i32;
}

impl OfCheckpoint for checkpoint_status_change::Entity {
    const ID: Self::Column = checkpoint_status_change::Column::Id;
    const CHECKPOINT_ID: Self::Column = checkpoint_status_change::Column::CheckpointId;
    fn checkpoint_of(row: &Self::Model) -> i32 {
        row.checkpoint_id
    }
}

impl OfCheckpoint for checkpoint_staff::Entity {
    const ID: Self::Column = checkpoint_staff::Column::Id;
    const CHECKPOINT_ID: Self::Column = checkpoint_staff::Column::CheckpointId;
    fn checkpoint_of(row: &Self::Model) -> i32 {
        row.checkpoint_id
    }
}

/// The rows of `E` that belong to these checkpoints, oldest first. No policy check: for nesting under
/// checkpoints the caller was allowed to read, and for the rules of this domain.
pub async fn rows_of<E: OfCheckpoint, C: ConnectionTrait>(
    conn: &C,
    checkpoint_ids: &[i32],
) -> AppResult<Vec<E::Model>> {
    Ok(E::find()
        .filter(E::CHECKPOINT_ID.is_in(checkpoint_ids.iter().copied()))
        .order_by_asc(E::ID)
        .all(conn)
        .await?)
}

/// A checkpoint's details. On update, `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckpointInput {
    pub code: String,
    pub name: Option<String>,
    pub district_code: Option<String>,
    pub kind: Option<CheckpointKind>,
    pub route_marker: Option<String>,
    pub commune: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Agencies staffing the post; on update, replaces the list.
    pub staffing_agency_codes: Option<Vec<String>>,
    #[serde(skip)]
    pub expected_version: Option<i32>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// The free text of a [`CheckpointInput`], checked and trimmed. `None`: not given; for the optional
/// fields, `Some(None)`: given blank, which clears the field.
struct Texts {
    name: Option<String>,
    route_marker: Option<Option<String>>,
    commune: Option<Option<String>>,
}

fn check(input: &CheckpointInput) -> AppResult<Texts> {
    let code_ok = (2..=64).contains(&input.code.len())
        && input
            .code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if !code_ok {
        return Err(AppError::bad_input(
            "code",
            "2 to 64 characters: A-Z, 0-9 and '-'",
        ));
    }
    let given = |field, value: &Option<String>, rule| {
        value
            .as_deref()
            .map(|v| text(field, Some(v), rule))
            .transpose()
    };
    let texts = Texts {
        name: given("name", &input.name, Text::required(200))?.flatten(),
        route_marker: given("routeMarker", &input.route_marker, Text::optional(100))?,
        commune: given("commune", &input.commune, Text::optional(200))?,
    };
    for (field, value, bound) in [
        ("latitude", input.latitude, 90.0),
        ("longitude", input.longitude, 180.0),
    ] {
        if value.is_some_and(|v| !(-bound..=bound).contains(&v)) {
            let message = format!("between -{bound} and {bound}");
            return Err(AppError::bad_input(field, message));
        }
    }
    if input
        .staffing_agency_codes
        .as_ref()
        .is_some_and(|c| c.len() > 20)
    {
        return Err(AppError::bad_input(
            "staffingAgencyCodes",
            "at most 20 agencies",
        ));
    }
    Ok(texts)
}

/// A checkpoint to create, checked.
#[derive(Clone)]
struct NewPost {
    code: String,
    name: String,
    district_code: String,
    kind: CheckpointKind,
    route_marker: Option<String>,
    commune: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    staff: Vec<String>,
}

impl NewPost {
    fn from_input(input: &CheckpointInput) -> AppResult<NewPost> {
        let texts = check(input)?;
        let required = |field: &str| AppError::bad_input(field, "required");
        Ok(NewPost {
            code: input.code.clone(),
            name: texts.name.ok_or_else(|| required("name"))?,
            district_code: input
                .district_code
                .clone()
                .ok_or_else(|| required("districtCode"))?,
            kind: input.kind.ok_or_else(|| required("kind"))?,
            route_marker: texts.route_marker.flatten(),
            commune: texts.commune.flatten(),
            latitude: input.latitude,
            longitude: input.longitude,
            staff: input.staffing_agency_codes.clone().unwrap_or_default(),
        })
    }
}

/// Creates a checkpoint, OPEN from now, in a district of the caller's scope.
#[tracing::instrument(skip_all, fields(checkpoint.code = %input.code))]
pub async fn create(ctx: &Ctx<'_>, input: CheckpointInput) -> AppResult<checkpoint::Model> {
    let scope = policy::require(ctx.actor, Resource::Checkpoint, Action::Write)?;
    let new = NewPost::from_input(&input)?;
    let hash = idempotency::request_hash(&input);
    let request = Keyed::new("createCheckpoint", input.idempotency_key.as_deref(), &hash);
    let (created, _) = idempotency::once(ctx, request, existing, |w| {
        let new = new.clone();
        Box::pin(async move { insert(w, scope, new).await })
    })
    .await?;
    Ok(created)
}

async fn insert(w: &Write<'_>, scope: Scope, new: NewPost) -> AppResult<(checkpoint::Model, i64)> {
    let district =
        kit::by_code_from::<district::Entity>(&**w, "districtCode", &new.district_code).await?;
    if !scope.covers_district(district.id, district.province_id) {
        return Err(AppError::forbidden(format!(
            "district {} is outside your scope",
            district.code
        )));
    }
    match by_code(&**w, &new.code).await {
        Err(AppError::NotFound { .. }) => {}
        Ok(_) => {
            return Err(AppError::Conflict(format!(
                "checkpoint {} already exists",
                new.code
            )));
        }
        Err(other) => return Err(other),
    }
    let now = w.now();
    let created = checkpoint::ActiveModel {
        id: NotSet,
        code: Set(new.code),
        name: Set(new.name),
        district_id: Set(district.id),
        kind: Set(new.kind),
        route_marker: Set(new.route_marker),
        commune: Set(new.commune),
        latitude: Set(new.latitude),
        longitude: Set(new.longitude),
        status: Set(CheckpointStatus::Open),
        status_since: Set(now),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&**w)
    .await?;
    let opened = Some("opened".to_owned());
    record_status(w, created.id, CheckpointStatus::Open, now, opened).await?;
    replace_staff(w, created.id, &new.staff).await?;
    w.audit_created("checkpoint.create", "checkpoint", &created.code, &created)
        .await?;
    let id = i64::from(created.id);
    Ok((created, id))
}

/// The checkpoint an earlier `createCheckpoint` with the same key created.
fn existing(txn: &DatabaseTransaction, id: i64) -> idempotency::TxnFuture<'_, checkpoint::Model> {
    Box::pin(async move {
        let id = i32::try_from(id).map_err(|_| AppError::not_found("checkpoint", id))?;
        kit::by_id::<checkpoint::Entity>(txn, id).await
    })
}

/// The checkpoint to change, inside the write: in the caller's scope and at the version it expects.
async fn for_write(
    w: &Write<'_>,
    scope: &Scope,
    code: &str,
    expected_version: Option<i32>,
) -> AppResult<checkpoint::Model> {
    let found = by_code(&**w, code).await?;
    within(&**w, scope, &found).await?;
    check_version("checkpoint", code, found.version, expected_version)?;
    Ok(found)
}

/// Changes a checkpoint's details or staffing; it keeps its district.
#[tracing::instrument(skip_all, fields(checkpoint.code = %input.code))]
pub async fn update(ctx: &Ctx<'_>, input: CheckpointInput) -> AppResult<checkpoint::Model> {
    let scope = policy::require(ctx.actor, Resource::Checkpoint, Action::Write)?;
    let texts = check(&input)?;
    if input.district_code.is_some() {
        return Err(AppError::bad_input(
            "districtCode",
            "a checkpoint does not move; create a new one",
        ));
    }
    let w = ctx.write().await?;
    let before = for_write(&w, &scope, &input.code, input.expected_version).await?;
    let mut row: checkpoint::ActiveModel = before.clone().into();
    if let Some(v) = texts.name {
        row.name = Set(v);
    }
    if let Some(v) = input.kind {
        row.kind = Set(v);
    }
    if let Some(v) = texts.route_marker {
        row.route_marker = Set(v);
    }
    if let Some(v) = texts.commune {
        row.commune = Set(v);
    }
    if input.latitude.is_some() {
        row.latitude = Set(input.latitude);
    }
    if input.longitude.is_some() {
        row.longitude = Set(input.longitude);
    }
    let after = save(&w, &before, row).await?;
    if let Some(codes) = &input.staffing_agency_codes {
        replace_staff(&w, before.id, codes).await?;
    }
    commit_change(w, "checkpoint.update", &before, after).await
}

/// A change of a checkpoint's status.
#[derive(Debug, Clone)]
pub struct StatusStep {
    pub code: String,
    pub status: CheckpointStatus,
    /// Why; required to pause or close.
    pub reason: Option<String>,
    /// From when; now when not given, never in the future.
    pub effective_from: Option<DateTime<Utc>>,
    pub expected_version: Option<i32>,
}

/// The status rule, in one place: any status may follow any other, and pausing or closing a post
/// says why.
fn needs_reason(status: CheckpointStatus) -> bool {
    status != CheckpointStatus::Open
}

/// Opens, pauses or closes a checkpoint, keeping the history.
#[tracing::instrument(skip_all, fields(checkpoint.code = %step.code))]
pub async fn set_status(ctx: &Ctx<'_>, step: StatusStep) -> AppResult<checkpoint::Model> {
    let scope = policy::require(ctx.actor, Resource::Checkpoint, Action::Write)?;
    let reason = text("reason", step.reason.as_deref(), Text::optional(500))?;
    if needs_reason(step.status) && reason.is_none() {
        return Err(AppError::bad_input(
            "reason",
            "say why the checkpoint is paused or closed",
        ));
    }
    let now = ctx.now();
    let effective = step.effective_from.unwrap_or(now);
    if beyond_skew(effective, now) {
        return Err(AppError::bad_input("effectiveFrom", "not in the future"));
    }
    let w = ctx.write().await?;
    let before = for_write(&w, &scope, &step.code, step.expected_version).await?;
    if before.status == step.status {
        return Err(AppError::InvalidState(format!(
            "checkpoint {} is already {}",
            step.code,
            step.status.as_str()
        )));
    }
    let mut row: checkpoint::ActiveModel = before.clone().into();
    row.status = Set(step.status);
    row.status_since = Set(effective);
    let after = save(&w, &before, row).await?;
    record_status(&w, before.id, step.status, effective, reason).await?;
    commit_change(w, "checkpoint.status", &before, after).await
}

/// Saves `row` over `before`, at the version read (CONFLICT when it changed since).
async fn save(
    w: &Write<'_>,
    before: &checkpoint::Model,
    row: checkpoint::ActiveModel,
) -> AppResult<checkpoint::Model> {
    w.update_versioned::<checkpoint::Entity>(before.id, before.version, row, Condition::all())
        .await
}

/// Audits a change of a checkpoint and commits it.
async fn commit_change(
    w: Write<'_>,
    action: &str,
    before: &checkpoint::Model,
    after: checkpoint::Model,
) -> AppResult<checkpoint::Model> {
    w.audit_changed(action, "checkpoint", &after.code, before, &after)
        .await?;
    w.commit().await?;
    Ok(after)
}

/// Adds a status to the checkpoint's history.
async fn record_status(
    w: &Write<'_>,
    checkpoint_id: i32,
    status: CheckpointStatus,
    effective_from: DateTime<Utc>,
    reason: Option<String>,
) -> AppResult<()> {
    checkpoint_status_change::ActiveModel {
        id: NotSet,
        checkpoint_id: Set(checkpoint_id),
        status: Set(status),
        effective_from: Set(effective_from),
        reason: Set(reason),
        set_by: Set(w.ctx().actor.label()),
        created_at: Set(w.now()),
    }
    .insert(&**w)
    .await?;
    Ok(())
}

/// Makes the agencies of `codes` the checkpoint's staff.
async fn replace_staff(w: &Write<'_>, checkpoint_id: i32, codes: &[String]) -> AppResult<()> {
    let agencies = agency::Entity::find()
        .filter(agency::Column::Code.is_in(codes.iter().map(String::as_str)))
        .all(&**w)
        .await?;
    if let Some(missing) = codes
        .iter()
        .find(|c| !agencies.iter().any(|a| &a.code == *c))
    {
        return Err(AppError::bad_input(
            "staffingAgencyCodes",
            format!("no agency {missing}"),
        ));
    }
    checkpoint_staff::Entity::delete_many()
        .filter(checkpoint_staff::Column::CheckpointId.eq(checkpoint_id))
        .exec(&**w)
        .await?;
    for agency_id in agencies.iter().map(|a| a.id).collect::<BTreeSet<_>>() {
        checkpoint_staff::ActiveModel {
            id: NotSet,
            checkpoint_id: Set(checkpoint_id),
            agency_id: Set(agency_id),
            created_at: Set(w.now()),
        }
        .insert(&**w)
        .await?;
    }
    Ok(())
}

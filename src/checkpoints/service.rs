//! Checkpoint rules: who runs which post, who may record what, validation of screenings, the alert rule,
//! and the audit of every read of personal data.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use entity::{
    AgencyKind, CheckpointKind, CheckpointStatus, Decision, Direction, TestKind, TestResult,
    VehicleKind, agency, alert, audit_event, checkpoint, checkpoint_staff,
    checkpoint_status_change, district, screening,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, EntityTrait, FromQueryResult, NotSet, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::auth::Actor;
use crate::districts::lookup::{by_code as find_by_code, in_district};
use crate::error::{AppError, AppResult};
use crate::events::{DomainEvent, EventBus};
use crate::idempotency;
use crate::keyset::{self, Order, Page, PageRequest, Position};
use crate::policy::{self, Action, Resource, Scope};

/// How far in the future a recorded time may be (clock skew of the recording device).
pub const FUTURE_SKEW_MINUTES: i64 = 5;

fn check_text(field: &str, value: Option<&str>, max: usize) -> AppResult<()> {
    match value {
        Some(v) if v.chars().count() > max => Err(AppError::bad_input(
            field,
            format!("at most {max} characters"),
        )),
        Some(v) if v.chars().any(char::is_control) => {
            Err(AppError::bad_input(field, "no control characters"))
        }
        _ => Ok(()),
    }
}

fn scope_filter(scope: Scope, district_col: impl ColumnTrait) -> Condition {
    scope.district_filter(district_col)
}

pub async fn find_checkpoint<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> AppResult<checkpoint::Model> {
    checkpoint::Entity::find()
        .filter(checkpoint::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("checkpoint", code))
}

async fn district_of<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<district::Model> {
    district::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("district", id))
}

#[derive(Debug, Clone, Default)]
pub struct CheckpointFilter {
    pub district_code: Option<String>,
    pub kind: Option<CheckpointKind>,
    pub status: Option<CheckpointStatus>,
}

#[tracing::instrument(skip_all)]
pub async fn list_checkpoints(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &CheckpointFilter,
    page: PageRequest,
) -> AppResult<Page<checkpoint::Model>> {
    let Some(scope) = policy::read_scope(actor, Resource::Checkpoint) else {
        return Ok(Page::empty());
    };
    let mut cond = Condition::all().add(scope_filter(scope, checkpoint::Column::DistrictId));
    if let Some(code) = &filter.district_code {
        cond = cond.add(in_district(checkpoint::Column::DistrictId, code.as_str()));
    }
    if let Some(kind) = filter.kind {
        cond = cond.add(checkpoint::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        cond = cond.add(checkpoint::Column::Status.eq(status));
    }
    keyset::fetch(
        db,
        checkpoint::Entity::find().filter(cond),
        checkpoint::Column::Id,
        page,
        |c| i64::from(c.id),
    )
    .await
}

pub async fn get_checkpoint(
    db: &DatabaseConnection,
    actor: &Actor,
    code: &str,
) -> AppResult<checkpoint::Model> {
    let scope = policy::require(actor, Resource::Checkpoint, Action::Read)?;
    let found = find_checkpoint(db, code).await?;
    let district = district_of(db, found.district_id).await?;
    if !scope.covers_district(district.id, district.province_id) {
        return Err(AppError::forbidden(format!(
            "checkpoint {code} is outside your scope"
        )));
    }
    Ok(found)
}

pub async fn status_history(
    db: &DatabaseConnection,
    checkpoint_ids: &[i32],
) -> AppResult<Vec<checkpoint_status_change::Model>> {
    Ok(checkpoint_status_change::Entity::find()
        .filter(
            checkpoint_status_change::Column::CheckpointId.is_in(checkpoint_ids.iter().copied()),
        )
        .order_by_asc(checkpoint_status_change::Column::Id)
        .all(db)
        .await?)
}

pub async fn staff(
    db: &DatabaseConnection,
    checkpoint_ids: &[i32],
) -> AppResult<Vec<checkpoint_staff::Model>> {
    Ok(checkpoint_staff::Entity::find()
        .filter(checkpoint_staff::Column::CheckpointId.is_in(checkpoint_ids.iter().copied()))
        .order_by_asc(checkpoint_staff::Column::Id)
        .all(db)
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

fn validate_checkpoint(input: &CheckpointInput) -> AppResult<()> {
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
    if let Some(name) = &input.name
        && name.trim().is_empty()
    {
        return Err(AppError::bad_input("name", "must not be empty"));
    }
    check_text("name", input.name.as_deref(), 200)?;
    check_text("routeMarker", input.route_marker.as_deref(), 100)?;
    check_text("commune", input.commune.as_deref(), 200)?;
    if input.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
        return Err(AppError::bad_input("latitude", "between -90 and 90"));
    }
    if input
        .longitude
        .is_some_and(|v| !(-180.0..=180.0).contains(&v))
    {
        return Err(AppError::bad_input("longitude", "between -180 and 180"));
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
    Ok(())
}

async fn replace_staff(
    txn: &DatabaseTransaction,
    checkpoint_id: i32,
    codes: &[String],
) -> AppResult<()> {
    let agencies = agency::Entity::find()
        .filter(agency::Column::Code.is_in(codes.iter().map(String::as_str)))
        .all(txn)
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
        .exec(txn)
        .await?;
    let now = Utc::now();
    for a in agencies.iter().map(|a| a.id).collect::<BTreeSet<_>>() {
        checkpoint_staff::ActiveModel {
            id: NotSet,
            checkpoint_id: Set(checkpoint_id),
            agency_id: Set(a),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Creates a checkpoint, OPEN from now.
#[tracing::instrument(skip_all, fields(checkpoint.code = %input.code))]
pub async fn create_checkpoint(
    db: &DatabaseConnection,
    actor: &Actor,
    input: CheckpointInput,
) -> AppResult<checkpoint::Model> {
    let scope = policy::require(actor, Resource::Checkpoint, Action::Write)?;
    validate_checkpoint(&input)?;
    let name = input
        .name
        .clone()
        .ok_or_else(|| AppError::bad_input("name", "required"))?;
    let district_code = input
        .district_code
        .clone()
        .ok_or_else(|| AppError::bad_input("districtCode", "required"))?;
    let kind = input
        .kind
        .ok_or_else(|| AppError::bad_input("kind", "required"))?;
    let hash = idempotency::request_hash(&input);
    let key = input.idempotency_key.clone();
    let (created, _) = idempotency::once_in_txn(
        db,
        actor,
        "createCheckpoint",
        key.as_deref(),
        &hash,
        existing_checkpoint,
        move |txn| {
            let (input, actor, name, district_code) = (
                input.clone(),
                actor.clone(),
                name.clone(),
                district_code.clone(),
            );
            Box::pin(async move {
                let district = find_by_code(txn, &district_code).await.map_err(|_| {
                    AppError::bad_input("districtCode", format!("no district {district_code}"))
                })?;
                if !scope.covers_district(district.id, district.province_id) {
                    return Err(AppError::forbidden(format!(
                        "district {} is outside your scope",
                        district.code
                    )));
                }
                if checkpoint::Entity::find()
                    .filter(checkpoint::Column::Code.eq(input.code.as_str()))
                    .one(txn)
                    .await?
                    .is_some()
                {
                    return Err(AppError::Conflict(format!(
                        "checkpoint {} already exists",
                        input.code
                    )));
                }
                let now = Utc::now();
                let created = checkpoint::ActiveModel {
                    id: NotSet,
                    code: Set(input.code.clone()),
                    name: Set(name.trim().to_owned()),
                    district_id: Set(district.id),
                    kind: Set(kind),
                    route_marker: Set(input.route_marker.clone()),
                    commune: Set(input.commune.clone()),
                    latitude: Set(input.latitude),
                    longitude: Set(input.longitude),
                    status: Set(CheckpointStatus::Open),
                    status_since: Set(now),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(txn)
                .await?;
                checkpoint_status_change::ActiveModel {
                    id: NotSet,
                    checkpoint_id: Set(created.id),
                    status: Set(CheckpointStatus::Open),
                    effective_from: Set(now),
                    reason: Set(Some("opened".into())),
                    set_by: Set(actor.label()),
                    created_at: Set(now),
                }
                .insert(txn)
                .await?;
                replace_staff(
                    txn,
                    created.id,
                    input.staffing_agency_codes.as_deref().unwrap_or(&[]),
                )
                .await?;
                audit::record(
                    txn,
                    &actor,
                    chrono::Utc::now(),
                    Change {
                        action: "checkpoint.create",
                        entity: "checkpoint",
                        entity_id: created.code.clone(),
                        before: None::<&()>,
                        after: Some(&created),
                    },
                )
                .await?;
                let id = i64::from(created.id);
                Ok((created, id))
            })
        },
    )
    .await?;
    Ok(created)
}

fn existing_checkpoint(
    txn: &DatabaseTransaction,
    id: i64,
) -> idempotency::TxnFuture<'_, checkpoint::Model> {
    Box::pin(async move {
        let id = i32::try_from(id).map_err(|_| AppError::not_found("checkpoint", id))?;
        checkpoint::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::not_found("checkpoint", id))
    })
}

fn existing_screening(
    txn: &DatabaseTransaction,
    id: i64,
) -> idempotency::TxnFuture<'_, (screening::Model, Option<alert::Model>)> {
    Box::pin(async move {
        let s = screening::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::not_found("screening", id))?;
        let a = alert::Entity::find()
            .filter(alert::Column::ScreeningId.eq(id))
            .one(txn)
            .await?;
        Ok((s, a))
    })
}

/// The checkpoint, checked for write scope and version, inside a write transaction.
async fn checkpoint_for_write(
    txn: &DatabaseTransaction,
    scope: &Scope,
    code: &str,
    expected_version: Option<i32>,
) -> AppResult<checkpoint::Model> {
    let found = find_checkpoint(txn, code).await?;
    let district = district_of(txn, found.district_id).await?;
    if !scope.covers_district(district.id, district.province_id) {
        return Err(AppError::forbidden(format!(
            "checkpoint {code} is outside your scope"
        )));
    }
    if let Some(v) = expected_version
        && v != found.version
    {
        return Err(AppError::Conflict(format!(
            "checkpoint {code} is at version {}, not {v}",
            found.version
        )));
    }
    Ok(found)
}

async fn save_checkpoint(
    txn: &DatabaseTransaction,
    before: &checkpoint::Model,
    mut row: checkpoint::ActiveModel,
) -> AppResult<checkpoint::Model> {
    row.version = Set(before.version + 1);
    row.updated_at = Set(Utc::now());
    let done = checkpoint::Entity::update_many()
        .set(row)
        .filter(checkpoint::Column::Id.eq(before.id))
        .filter(checkpoint::Column::Version.eq(before.version))
        .exec(txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict(format!(
            "checkpoint {} changed concurrently; reload and retry",
            before.code
        )));
    }
    checkpoint::Entity::find_by_id(before.id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("checkpoint", before.id))
}

#[tracing::instrument(skip_all, fields(checkpoint.code = %input.code))]
pub async fn update_checkpoint(
    db: &DatabaseConnection,
    actor: &Actor,
    input: CheckpointInput,
) -> AppResult<checkpoint::Model> {
    let scope = policy::require(actor, Resource::Checkpoint, Action::Write)?;
    validate_checkpoint(&input)?;
    if input.district_code.is_some() {
        return Err(AppError::bad_input(
            "districtCode",
            "a checkpoint does not move; create a new one",
        ));
    }
    let write = crate::db::begin_write(db).await?;
    let txn: &DatabaseTransaction = &write;
    let before = checkpoint_for_write(txn, &scope, &input.code, input.expected_version).await?;
    let mut row: checkpoint::ActiveModel = before.clone().into();
    if let Some(v) = &input.name {
        row.name = Set(v.trim().to_owned());
    }
    if let Some(v) = input.kind {
        row.kind = Set(v);
    }
    if input.route_marker.is_some() {
        row.route_marker = Set(input.route_marker.clone());
    }
    if input.commune.is_some() {
        row.commune = Set(input.commune.clone());
    }
    if input.latitude.is_some() {
        row.latitude = Set(input.latitude);
    }
    if input.longitude.is_some() {
        row.longitude = Set(input.longitude);
    }
    let after = save_checkpoint(txn, &before, row).await?;
    if let Some(codes) = &input.staffing_agency_codes {
        replace_staff(txn, before.id, codes).await?;
    }
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: "checkpoint.update",
            entity: "checkpoint",
            entity_id: after.code.clone(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    write.commit().await?;
    Ok(after)
}

/// Opens, pauses or closes a checkpoint, keeping the history. Pausing and closing need a reason.
#[tracing::instrument(skip_all, fields(checkpoint.code = %code))]
pub async fn set_status(
    db: &DatabaseConnection,
    actor: &Actor,
    code: &str,
    status: CheckpointStatus,
    reason: Option<String>,
    effective_from: Option<DateTime<Utc>>,
    expected_version: Option<i32>,
) -> AppResult<checkpoint::Model> {
    let scope = policy::require(actor, Resource::Checkpoint, Action::Write)?;
    check_text("reason", reason.as_deref(), 500)?;
    if status != CheckpointStatus::Open && reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(AppError::bad_input(
            "reason",
            "say why the checkpoint is paused or closed",
        ));
    }
    let now = Utc::now();
    let effective = effective_from.unwrap_or(now);
    if effective > now + Duration::minutes(FUTURE_SKEW_MINUTES) {
        return Err(AppError::bad_input("effectiveFrom", "not in the future"));
    }
    let write = crate::db::begin_write(db).await?;
    let txn: &DatabaseTransaction = &write;
    let before = checkpoint_for_write(txn, &scope, code, expected_version).await?;
    if before.status == status {
        return Err(AppError::InvalidState(format!(
            "checkpoint {code} is already {}",
            status.as_str()
        )));
    }
    let mut row: checkpoint::ActiveModel = before.clone().into();
    row.status = Set(status);
    row.status_since = Set(effective);
    let after = save_checkpoint(txn, &before, row).await?;
    checkpoint_status_change::ActiveModel {
        id: NotSet,
        checkpoint_id: Set(before.id),
        status: Set(status),
        effective_from: Set(effective),
        reason: Set(reason.map(|r| r.trim().to_owned())),
        set_by: Set(actor.label()),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: "checkpoint.status",
            entity: "checkpoint",
            entity_id: after.code.clone(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    write.commit().await?;
    Ok(after)
}

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
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// A Vietnamese phone number, normalised: 0 and nine digits, or +84 and nine digits.
pub fn normalise_phone(phone: &str) -> Option<String> {
    let compact: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let digits = compact
        .strip_prefix("+84")
        .map(|rest| format!("0{rest}"))
        .unwrap_or(compact);
    (digits.len() == 10 && digits.starts_with('0') && digits.chars().all(|c| c.is_ascii_digit()))
        .then_some(digits)
}

/// A citizen identity number (12 digits) or an old identity card number (9 digits).
pub fn valid_id_number(id: &str) -> bool {
    (id.len() == 12 || id.len() == 9) && id.chars().all(|c| c.is_ascii_digit())
}

fn validate_screening(input: &mut NewScreening) -> AppResult<()> {
    let now = Utc::now();
    if input.recorded_at > now + Duration::minutes(FUTURE_SKEW_MINUTES) {
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
    if let Some(t) = input.test_taken_at
        && t > now + Duration::minutes(FUTURE_SKEW_MINUTES)
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
    check_text("fullName", input.full_name.as_deref(), 200)?;
    check_text(
        "destinationAddress",
        input.destination_address.as_deref(),
        500,
    )?;
    Ok(())
}

/// Why a screening needs health's attention, if it does.
pub fn alert_reasons(s: &screening::Model) -> Vec<&'static str> {
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

/// Records a screening at an OPEN checkpoint, by an agency that staffs it or a province-level police,
/// transport, border guard or health agency; raises an alert for health when the rule says so.
#[tracing::instrument(skip_all, fields(checkpoint.code = %input.checkpoint_code))]
pub async fn record_screening(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    mut input: NewScreening,
) -> AppResult<(screening::Model, Option<alert::Model>)> {
    policy::require(actor, Resource::Screening, Action::Write)?;
    validate_screening(&mut input)?;
    let hash = idempotency::request_hash(&input);
    let key = input.idempotency_key.clone();
    let bus = events.clone();
    let ((recorded, raised), is_new) = idempotency::once_in_txn(db, actor, "recordScreening", key.as_deref(), &hash, existing_screening, move |txn| {
        let (input, actor, bus) = (input.clone(), actor.clone(), bus.clone());
        Box::pin(async move {
            let post = find_checkpoint(txn, &input.checkpoint_code).await.map_err(|_| AppError::bad_input("checkpointCode", format!("no checkpoint {}", input.checkpoint_code)))?;
            let post_district = district_of(txn, post.district_id).await?;
            if post_district.province_id != actor.province_id {
                return Err(AppError::forbidden("the checkpoint is in another province"));
            }
            let staffs = checkpoint_staff::Entity::find()
                .filter(checkpoint_staff::Column::CheckpointId.eq(post.id))
                .filter(checkpoint_staff::Column::AgencyId.eq(actor.agency_id))
                .one(txn)
                .await?
                .is_some();
            let province_post_agency = actor.district_id.is_none()
                && matches!(actor.agency_kind, AgencyKind::Police | AgencyKind::Transport | AgencyKind::BorderGuard | AgencyKind::Health);
            if !staffs && !province_post_agency {
                return Err(AppError::forbidden(format!("your agency does not staff checkpoint {}", post.code)));
            }
            if post.status != CheckpointStatus::Open {
                return Err(AppError::InvalidState(format!("checkpoint {} is {}; screenings are recorded only at open checkpoints", post.code, post.status.as_str())));
            }
            let destination = match &input.destination_district_code {
                Some(code) => Some(find_by_code(txn, code).await.map_err(|_| AppError::bad_input("destinationDistrictCode", format!("no district {code}")))?),
                None => None,
            };
            let now = Utc::now();
            let recorded = screening::ActiveModel {
                id: NotSet,
                checkpoint_id: Set(post.id),
                district_id: Set(post.district_id),
                recorded_at: Set(input.recorded_at),
                recorded_by_agency_id: Set(actor.agency_id),
                recorded_by: Set(actor.label()),
                direction: Set(input.direction),
                vehicle_plate: Set(input.vehicle_plate.clone().map(|p| p.to_uppercase())),
                vehicle_kind: Set(input.vehicle_kind),
                people_count: Set(input.people_count),
                origin_province_code: Set(input.origin_province_code.clone()),
                origin_district_code: Set(input.origin_district_code.clone()),
                from_epidemic_area: Set(input.from_epidemic_area),
                health_declared: Set(input.health_declared),
                test_kind: Set(input.test_kind),
                test_result: Set(input.test_result),
                test_taken_at: Set(input.test_taken_at),
                doses_shown: Set(input.doses_shown),
                symptoms: Set(input.symptoms),
                decision: Set(input.decision),
                full_name: Set(input.full_name.clone().map(|n| n.trim().to_owned())),
                id_number: Set(input.id_number.clone()),
                phone: Set(input.phone.clone()),
                destination_address: Set(input.destination_address.clone()),
                destination_district_id: Set(destination.as_ref().map(|d| d.id)),
                created_at: Set(now),
            }
            .insert(txn)
            .await?;
            // The audit row names the record, never its personal fields.
            let audited = serde_json::json!({ "checkpoint": post.code, "decision": recorded.decision, "peopleCount": recorded.people_count });
            audit::record(txn, &actor, chrono::Utc::now(), Change { action: "screening.record", entity: "screening", entity_id: recorded.id.to_string(), before: None::<&()>, after: Some(&audited) }).await?;
            let reasons = alert_reasons(&recorded);
            let raised = if reasons.is_empty() {
                None
            } else {
                let raised = alert::ActiveModel {
                    id: NotSet,
                    screening_id: Set(recorded.id),
                    district_id: Set(destination.as_ref().map_or(post.district_id, |d| d.id)),
                    reasons: Set(reasons.join(",")),
                    created_at: Set(now),
                    acknowledged_at: Set(None),
                    acknowledged_by: Set(None),
                    note: Set(None),
                }
                .insert(txn)
                .await?;
                bus.stage(txn, &DomainEvent::Alert { alert_id: raised.id, district_id: raised.district_id }).await?;
                Some(raised)
            };
            let id = recorded.id;
            Ok(((recorded, raised), id))
        })
    })
    .await?;
    if is_new && let Some(a) = &raised {
        events.committed(DomainEvent::Alert {
            alert_id: a.id,
            district_id: a.district_id,
        });
    }
    Ok((recorded, raised))
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
fn screening_condition(scope: Scope, filter: &ScreeningFilter) -> Condition {
    let mut cond = Condition::all().add(scope_filter(scope, screening::Column::DistrictId));
    if let Some(v) = filter.from {
        cond = cond.add(screening::Column::RecordedAt.gte(v));
    }
    if let Some(v) = filter.to {
        cond = cond.add(screening::Column::RecordedAt.lt(v));
    }
    if let Some(v) = filter.decision {
        cond = cond.add(screening::Column::Decision.eq(v));
    }
    if let Some(v) = filter.test_result {
        cond = cond.add(screening::Column::TestResult.eq(v));
    }
    if let Some(v) = filter.from_epidemic_area {
        cond = cond.add(screening::Column::FromEpidemicArea.eq(v));
    }
    cond
}

#[tracing::instrument(skip_all)]
pub async fn list_screenings(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &ScreeningFilter,
    page: PageRequest,
) -> AppResult<Page<screening::Model>> {
    let Some(scope) = policy::read_scope(actor, Resource::Screening) else {
        return Ok(Page::empty());
    };
    let mut cond = screening_condition(scope, filter);
    // Codes become ids first: an equality lets the planner read the (post or district, time) index in
    // order, where a subquery leaves it scanning by time.
    if let Some(code) = &filter.checkpoint_code {
        match find_checkpoint(db, code).await {
            Ok(c) => cond = cond.add(screening::Column::CheckpointId.eq(c.id)),
            Err(AppError::NotFound { .. }) => return Ok(Page::empty()),
            Err(e) => return Err(e),
        }
    }
    if let Some(code) = &filter.district_code {
        match find_by_code(db, code).await {
            Ok(d) => cond = cond.add(screening::Column::DistrictId.eq(d.id)),
            Err(AppError::NotFound { .. }) => return Ok(Page::empty()),
            Err(e) => return Err(e),
        }
    }
    let select = screening::Entity::find().filter(cond);
    // By time: a week's first page is an index range whatever the table's size.
    let order = Order::TimeThenId {
        time: screening::Column::RecordedAt,
        id: screening::Column::Id,
    };
    keyset::fetch_ordered(db, select, order, page, |s| {
        Position::time(s.recorded_at, s.id)
    })
    .await
}

/// Whether the caller may read the personal fields of this screening.
pub fn may_read_personal(actor: &Actor, screening: &screening::Model, staffed_by: &[i32]) -> bool {
    match policy::decide(actor, Resource::ScreeningPersonal, Action::Read) {
        None => false,
        Some(Scope::StaffedCheckpoints { agency_id }) => staffed_by.contains(&agency_id),
        Some(scope) => match scope {
            Scope::District { district_id, .. } => screening.district_id == district_id,
            _ => true,
        },
    }
}

/// Writes one audit row per screening whose personal fields were read, naming the fields.
pub async fn audit_personal_reads(
    db: &DatabaseConnection,
    actor: &Actor,
    reads: Vec<(i64, Vec<&'static str>)>,
) -> AppResult<()> {
    if reads.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = reads
        .into_iter()
        .map(|(id, fields)| audit_event::ActiveModel {
            id: NotSet,
            at: Set(now),
            agency_code: Set(actor.agency_code.clone()),
            subject: Set(actor.subject.clone()),
            jti: Set(actor.jti.clone()),
            action: Set("screening.personal_read".into()),
            entity: Set("screening".into()),
            entity_id: Set(id.to_string()),
            before: Set(None),
            after: Set(Some(serde_json::json!({ "fields": fields }))),
            request_id: Set(actor.request_id.clone()),
        });
    audit_event::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Stations' figures over a period, by day (province time), checkpoint or district.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsGroup {
    Day,
    Checkpoint,
    District,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct StatsRow {
    pub key: String,
    pub vehicles: i64,
    pub people: i64,
    pub declared: i64,
    pub tested: i64,
    pub positive: i64,
    pub turned_back: i64,
    pub quarantined: i64,
    pub referred: i64,
}

#[tracing::instrument(skip_all)]
pub async fn stats(
    db: &DatabaseConnection,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    group: StatsGroup,
) -> AppResult<Vec<StatsRow>> {
    if to <= from {
        return Err(AppError::bad_input("to", "must be after from"));
    }
    if to - from > Duration::days(366) {
        return Err(AppError::bad_input("to", "at most a year after from"));
    }
    let Some(scope) = policy::read_scope(actor, Resource::Screening) else {
        return Ok(Vec::new());
    };
    use screening::Column as S;
    let key = match (group, db.get_database_backend()) {
        (StatsGroup::Day, DatabaseBackend::Postgres) => {
            Expr::cust("to_char(recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')")
        }
        (StatsGroup::Day, _) => Expr::cust("date(recorded_at, '+7 hours')"),
        (StatsGroup::Checkpoint, _) => Expr::col(S::CheckpointId).cast_as("TEXT"),
        (StatsGroup::District, _) => Expr::col(S::DistrictId).cast_as("TEXT"),
    };
    let count_when = |cond: sea_orm::sea_query::SimpleExpr| {
        Expr::case(cond, 1).finally(0).sum().cast_as("BIGINT")
    };
    let filter = ScreeningFilter {
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    Ok(screening::Entity::find()
        .select_only()
        .column_as(key.clone(), "key")
        .column_as(Expr::col(S::Id).count(), "vehicles")
        .column_as(Expr::col(S::PeopleCount).sum().cast_as("BIGINT"), "people")
        .column_as(
            count_when(Expr::col(S::HealthDeclared).eq(true)),
            "declared",
        )
        .column_as(
            count_when(Expr::col(S::TestKind).ne(TestKind::None.as_str())),
            "tested",
        )
        .column_as(
            count_when(Expr::col(S::TestResult).eq(TestResult::Positive.as_str())),
            "positive",
        )
        .column_as(
            count_when(Expr::col(S::Decision).eq(Decision::TurnedBack.as_str())),
            "turned_back",
        )
        .column_as(
            count_when(Expr::col(S::Decision).eq(Decision::Quarantined.as_str())),
            "quarantined",
        )
        .column_as(
            count_when(Expr::col(S::Decision).eq(Decision::ReferredToHealth.as_str())),
            "referred",
        )
        .filter(screening_condition(scope, &filter))
        .group_by(key.clone())
        .order_by_asc(key)
        .into_model::<StatsRow>()
        .all(db)
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub district_code: Option<String>,
    pub acknowledged: Option<bool>,
}

fn alert_condition(scope: Scope) -> Condition {
    scope_filter(scope, alert::Column::DistrictId)
}

#[tracing::instrument(skip_all)]
pub async fn list_alerts(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &AlertFilter,
    page: PageRequest,
) -> AppResult<Page<alert::Model>> {
    let Some(scope) = policy::read_scope(actor, Resource::Alert) else {
        return Ok(Page::empty());
    };
    let mut cond = alert_condition(scope);
    if let Some(code) = &filter.district_code {
        cond = cond.add(in_district(alert::Column::DistrictId, code.as_str()));
    }
    match filter.acknowledged {
        Some(true) => cond = cond.add(alert::Column::AcknowledgedAt.is_not_null()),
        Some(false) => cond = cond.add(alert::Column::AcknowledgedAt.is_null()),
        None => {}
    }
    keyset::fetch(
        db,
        alert::Entity::find().filter(cond),
        alert::Column::Id,
        page,
        |a| a.id,
    )
    .await
}

/// One alert, if the caller may see it.
pub async fn get_alert(db: &DatabaseConnection, actor: &Actor, id: i64) -> AppResult<alert::Model> {
    let scope = policy::require(actor, Resource::Alert, Action::Read)?;
    alert::Entity::find()
        .filter(alert::Column::Id.eq(id))
        .filter(alert_condition(scope))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("alert", id))
}

/// Health confirms it has taken up an alert.
#[tracing::instrument(skip_all, fields(alert.id = id))]
pub async fn acknowledge(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    note: Option<String>,
) -> AppResult<alert::Model> {
    let scope = policy::require(actor, Resource::Alert, Action::Write)?;
    check_text("note", note.as_deref(), 500)?;
    let write = crate::db::begin_write(db).await?;
    let txn: &DatabaseTransaction = &write;
    let before = alert::Entity::find()
        .filter(alert::Column::Id.eq(id))
        .filter(alert_condition(scope))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("alert", id))?;
    if before.acknowledged_at.is_some() {
        return Err(AppError::InvalidState(format!(
            "alert {id} was already acknowledged by {}",
            before.acknowledged_by.as_deref().unwrap_or("someone")
        )));
    }
    let mut row: alert::ActiveModel = before.clone().into();
    row.acknowledged_at = Set(Some(Utc::now()));
    row.acknowledged_by = Set(Some(actor.label()));
    row.note = Set(note.map(|n| n.trim().to_owned()));
    let after = row.update(txn).await?;
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: "alert.acknowledge",
            entity: "alert",
            entity_id: id.to_string(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    write.commit().await?;
    Ok(after)
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

//! Quarantine facilities: creating them, listing them with their free places, and admitting a case
//! into one without ever going over capacity.

use entity::{FacilityKind, QuarantineStatus, district, quarantine_case, quarantine_facility};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait,
    NotSet, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use serde::Serialize;

use crate::districts::{communes, lookup};
use crate::error::{AppError, AppResult};
use crate::keyset::{Listed, Order, Position};
use crate::kit::{self, Ctx, ScopedList, Text, Write, by_code_from, text};
use crate::policy::{self, Action, Resource, Scope};

/// A new facility.
#[derive(Debug, Clone, Serialize)]
pub struct NewFacility {
    pub code: String,
    pub name: String,
    pub district_code: String,
    /// GSO code, in the district.
    pub commune_code: Option<String>,
    pub address: Option<String>,
    pub kind: FacilityKind,
    pub capacity: i32,
}

fn valid_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// Health creates a facility in a district of its scope.
#[tracing::instrument(skip_all, fields(facility.code = %input.code))]
pub async fn create(ctx: &Ctx<'_>, input: NewFacility) -> AppResult<quarantine_facility::Model> {
    let scope = policy::require(ctx.actor, Resource::QuarantineFacility, Action::Write)?;
    if !valid_code(&input.code) {
        return Err(AppError::bad_input(
            "code",
            "1 to 64 characters: A-Z, 0-9 and '-'",
        ));
    }
    let name = text("name", Some(&input.name), Text::required(200))?.unwrap_or_default();
    let address = text("address", input.address.as_deref(), Text::optional(500))?;
    if !(1..=100_000).contains(&input.capacity) {
        return Err(AppError::bad_input("capacity", "1 to 100000 places"));
    }
    let w = ctx.write().await?;
    let place = by_code_from::<district::Entity>(&*w, "districtCode", &input.district_code).await?;
    if !scope.covers_district(place.id, place.province_id) {
        return Err(AppError::forbidden(format!(
            "district {} is outside your scope",
            place.code
        )));
    }
    let commune = match &input.commune_code {
        Some(code) => Some(
            communes::in_district(&*w, "communeCode", code, &place)
                .await?
                .code,
        ),
        None => None,
    };
    let taken = quarantine_facility::Entity::find()
        .filter(quarantine_facility::Column::Code.eq(&input.code))
        .count(&*w)
        .await?;
    if taken > 0 {
        return Err(AppError::bad_input(
            "code",
            format!("facility {} exists", input.code),
        ));
    }
    let now = w.now();
    let created = quarantine_facility::ActiveModel {
        id: NotSet,
        code: Set(input.code),
        name: Set(name),
        district_id: Set(place.id),
        commune: Set(commune),
        address: Set(address),
        kind: Set(input.kind),
        capacity: Set(input.capacity),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*w)
    .await?;
    w.commit_created(
        "quarantine_facility.create",
        "quarantine_facility",
        created.id,
        &created,
    )
    .await?;
    Ok(created)
}

/// Takes a place in `facility_id` for a case being opened in the write `w`: the facility row is locked
/// (PostgreSQL; SQLite's write lock already serialises writers), its open cases counted, and a full
/// facility refused (BAD_USER_INPUT on `field`). Returns the facility and the places then left.
pub async fn take_place(
    w: &Write<'_>,
    field: &str,
    facility: &quarantine_facility::Model,
) -> AppResult<i64> {
    let mut find = quarantine_facility::Entity::find_by_id(facility.id);
    if w.get_database_backend() == DatabaseBackend::Postgres {
        find = find.lock_exclusive();
    }
    let locked = find
        .one(&**w)
        .await?
        .ok_or_else(|| AppError::not_found("facility", facility.id))?;
    let open = occupancy(&**w, locked.id).await?;
    let capacity = i64::from(locked.capacity);
    if open >= capacity {
        return Err(AppError::bad_input(
            field,
            format!(
                "facility {} is full ({open} of {capacity} places taken)",
                locked.code
            ),
        ));
    }
    Ok(capacity - open - 1)
}

/// Open cases in a facility.
pub async fn occupancy(conn: &impl ConnectionTrait, facility_id: i64) -> AppResult<i64> {
    Ok(quarantine_case::Entity::find()
        .filter(quarantine_case::Column::FacilityId.eq(facility_id))
        .filter(quarantine_case::Column::Status.eq(QuarantineStatus::Open))
        .count(conn)
        .await? as i64)
}

/// The facility with this code, for a case placed in it: BAD_USER_INPUT on `field` when there is none.
pub async fn by_code(
    conn: &impl ConnectionTrait,
    field: &str,
    code: &str,
) -> AppResult<quarantine_facility::Model> {
    quarantine_facility::Entity::find()
        .filter(quarantine_facility::Column::Code.eq(code))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::bad_input(field, format!("no facility {code}")))
}

#[derive(Debug, Clone, Default)]
pub struct FacilityFilter {
    pub district_code: Option<String>,
    pub kind: Option<FacilityKind>,
    /// Only facilities with (true) or without (false) a free place.
    pub has_free_places: Option<bool>,
}

impl Listed for quarantine_facility::Entity {
    const ORDER: Order<quarantine_facility::Column> = Order::Id(quarantine_facility::Column::Id);

    fn position(f: &quarantine_facility::Model) -> Position {
        Position::id(f.id)
    }
}

/// Facilities in the caller's scope, by id.
impl ScopedList for FacilityFilter {
    type Entity = quarantine_facility::Entity;
    const RESOURCE: Resource = Resource::QuarantineFacility;

    async fn rows(&self, _: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        use quarantine_facility::Column as F;
        let mut cond = scope.district_filter(F::DistrictId);
        if let Some(code) = &self.district_code {
            cond = cond.add(lookup::in_district(F::DistrictId, code));
        }
        if let Some(kind) = self.kind {
            cond = cond.add(F::Kind.eq(kind));
        }
        // Free places: capacity above the open cases placed there.
        let free = Expr::cust(
            "quarantine_facility.capacity > (SELECT COUNT(*) FROM quarantine_case c \
             WHERE c.facility_id = quarantine_facility.id AND c.status = 'OPEN')",
        );
        match self.has_free_places {
            Some(true) => cond = cond.add(free),
            Some(false) => cond = cond.add(free.not()),
            None => {}
        }
        Ok(Some(cond))
    }
}

kit::scoped_list!(list: FacilityFilter);

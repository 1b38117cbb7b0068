//! Declared levels: the People's Committee (or the steering committee) declares the level in force for
//! units with a decision number and an effective time. The computed level is only a proposal; the
//! declared one is what applies, and what the epidemic-area register takes as this province's word.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{
    LevelUnitKind, commune, district, epidemic_level_declaration as declaration,
    epidemic_level_declared_unit as declared_unit, province,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, NotSet,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::idempotency::{self, Keyed, TxnFuture};
use crate::kit::{Ctx, Text, Write, text};
use crate::policy::{self, Action, Resource, Scope};

/// Resolution 128/NQ-CP (11/10/2021): no unit had a level under these rules before it.
pub fn earliest_effective() -> DateTime<Utc> {
    crate::clock::local_instant(
        NaiveDate::from_ymd_opt(2021, 10, 11).unwrap_or_default(),
        chrono::NaiveTime::MIN,
    )
    .unwrap_or_default()
}

/// The instant the week of `monday` ends: the next Monday, 00:00 province time.
pub fn week_end(monday: NaiveDate) -> DateTime<Utc> {
    crate::clock::local_instant(monday + Duration::days(7), chrono::NaiveTime::MIN)
        .unwrap_or_default()
}

/// How far ahead of now a declaration may take effect.
pub const MAX_AHEAD_DAYS: i64 = 31;
/// Most units in one declaration.
pub const MAX_UNITS: usize = 1000;

/// A declared level in force for one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Declared {
    pub declaration_id: i32,
    pub level: u8,
    pub decision_number: String,
    pub effective_from: DateTime<Utc>,
    pub declared_by: String,
    pub declared_at: DateTime<Utc>,
    pub note: Option<String>,
}

impl Declared {
    fn of(d: &declaration::Model) -> Declared {
        Declared {
            declaration_id: d.id,
            level: u8::try_from(d.level).unwrap_or(4),
            decision_number: d.decision_number.clone(),
            effective_from: d.effective_from,
            declared_by: d.declared_by.clone(),
            declared_at: d.declared_at,
            note: d.note.clone(),
        }
    }
}

/// The declaration in force at `at` among a unit's history (oldest first): the last to take effect
/// before it.
pub fn in_force_at(history: &[Declared], at: DateTime<Utc>) -> Option<&Declared> {
    history.iter().rev().find(|d| d.effective_from < at)
}

/// Each unit's declarations of `kind` that took effect by the end of the week of `week`, oldest first.
pub async fn in_force_history(
    ctx: &Ctx<'_>,
    province_id: i32,
    kind: LevelUnitKind,
    week: NaiveDate,
) -> AppResult<HashMap<String, Vec<Declared>>> {
    let end = week_end(week);
    // One statement: the units with their declarations.
    let rows = declared_unit::Entity::find()
        .find_also_related(declaration::Entity)
        .filter(declared_unit::Column::UnitKind.eq(kind))
        .filter(declared_unit::Column::EffectiveFrom.lt(end))
        .filter(declaration::Column::ProvinceId.eq(province_id))
        .order_by_asc(declared_unit::Column::EffectiveFrom)
        .order_by_asc(declared_unit::Column::DeclarationId)
        .all(ctx.db)
        .await?;
    let mut history: HashMap<String, Vec<Declared>> = HashMap::new();
    for (unit, found) in rows {
        if let Some(d) = found {
            history
                .entry(unit.unit_code)
                .or_default()
                .push(Declared::of(&d));
        }
    }
    Ok(history)
}

/// What `declareEpidemicLevels` asks.
#[derive(Debug, Clone, Serialize)]
pub struct DeclareLevels {
    pub unit_codes: Vec<String>,
    pub level: i32,
    pub decision_number: String,
    pub effective_from: DateTime<Utc>,
    pub note: Option<String>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// A declaration with the units it covers.
#[derive(Debug, Clone, Serialize)]
pub struct Declaration {
    pub row: declaration::Model,
    pub units: Vec<(LevelUnitKind, String)>,
}

const DECISION: Text = Text::required(100);
const NOTE: Text = Text::optional(2000).multiline();

/// A unit named by its code: 5 digits a commune, 3 a district, 2 the province (GSO codes).
async fn resolve(
    conn: &impl ConnectionTrait,
    province_id: i32,
    field: &str,
    code: &str,
) -> AppResult<LevelUnitKind> {
    let not_ours = || {
        AppError::bad_input(
            field,
            format!("{code} is not a commune, district or province of this province"),
        )
    };
    let district_in = |id: i32| async move {
        district::Entity::find_by_id(id)
            .filter(district::Column::ProvinceId.eq(province_id))
            .one(conn)
            .await
    };
    match code.len() {
        2 => province::Entity::find()
            .filter(province::Column::Code.eq(code))
            .filter(province::Column::Id.eq(province_id))
            .one(conn)
            .await?
            .map(|_| LevelUnitKind::Province)
            .ok_or_else(not_ours),
        3 => district::Entity::find()
            .filter(district::Column::Code.eq(code))
            .filter(district::Column::ProvinceId.eq(province_id))
            .one(conn)
            .await?
            .map(|_| LevelUnitKind::District)
            .ok_or_else(not_ours),
        5 => {
            let found = commune::Entity::find()
                .filter(commune::Column::Code.eq(code))
                .one(conn)
                .await?
                .ok_or_else(not_ours)?;
            district_in(found.district_id)
                .await?
                .map(|_| LevelUnitKind::Commune)
                .ok_or_else(not_ours)
        }
        _ => Err(not_ours()),
    }
}

/// Declares `level` for the units, from `effective_from`, by a decision (province PEOPLES_COMMITTEE or
/// STEERING_COMMITTEE, role APPROVER). One audit row and one `epidemicLevelEvents` event; a retry with
/// the same idempotency key returns the first declaration. Nothing is written on bad input.
#[tracing::instrument(skip_all, fields(level = input.level, units = input.unit_codes.len()))]
pub async fn declare(ctx: &Ctx<'_>, mut input: DeclareLevels) -> AppResult<Declaration> {
    let Scope::Province { province_id } =
        policy::require(ctx.actor, Resource::EpidemicLevel, Action::Approve)?
    else {
        return Err(AppError::forbidden("levels are declared by the province"));
    };
    idempotency::validate_key(input.idempotency_key.as_deref())?;
    if !(1..=4).contains(&input.level) {
        return Err(AppError::bad_input("level", "a level from 1 to 4"));
    }
    input.decision_number =
        text("decisionNumber", Some(&input.decision_number), DECISION)?.unwrap_or_default();
    input.note = text("note", input.note.as_deref(), NOTE)?;
    if input.unit_codes.is_empty() || input.unit_codes.len() > MAX_UNITS {
        return Err(AppError::bad_input(
            "unitCodes",
            format!("1 to {MAX_UNITS} unit codes"),
        ));
    }
    for (i, code) in input.unit_codes.iter().enumerate() {
        if input.unit_codes[..i].contains(code) {
            return Err(AppError::bad_input(
                format!("unitCodes[{i}]"),
                format!("{code} is named twice"),
            ));
        }
    }
    if input.effective_from < earliest_effective() {
        return Err(AppError::bad_input(
            "effectiveFrom",
            "before 11/10/2021 (Resolution 128/NQ-CP), when no unit had a level under these rules",
        ));
    }
    if input.effective_from > ctx.now() + Duration::days(MAX_AHEAD_DAYS) {
        return Err(AppError::bad_input(
            "effectiveFrom",
            format!("more than {MAX_AHEAD_DAYS} days ahead"),
        ));
    }
    let hash = idempotency::request_hash(&input);
    let request = Keyed::new(
        "declareEpidemicLevels",
        input.idempotency_key.as_deref(),
        &hash,
    );
    let (made, _) = idempotency::once(ctx, request, existing, |w| {
        let input = input.clone();
        Box::pin(async move {
            let made = record(w, province_id, input).await?;
            let id = i64::from(made.row.id);
            Ok((made, id))
        })
    })
    .await?;
    Ok(made)
}

async fn record(
    w: &mut Write<'_>,
    province_id: i32,
    input: DeclareLevels,
) -> AppResult<Declaration> {
    let mut units = Vec::with_capacity(input.unit_codes.len());
    for (i, code) in input.unit_codes.iter().enumerate() {
        let kind = resolve(&**w, province_id, &format!("unitCodes[{i}]"), code).await?;
        units.push((kind, code.clone()));
    }
    let now = w.now();
    let row = declaration::ActiveModel {
        id: NotSet,
        province_id: Set(province_id),
        level: Set(i16::try_from(input.level).unwrap_or(4)),
        decision_number: Set(input.decision_number.clone()),
        effective_from: Set(input.effective_from),
        note: Set(input.note.clone()),
        declared_by: Set(w.ctx().actor.label()),
        declared_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&**w)
    .await?;
    for (kind, code) in &units {
        declared_unit::ActiveModel {
            id: NotSet,
            declaration_id: Set(row.id),
            unit_kind: Set(*kind),
            unit_code: Set(code.clone()),
            effective_from: Set(input.effective_from),
        }
        .insert(&**w)
        .await?;
        feed_register(w, code, row.level, row.effective_from, row.note.as_deref()).await?;
    }
    let made = Declaration { row, units };
    w.audit_created(
        "epidemic_level.declare",
        "epidemic_level_declaration",
        made.row.id,
        &made,
    )
    .await?;
    w.emit(DomainEvent::EpidemicLevelDeclared {
        declaration_id: made.row.id,
    })
    .await?;
    Ok(made)
}

/// Hands one declared unit to the epidemic-area register, in the declaration's transaction, so the
/// gateways treat this province's declared levels as "epidemic areas" from the same effective time.
async fn feed_register(
    w: &mut Write<'_>,
    unit_code: &str,
    level: i16,
    effective_from: DateTime<Utc>,
    note: Option<&str>,
) -> AppResult<()> {
    crate::areas::record_declared(
        w,
        unit_code,
        i32::from(level),
        effective_from,
        note.map(str::to_owned),
    )
    .await
    .map(|_| ())
}

/// A declaration by id, with its units. Every agency reads declarations of its province.
pub async fn get(ctx: &Ctx<'_>, id: i32) -> AppResult<Declaration> {
    let Scope::Province { province_id } =
        policy::require(ctx.actor, Resource::EpidemicLevel, Action::Read)?
    else {
        return Err(AppError::forbidden(
            "epidemic levels are read province-wide",
        ));
    };
    let found = load(ctx.db, id).await?;
    if found.row.province_id != province_id {
        return Err(AppError::not_found("declaration", id));
    }
    Ok(found)
}

async fn load(conn: &impl ConnectionTrait, id: i32) -> AppResult<Declaration> {
    let row = declaration::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("declaration", id))?;
    let units = declared_unit::Entity::find()
        .filter(declared_unit::Column::DeclarationId.eq(id))
        .order_by_asc(declared_unit::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.unit_kind, u.unit_code))
        .collect();
    Ok(Declaration { row, units })
}

fn existing(txn: &DatabaseTransaction, id: i64) -> TxnFuture<'_, Declaration> {
    Box::pin(async move {
        let id = i32::try_from(id).map_err(|_| AppError::not_found("declaration", id))?;
        load(txn, id).await
    })
}

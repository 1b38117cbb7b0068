//! The epidemic-area register: entries set and ended by province health or the steering committee
//! (other provinces' announcements), entries this province's declared levels write
//! ([`record_declared`]), listing them, and the one rule that says whether an origin is "an epidemic
//! area" at a crossing time ([`matching`]).

use chrono::{DateTime, Utc};
use entity::{AreaKind, AreaSource, epidemic_area, province};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    NotSet, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use super::units::{self, Unit};
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Keyed};
use crate::keyset::{Listed, Order, Position};
use crate::kit::{self, Ctx, Record, ScopedList, Text, Versioned, Write, text};
use crate::policy::{self, Action, Resource, Scope};

impl Record for epidemic_area::Entity {
    const NAME: &'static str = "epidemic area";
    const ID: Self::Column = epidemic_area::Column::Id;
}

impl Versioned for epidemic_area::Entity {
    const VERSION: Self::Column = epidemic_area::Column::Version;
    const UPDATED_AT: Self::Column = epidemic_area::Column::UpdatedAt;
}

impl Listed for epidemic_area::Entity {
    const ORDER: Order<Self::Column> = Order::Id(epidemic_area::Column::Id);
    fn position(row: &Self::Model) -> Position {
        Position::id(i64::from(row.id))
    }
}

/// An entry to set (`setEpidemicArea`).
#[derive(Debug, Clone, Serialize)]
pub struct AreaInput {
    pub area_code: String,
    pub level: Option<i32>,
    pub lockdown: bool,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_to: Option<DateTime<Utc>>,
    pub note: Option<String>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// What is checked of an entry, whoever writes it.
fn check_entry(
    level: Option<i32>,
    lockdown: bool,
    from: DateTime<Utc>,
    to: Option<DateTime<Utc>>,
) -> AppResult<()> {
    if level.is_some_and(|l| !(1..=4).contains(&l)) {
        return Err(AppError::bad_input("level", "1 to 4"));
    }
    if level.is_none() && !lockdown {
        return Err(AppError::bad_input("level", "a level (1-4) or a lockdown"));
    }
    if to.is_some_and(|t| t <= from) {
        return Err(AppError::bad_input("validTo", "after validFrom"));
    }
    Ok(())
}

/// The GSO code of the caller's province.
async fn own_province<C: ConnectionTrait>(conn: &C, province_id: i32) -> AppResult<String> {
    Ok(
        kit::find_by::<province::Entity>(conn, province::Column::Id, province_id, "province")
            .await?
            .code,
    )
}

/// Sets an entry (province HEALTH EDITOR or STEERING). A unit of another province is entered as that
/// province's announcement; a unit of this province as a declared level, which ends the open declared
/// entry of the same code (the levels workflow writes the same way, see [`record_declared`]).
#[tracing::instrument(skip_all, fields(area.code = %input.area_code))]
pub async fn set(ctx: &Ctx<'_>, input: AreaInput) -> AppResult<epidemic_area::Model> {
    policy::require(ctx.actor, Resource::EpidemicArea, Action::Write)?;
    let unit = units::find(&input.area_code).ok_or_else(|| {
        AppError::bad_input(
            "areaCode",
            format!(
                "unknown province, district or commune code '{}'",
                input.area_code
            ),
        )
    })?;
    let from = input.valid_from.unwrap_or_else(|| ctx.now());
    check_entry(input.level, input.lockdown, from, input.valid_to)?;
    let note = text("note", input.note.as_deref(), Text::optional(500))?;
    let hash = idempotency::request_hash(&input);
    let request = Keyed::new("setEpidemicArea", input.idempotency_key.as_deref(), &hash);
    let (area, _) = idempotency::once(ctx, request, existing, |w| {
        let (input, note) = (input.clone(), note.clone());
        Box::pin(async move {
            let own = own_province(&**w, w.ctx().actor.province_id).await?;
            let source = if unit.province_code == own {
                AreaSource::DeclaredLevel
            } else {
                AreaSource::Announcement
            };
            let entry = Entry {
                unit,
                level: input.level,
                lockdown: input.lockdown,
                from,
                to: input.valid_to,
                source,
                note,
            };
            let area = insert(w, entry).await?;
            let id = i64::from(area.id);
            Ok((area, id))
        })
    })
    .await?;
    Ok(area)
}

fn existing(
    txn: &DatabaseTransaction,
    id: i64,
) -> idempotency::TxnFuture<'_, epidemic_area::Model> {
    Box::pin(async move { kit::by_id::<epidemic_area::Entity>(txn, id).await })
}

struct Entry {
    unit: &'static Unit,
    level: Option<i32>,
    lockdown: bool,
    from: DateTime<Utc>,
    to: Option<DateTime<Utc>>,
    source: AreaSource,
    note: Option<String>,
}

async fn insert(w: &mut Write<'_>, e: Entry) -> AppResult<epidemic_area::Model> {
    if e.source == AreaSource::DeclaredLevel {
        end_open_declared(w, &e.unit.code, e.from).await?;
    }
    let area = epidemic_area::ActiveModel {
        id: NotSet,
        area_code: Set(e.unit.code.clone()),
        area_kind: Set(e.unit.kind),
        province_code: Set(e.unit.province_code.clone()),
        level: Set(e.level),
        lockdown: Set(e.lockdown),
        valid_from: Set(e.from),
        valid_to: Set(e.to),
        source: Set(e.source),
        note: Set(e.note),
        entered_by: Set(w.ctx().actor.label()),
        ended_by: Set(None),
        version: Set(1),
        created_at: Set(w.now()),
        updated_at: Set(w.now()),
    }
    .insert(&**w)
    .await?;
    w.audit_created("epidemicArea.set", "epidemic_area", area.id, &area)
        .await?;
    Ok(area)
}

/// Ends, at `from`, the open DECLARED_LEVEL entries of `code` that began before it.
async fn end_open_declared(w: &Write<'_>, code: &str, from: DateTime<Utc>) -> AppResult<()> {
    use epidemic_area::Column as A;
    let open = epidemic_area::Entity::find()
        .filter(A::AreaCode.eq(code))
        .filter(A::Source.eq(AreaSource::DeclaredLevel))
        .filter(A::ValidFrom.lt(from))
        .filter(
            Condition::any()
                .add(A::ValidTo.is_null())
                .add(A::ValidTo.gt(from)),
        )
        .all(&**w)
        .await?;
    for before in open {
        let row = epidemic_area::ActiveModel {
            valid_to: Set(Some(from)),
            ended_by: Set(Some(w.ctx().actor.label())),
            ..Default::default()
        };
        let after = w
            .update_versioned::<epidemic_area::Entity>(
                before.id,
                before.version,
                row,
                Condition::all(),
            )
            .await?;
        w.audit_changed(
            "epidemicArea.end",
            "epidemic_area",
            after.id,
            &before,
            &after,
        )
        .await?;
    }
    Ok(())
}

/// For the declared-levels workflow: writes a DECLARED_LEVEL entry of this province's unit `area_code`
/// at `level` (1-4) from `valid_from`, inside the caller's write (its transaction and audit), ending the
/// open DECLARED_LEVEL entry of the same code. The caller has checked its own permission to declare.
pub async fn record_declared(
    w: &mut Write<'_>,
    area_code: &str,
    level: i32,
    valid_from: DateTime<Utc>,
    note: Option<String>,
) -> AppResult<epidemic_area::Model> {
    let unit = units::find(area_code).ok_or_else(|| {
        AppError::bad_input("areaCode", format!("unknown unit code '{area_code}'"))
    })?;
    check_entry(Some(level), false, valid_from, None)?;
    let note = text("note", note.as_deref(), Text::optional(500))?;
    let entry = Entry {
        unit,
        level: Some(level),
        lockdown: false,
        from: valid_from,
        to: None,
        source: AreaSource::DeclaredLevel,
        note,
    };
    insert(w, entry).await
}

/// Ends an entry at `valid_to` (default now). INVALID_STATE when it has already ended by then.
#[tracing::instrument(skip_all, fields(area.id = id))]
pub async fn end(
    ctx: &Ctx<'_>,
    id: i32,
    valid_to: Option<DateTime<Utc>>,
    expected_version: Option<i32>,
) -> AppResult<epidemic_area::Model> {
    policy::require(ctx.actor, Resource::EpidemicArea, Action::Write)?;
    let w = ctx.write().await?;
    let before = kit::by_id::<epidemic_area::Entity>(&*w, id).await?;
    kit::check_version("epidemic area", id, before.version, expected_version)?;
    let to = valid_to.unwrap_or_else(|| w.now());
    if before.valid_to.is_some_and(|t| t <= to) {
        return Err(AppError::InvalidState(format!(
            "epidemic area {id} has already ended"
        )));
    }
    if to <= before.valid_from {
        return Err(AppError::bad_input(
            "validTo",
            "after the entry's validFrom",
        ));
    }
    let row = epidemic_area::ActiveModel {
        valid_to: Set(Some(to)),
        ended_by: Set(Some(ctx.actor.label())),
        ..Default::default()
    };
    let after = w
        .update_versioned::<epidemic_area::Entity>(id, before.version, row, Condition::all())
        .await?;
    w.audit_changed("epidemicArea.end", "epidemic_area", id, &before, &after)
        .await?;
    w.commit().await?;
    Ok(after)
}

/// Entries valid at an instant.
fn valid_at(at: DateTime<Utc>) -> Condition {
    use epidemic_area::Column as A;
    Condition::all().add(A::ValidFrom.lte(at)).add(
        Condition::any()
            .add(A::ValidTo.is_null())
            .add(A::ValidTo.gt(at)),
    )
}

/// The rule: the register at the crossing time, at the finest unit of the origin that has an entry
/// then (commune, else district, else province; `units` finest first). That entry decides: it counts
/// when it is a lockdown or at `min_level` or above. Of two entries of one unit, the later-starting
/// one holds.
pub async fn matching<C: ConnectionTrait>(
    conn: &C,
    origin: &[&Unit],
    at: DateTime<Utc>,
    min_level: i32,
) -> AppResult<Option<epidemic_area::Model>> {
    use epidemic_area::Column as A;
    for unit in origin {
        let entry = epidemic_area::Entity::find()
            .filter(A::AreaCode.eq(unit.code.as_str()))
            .filter(valid_at(at))
            .order_by_desc(A::ValidFrom)
            .order_by_desc(A::Id)
            .one(conn)
            .await?;
        if let Some(entry) = entry {
            let counts = entry.lockdown || entry.level.is_some_and(|l| l >= min_level);
            return Ok(counts.then_some(entry));
        }
    }
    Ok(None)
}

/// Filter for `epidemicAreas`.
#[derive(Debug, Clone, Default)]
pub struct AreaFilter {
    /// Entries valid at this instant; every entry when none.
    pub at: Option<DateTime<Utc>>,
    pub area_code: Option<String>,
    pub province_code: Option<String>,
    pub source: Option<AreaSource>,
    pub area_kind: Option<AreaKind>,
}

/// The register is shared data: every agency that may read it reads all of it.
impl ScopedList for AreaFilter {
    type Entity = epidemic_area::Entity;
    const RESOURCE: Resource = Resource::EpidemicArea;

    async fn rows(&self, _: &Ctx<'_>, _: Scope) -> AppResult<Option<Condition>> {
        use epidemic_area::Column as A;
        let mut cond = Condition::all();
        if let Some(at) = self.at {
            cond = cond.add(valid_at(at));
        }
        if let Some(code) = &self.area_code {
            cond = cond.add(A::AreaCode.eq(code.as_str()));
        }
        if let Some(code) = &self.province_code {
            cond = cond.add(A::ProvinceCode.eq(code.as_str()));
        }
        if let Some(source) = self.source {
            cond = cond.add(A::Source.eq(source));
        }
        if let Some(kind) = self.area_kind {
            cond = cond.add(A::AreaKind.eq(kind));
        }
        Ok(Some(cond))
    }
}

kit::scoped_list!(list: AreaFilter);

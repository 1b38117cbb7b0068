//! The rule tables of a province: the configured default (Decision 4800/QĐ-BYT) and the tables the
//! province loaded, each in force from its Monday until the next one's.

use chrono::{Datelike, NaiveDate, Weekday};
use entity::epidemic_rule_table;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, Set};

use super::rules::RuleTable;
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource, Scope};

/// The tables in force over time: the default, then the loaded ones by date.
#[derive(Debug, Clone)]
pub struct Tables {
    pub default: RuleTable,
    /// Oldest first.
    pub loaded: Vec<RuleTable>,
}

impl Tables {
    /// The table in force for the week of `monday`: the latest loaded one from that Monday or before,
    /// else the default.
    pub fn for_week(&self, monday: NaiveDate) -> &RuleTable {
        self.loaded
            .iter()
            .rev()
            .find(|t| t.effective_from <= monday)
            .unwrap_or(&self.default)
    }

    /// Every table, the default first.
    pub fn all(&self) -> impl Iterator<Item = &RuleTable> {
        std::iter::once(&self.default).chain(&self.loaded)
    }
}

/// The tables of a province. Asks no permission: the caller has.
pub async fn in_force(ctx: &Ctx<'_>, province_id: i32) -> AppResult<Tables> {
    let rows = epidemic_rule_table::Entity::find()
        .filter(epidemic_rule_table::Column::ProvinceId.eq(province_id))
        .order_by_asc(epidemic_rule_table::Column::EffectiveFrom)
        .all(ctx.db)
        .await?;
    let loaded = rows
        .iter()
        .map(|row| {
            let mut table: RuleTable = serde_json::from_str(&row.body)
                .map_err(|e| AppError::Internal(format!("rule table {}: {e}", row.id)))?;
            table.effective_from = row.effective_from;
            Ok(table)
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Tables {
        default: ctx.config.epidemic_rules.clone(),
        loaded,
    })
}

/// The rule tables of the caller's province (every agency reads them).
pub async fn list(ctx: &Ctx<'_>) -> AppResult<Vec<RuleTable>> {
    let province_id = province_of(policy::require(
        ctx.actor,
        Resource::EpidemicLevel,
        Action::Read,
    )?)?;
    Ok(in_force(ctx, province_id).await?.all().cloned().collect())
}

fn province_of(scope: Scope) -> AppResult<i32> {
    match scope {
        Scope::Province { province_id } => Ok(province_id),
        _ => Err(AppError::forbidden("rule tables are the province's")),
    }
}

/// Loads a rule table (JSON) in force from `effective_from`, a Monday, for the caller's province
/// (province PEOPLES_COMMITTEE or STEERING_COMMITTEE, APPROVER). Refused, naming the row, when its
/// bands overlap or leave a gap; a second table from the same Monday is a CONFLICT.
#[tracing::instrument(skip_all, fields(from = %effective_from))]
pub async fn load(ctx: &Ctx<'_>, effective_from: NaiveDate, json: &str) -> AppResult<RuleTable> {
    let province_id = province_of(policy::require(
        ctx.actor,
        Resource::EpidemicLevel,
        Action::Approve,
    )?)?;
    if effective_from.weekday() != Weekday::Mon {
        return Err(AppError::bad_input(
            "effectiveFrom",
            "a Monday: a table applies to whole weeks",
        ));
    }
    if json.len() > 64 * 1024 {
        return Err(AppError::bad_input("table", "at most 64 KiB of JSON"));
    }
    let mut table = RuleTable::parse(json)?;
    table.effective_from = effective_from;
    let w = ctx.write().await?;
    let taken = epidemic_rule_table::Entity::find()
        .filter(epidemic_rule_table::Column::ProvinceId.eq(province_id))
        .filter(epidemic_rule_table::Column::EffectiveFrom.eq(effective_from))
        .one(&*w)
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict(format!(
            "a rule table is already in force from {effective_from}"
        )));
    }
    let body = serde_json::to_string(&table)
        .map_err(|e| AppError::Internal(format!("rule table: {e}")))?;
    let now = w.now();
    let row = epidemic_rule_table::ActiveModel {
        id: NotSet,
        province_id: Set(province_id),
        effective_from: Set(effective_from),
        decision: Set(table.decision.clone()),
        body: Set(body),
        loaded_by: Set(ctx.actor.label()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*w)
    .await?;
    w.commit_created(
        "epidemic_rule_table.load",
        "epidemic_rule_table",
        row.id,
        &row,
    )
    .await?;
    Ok(table)
}

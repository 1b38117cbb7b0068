//! Counts of quarantine for the steering committee: open cases per district and commune by kind and
//! category, and scheduled tests overdue; no personal data.

use std::collections::BTreeMap;

use entity::{QuarantineCategory, QuarantineKind, QuarantineStatus, quarantine_case};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::cases;
use crate::error::AppResult;
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};

/// The counts of one district and commune (commune null: cases without one).
#[derive(Debug, Clone, Default)]
pub struct SummaryRow {
    pub district_id: i32,
    pub commune: Option<String>,
    pub open: i64,
    pub concentrated: i64,
    pub home_isolation: i64,
    pub self_monitoring: i64,
    pub f0: i64,
    pub f1: i64,
    pub returnees: i64,
    /// Open cases with a scheduled test past due.
    pub overdue: i64,
}

/// Open cases in the caller's scope, counted per district and commune.
#[tracing::instrument(skip_all)]
pub async fn summary(ctx: &Ctx<'_>) -> AppResult<Vec<SummaryRow>> {
    use quarantine_case::Column as C;
    let scope = policy::require(ctx.actor, Resource::QuarantineSummary, Action::Read)?;
    let open: Vec<(i64, i32, Option<String>, QuarantineKind, QuarantineCategory)> =
        quarantine_case::Entity::find()
            .select_only()
            .columns([C::Id, C::DistrictId, C::Commune, C::Kind, C::Category])
            .filter(cases::within(scope))
            .filter(C::Status.eq(QuarantineStatus::Open))
            .into_tuple()
            .all(ctx.db)
            .await?;
    let late: Vec<i64> = quarantine_case::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(cases::within(scope))
        .filter(C::Status.eq(QuarantineStatus::Open))
        .filter(C::Id.in_subquery(cases::overdue_cases(ctx.now())))
        .into_tuple()
        .all(ctx.db)
        .await?;
    let mut rows: BTreeMap<(i32, Option<String>), SummaryRow> = BTreeMap::new();
    for (id, district_id, commune, kind, category) in open {
        let row = rows
            .entry((district_id, commune.clone()))
            .or_insert_with(|| SummaryRow {
                district_id,
                commune,
                ..SummaryRow::default()
            });
        row.open += 1;
        match kind {
            QuarantineKind::Concentrated => row.concentrated += 1,
            QuarantineKind::HomeIsolation => row.home_isolation += 1,
            QuarantineKind::SelfMonitoring => row.self_monitoring += 1,
        }
        match category {
            QuarantineCategory::F0 => row.f0 += 1,
            QuarantineCategory::F1 => row.f1 += 1,
            QuarantineCategory::Returnee => row.returnees += 1,
            QuarantineCategory::Other => {}
        }
        if late.contains(&id) {
            row.overdue += 1;
        }
    }
    Ok(rows.into_values().collect())
}

//! The milestone report: for each district, its targets for a milestone, its reported progress on a
//! day, the date it would reach its targets at its 7-day pace, its doses allocated but unused and doses
//! expired, and the heads answerable for it, on every line; also as CSV for the committee to print.
//!
//! Defaults where the province set no target for a measure (002): dose 1 for every eligible adult
//! (100 %), the completed schedule for 100 %. The 15-17 measure counts only where a target is set; its
//! share is the doses used (adolescents with dose 1 plus with dose 2 on the latest report) over the
//! doses allocated (the latest allocation up to the day), see [`super::allocation`].

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{TargetMeasure, district, responsible_head, target, vaccine_lot};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::allocation;
use super::coverage::{self, Coverage};
use crate::error::AppResult;
use crate::kit::Ctx;
use crate::policy::{self, Resource};

/// One district's line.
#[derive(Debug, Clone)]
pub struct ProgressLine {
    pub district: district::Model,
    /// The reported coverage on the latest reported day up to the day asked; `None` without a report.
    pub coverage: Option<Coverage>,
    pub dose1_target: f64,
    pub completed_target: f64,
    /// The share of the 15-17 allocation to use; `None` when the province set none.
    pub adolescent_target: Option<f64>,
    /// The doses allocated for ages 15 to 17 on the day asked; `None` when none was recorded.
    pub adolescent_allocated: Option<i64>,
    /// Whether the doses used reach the 15-17 target by the milestone at their 7-day pace.
    pub adolescent_on_track: bool,
    /// The day asked.
    pub as_of: NaiveDate,
    pub projected: Option<NaiveDate>,
    pub dose1_per_day: Option<f64>,
    pub doses_unused: i64,
    pub doses_expired: i64,
    pub heads: Vec<responsible_head::Model>,
}

impl ProgressLine {
    /// Both targets met on the day reported.
    pub fn met(&self) -> bool {
        self.coverage.is_some_and(|c| {
            c.dose1_share()
                .is_some_and(|s| s + 1e-9 >= self.dose1_target)
                && c.completed_share()
                    .is_some_and(|s| s + 1e-9 >= self.completed_target)
        })
    }

    /// The doses used of the 15-17 allocation: adolescents with dose 1 plus with dose 2 on the latest
    /// report; `None` without a report of them.
    pub fn adolescent_used(&self) -> Option<i64> {
        self.coverage.and_then(|c| c.adolescent_doses_used())
    }

    /// The share of the 15-17 allocation used; `None` when the allocation or the doses used are
    /// missing (or nothing was allocated).
    pub fn adolescent_share(&self) -> Option<f64> {
        allocation::used_share(self.adolescent_used(), self.adolescent_allocated)
    }

    /// Behind on the 15-17 allocation: a target is set, the share is known and below it, and either
    /// the day asked is on or after the milestone, or the 7-day pace of doses used would not reach it
    /// by the milestone. A line without a share is judged on the adults' targets only.
    pub fn adolescent_behind(&self, milestone: NaiveDate) -> bool {
        match (self.adolescent_target, self.adolescent_share()) {
            (Some(target), Some(share)) if share + 1e-9 < target => {
                self.as_of >= milestone || !self.adolescent_on_track
            }
            _ => false,
        }
    }

    /// Behind: not projected to meet the adults' targets by the milestone, or behind on the 15-17
    /// allocation ([`ProgressLine::adolescent_behind`]).
    pub fn behind(&self, milestone: NaiveDate) -> bool {
        self.projected.is_none_or(|p| p > milestone) || self.adolescent_behind(milestone)
    }
}

/// The milestone report on `as_of` (today when `None`), one line per district the caller reaches.
#[tracing::instrument(skip_all, fields(milestone = %milestone))]
pub async fn vaccination_progress(
    ctx: &Ctx<'_>,
    milestone: NaiveDate,
    as_of: Option<NaiveDate>,
) -> AppResult<Vec<ProgressLine>> {
    let Some(scope) = policy::read_scope(ctx.actor, Resource::Target) else {
        return Ok(Vec::new());
    };
    let as_of = as_of.unwrap_or_else(|| ctx.today());
    let districts = district::Entity::find()
        .filter(scope.district_filter(district::Column::Id))
        .order_by_asc(district::Column::Code)
        .all(ctx.db)
        .await?;
    let ids: Vec<i32> = districts.iter().map(|d| d.id).collect();
    let targets = target::Entity::find()
        .filter(target::Column::DistrictId.is_in(ids.clone()))
        .filter(target::Column::Milestone.eq(milestone))
        .all(ctx.db)
        .await?;
    let heads = responsible_head::Entity::find()
        .filter(responsible_head::Column::DistrictId.is_in(ids.clone()))
        .order_by_asc(responsible_head::Column::Id)
        .all(ctx.db)
        .await?;
    let allocated = allocation::allocated_on(ctx.db, &ids, as_of).await?;
    let lots = vaccine_lot::Entity::find()
        .filter(vaccine_lot::Column::DistrictId.is_in(ids))
        .all(ctx.db)
        .await?;
    let mut unused: HashMap<i32, i64> = HashMap::new();
    let mut expired: HashMap<i32, i64> = HashMap::new();
    for lot in &lots {
        let slot = if lot.expires_on < as_of {
            &mut expired
        } else {
            &mut unused
        };
        *slot.entry(lot.district_id).or_default() += lot.doses_on_hand;
    }
    let series = coverage::series(ctx.db, &districts, as_of).await?;
    Ok(districts
        .into_iter()
        .map(|d| {
            let share = |m: TargetMeasure| {
                targets
                    .iter()
                    .find(|t| t.district_id == d.id && t.measure == m)
                    .map(|t| f64::from(t.share_bp) / 10_000.0)
            };
            let dose1_target = share(TargetMeasure::Dose1Adults).unwrap_or(1.0);
            let completed_target = share(TargetMeasure::CompletedAdults).unwrap_or(1.0);
            let s = series.get(&d.id).cloned().unwrap_or_default();
            let adolescent_target = share(TargetMeasure::AdolescentAllocationUsed);
            let adolescent_allocated = allocated.get(&d.id).copied();
            let adolescent_on_track = match (adolescent_target, adolescent_allocated) {
                (Some(t), Some(a)) => s.adolescent_on_track(a, t, milestone),
                _ => false,
            };
            ProgressLine {
                coverage: s.latest().copied(),
                projected: s.projected(dose1_target, completed_target),
                dose1_per_day: s.pace().map(|p| p.dose1_per_day),
                dose1_target,
                completed_target,
                adolescent_target,
                adolescent_allocated,
                adolescent_on_track,
                as_of,
                doses_unused: unused.get(&d.id).copied().unwrap_or(0),
                doses_expired: expired.get(&d.id).copied().unwrap_or(0),
                heads: heads
                    .iter()
                    .filter(|h| h.district_id == d.id)
                    .cloned()
                    .collect(),
                district: d,
            }
        })
        .collect())
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{:.1}", v * 100.0)).unwrap_or_default()
}

fn cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The milestone report as CSV, one line per district, the heads answerable on every line.
pub async fn progress_csv(
    ctx: &Ctx<'_>,
    milestone: NaiveDate,
    as_of: Option<NaiveDate>,
) -> AppResult<String> {
    policy::require(ctx.actor, Resource::Target, crate::policy::Action::Read)?;
    let lines = vaccination_progress(ctx, milestone, as_of).await?;
    let mut out = String::from(
        "district_code,district_name,reported_on,eligible,dose1,dose1_pct,dose1_target_pct,completed,completed_pct,completed_target_pct,projected_completion,behind,doses_unused,doses_expired,adolescent_doses_allocated,adolescent_doses_used,adolescent_allocation_used_pct,adolescent_allocation_target_pct,responsible_heads\n",
    );
    for l in &lines {
        let c = l.coverage;
        let heads: Vec<String> = l
            .heads
            .iter()
            .map(|h| format!("{} {}", h.title, h.name))
            .collect();
        let row = [
            l.district.code.clone(),
            cell(&l.district.name),
            c.map(|c| c.day.to_string()).unwrap_or_default(),
            c.map(|c| c.eligible.to_string()).unwrap_or_default(),
            c.map(|c| c.dose1.to_string()).unwrap_or_default(),
            pct(c.and_then(|c| c.dose1_share())),
            pct(Some(l.dose1_target)),
            c.map(|c| c.completed.to_string()).unwrap_or_default(),
            pct(c.and_then(|c| c.completed_share())),
            pct(Some(l.completed_target)),
            l.projected.map(|p| p.to_string()).unwrap_or_default(),
            l.behind(milestone).to_string(),
            l.doses_unused.to_string(),
            l.doses_expired.to_string(),
            l.adolescent_allocated
                .map(|a| a.to_string())
                .unwrap_or_default(),
            l.adolescent_used()
                .map(|u| u.to_string())
                .unwrap_or_default(),
            pct(l.adolescent_share()),
            pct(l.adolescent_target),
            cell(&heads.join("; ")),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    Ok(out)
}

//! Two sources, one truth: the district committee and the district health centre may both report the same
//! district and period; every figure on which they differ beyond a tolerance is listed until the
//! Department of Health accepts one of the reports.

use chrono::NaiveDate;
use entity::{AgencyKind, ReportKind, ReportStatus, report};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::figures::Figures;
use super::read::{SourcedReports, districts_in_reach, require_figures_of};
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};

/// A figure on which the district committee and the district health centre disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct Discrepancy {
    pub district_id: i32,
    /// The figure's GraphQL name.
    pub figure: &'static str,
    pub health: i64,
    pub committee: i64,
    pub health_report_id: i32,
    pub committee_report_id: i32,
}

impl Discrepancy {
    pub fn difference(&self) -> i64 {
        (self.health - self.committee).abs()
    }
}

/// How far two values may differ before they disagree: by more than `absolute` and by more than
/// `relative` of the larger value.
#[derive(Debug, Clone, Copy)]
pub struct Tolerance {
    pub absolute: i64,
    pub relative: f64,
}

impl Tolerance {
    fn check(self) -> AppResult<Tolerance> {
        if self.absolute < 0 || !(0.0..=1.0).contains(&self.relative) {
            return Err(AppError::bad_input(
                "tolerance",
                "absolute >= 0 and relative between 0 and 1",
            ));
        }
        Ok(self)
    }

    fn exceeded(self, a: i64, b: i64) -> bool {
        let diff = (a - b).abs();
        let larger = a.max(b).max(1) as f64;
        diff > self.absolute && diff as f64 / larger > self.relative
    }
}

/// Where both the health centre and the committee reported the same district and period, every figure
/// on which they differ beyond the tolerance, until the Department of Health accepts one of them.
#[tracing::instrument(skip_all)]
pub async fn discrepancies(
    ctx: &Ctx<'_>,
    kind: ReportKind,
    period: NaiveDate,
    tolerance: Tolerance,
) -> AppResult<Vec<Discrepancy>> {
    let tolerance = tolerance.check()?;
    let scope = policy::require(ctx.actor, Resource::Report, Action::Read)?;
    require_figures_of(&scope, kind)?;
    let districts = districts_in_reach(ctx, &scope).await?;
    let reports = report::Entity::find()
        .filter(report::Column::Kind.eq(kind))
        .filter(report::Column::Period.eq(period))
        .filter(report::Column::DistrictId.is_in(districts.iter().map(|d| d.id)))
        .filter(report::Column::Status.ne(ReportStatus::Draft))
        .all(ctx.db)
        .await?;
    let sourced = SourcedReports::load(ctx, reports).await?;
    let mut out = Vec::new();
    for d in &districts {
        let mine: Vec<&report::Model> = sourced
            .reports
            .iter()
            .filter(|r| r.district_id == d.id)
            .collect();
        if mine.iter().any(|r| r.status == ReportStatus::Accepted) {
            continue;
        }
        let from = |kind: AgencyKind| {
            mine.iter()
                .find(|r| sourced.source_kind(r) == Some(kind))
                .copied()
        };
        if let (Some(h), Some(c)) = (from(AgencyKind::Health), from(AgencyKind::PeoplesCommittee)) {
            out.extend(differences(h, c, tolerance));
        }
    }
    Ok(out)
}

/// The figures given in both reports on which they disagree.
fn differences(
    health: &report::Model,
    committee: &report::Model,
    tolerance: Tolerance,
) -> Vec<Discrepancy> {
    let theirs = Figures::of(committee).values();
    Figures::of(health)
        .named()
        .into_iter()
        .zip(theirs)
        .filter_map(|((figure, h), c)| {
            let (h, c) = (h?, c?);
            tolerance.exceeded(h, c).then_some(Discrepancy {
                district_id: health.district_id,
                figure,
                health: h,
                committee: c,
                health_report_id: health.id,
                committee_report_id: committee.id,
            })
        })
        .collect()
}

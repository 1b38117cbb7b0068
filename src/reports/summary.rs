//! Read models over submitted reports: the reporting status of a period or call (completeness =
//! submitted / expected, timeliness = on time / expected, per district and for the province) and the
//! province summary of vaccination coverage and stock on a date.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{ReportKind, district, report};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::calls;
use super::deadlines::{due_at, standing};
use super::read::{districts_in_reach, require_figures_of, submitted_reports};
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};

/// Where one district stands for one expected report.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictStatus {
    pub district: district::Model,
    pub submitted: bool,
    pub on_time: bool,
    pub late: bool,
    pub due_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl DistrictStatus {
    /// 1 when submitted, else 0.
    pub fn completeness(&self) -> f64 {
        f64::from(u8::from(self.submitted))
    }

    /// 1 when on time, else 0.
    pub fn timeliness(&self) -> f64 {
        f64::from(u8::from(self.on_time))
    }
}

/// Expected, submitted, on time, late and missing, per district and for the province.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportingStatus {
    pub districts: Vec<DistrictStatus>,
    pub expected: usize,
    pub submitted: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
}

impl ReportingStatus {
    pub fn completeness(&self) -> f64 {
        share_of(self.submitted, self.expected)
    }

    pub fn timeliness(&self) -> f64 {
        share_of(self.on_time, self.expected)
    }
}

fn share_of(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The reports expected for a report call, or for a kind (daily vaccination when not given) and
/// period: one from every district (or from each district the call names); the first one submitted,
/// from either source, counts. Missing reports are late once the due time has passed by the context's
/// clock.
#[tracing::instrument(skip_all)]
pub async fn reporting_status(
    ctx: &Ctx<'_>,
    kind: Option<ReportKind>,
    period: Option<NaiveDate>,
    call_id: Option<i32>,
) -> AppResult<ReportingStatus> {
    let scope = policy::require(ctx.actor, Resource::Report, Action::Read)?;
    let (kind, period, call) = match call_id {
        Some(id) => {
            let call = calls::of_province(ctx, id).await?;
            (call.kind, call.period, Some(call))
        }
        None => (
            kind.unwrap_or(ReportKind::DailyVaccination),
            period.ok_or_else(|| AppError::bad_input("period", "give a period or a reportCall"))?,
            None,
        ),
    };
    let due = due_at(kind, period, call.as_ref())?;
    let mut districts = districts_in_reach(ctx, &scope).await?;
    if let Some(called) = call.as_ref().and_then(calls::called_districts) {
        districts.retain(|d| called.contains(&d.code.as_str()));
    }
    let reports = report::Entity::find()
        .filter(report::Column::Kind.eq(kind))
        .filter(report::Column::Period.eq(period))
        .filter(report::Column::DistrictId.is_in(districts.iter().map(|d| d.id)))
        .filter(report::Column::SubmittedAt.is_not_null())
        .all(ctx.db)
        .await?;
    let now = ctx.now();
    let lines = districts.into_iter().map(|d| {
        let first = reports
            .iter()
            .filter(|r| r.district_id == d.id)
            .filter_map(|r| r.submitted_at)
            .min();
        let (on_time, late) = standing(first, due, now);
        DistrictStatus {
            district: d,
            submitted: first.is_some(),
            on_time,
            late,
            due_at: due,
            submitted_at: first,
        }
    });
    Ok(tally(lines.collect()))
}

fn tally(districts: Vec<DistrictStatus>) -> ReportingStatus {
    let count = |f: fn(&DistrictStatus) -> bool| districts.iter().filter(|d| f(d)).count();
    ReportingStatus {
        expected: districts.len(),
        submitted: count(|d| d.submitted),
        on_time: count(|d| d.on_time),
        late: count(|d| d.submitted && !d.on_time),
        missing: count(|d| !d.submitted),
        districts,
    }
}

/// Vaccination coverage of one district on a date.
#[derive(Debug, Clone)]
pub struct SummaryLine {
    pub district: district::Model,
    pub adults_18_plus: Option<i64>,
    pub adults_dose1: Option<i64>,
    pub adults_full: Option<i64>,
    pub doses_given_that_day: Option<i64>,
    pub doses_on_hand: i64,
}

impl SummaryLine {
    /// Share of adults with dose 1, 0 to 1; `None` when unknown.
    pub fn coverage_dose1(&self) -> Option<f64> {
        share(self.adults_dose1, self.adults_18_plus)
    }

    /// Share of adults fully vaccinated, 0 to 1; `None` when unknown.
    pub fn coverage_full(&self) -> Option<f64> {
        share(self.adults_full, self.adults_18_plus)
    }
}

fn share(part: Option<i64>, whole: Option<i64>) -> Option<f64> {
    match (part, whole) {
        (Some(p), Some(w)) if w > 0 => Some(p as f64 / w as f64),
        _ => None,
    }
}

/// The province's coverage on a date: its districts, and the totals of those with figures.
#[derive(Debug, Clone)]
pub struct ProvinceSummary {
    pub date: NaiveDate,
    pub districts: Vec<SummaryLine>,
    /// Adults 18+ of the districts that reported dose 1.
    pub adults_18_plus: i64,
    pub adults_dose1: i64,
    pub adults_full: i64,
    pub coverage_dose1: f64,
    pub coverage_full: f64,
    pub doses_given: i64,
    pub doses_on_hand: i64,
}

impl ProvinceSummary {
    fn of(date: NaiveDate, districts: Vec<SummaryLine>) -> ProvinceSummary {
        let with_figures: Vec<&SummaryLine> = districts
            .iter()
            .filter(|l| l.adults_dose1.is_some())
            .collect();
        let sum = |f: fn(&SummaryLine) -> Option<i64>| -> i64 {
            with_figures.iter().filter_map(|l| f(l)).sum()
        };
        let (adults, dose1, full) = (
            sum(|l| l.adults_18_plus),
            sum(|l| l.adults_dose1),
            sum(|l| l.adults_full),
        );
        let ratio = |p: i64| share(Some(p), Some(adults)).unwrap_or(0.0);
        ProvinceSummary {
            date,
            adults_18_plus: adults,
            adults_dose1: dose1,
            adults_full: full,
            coverage_dose1: ratio(dose1),
            coverage_full: ratio(full),
            doses_given: districts
                .iter()
                .filter_map(|l| l.doses_given_that_day)
                .sum(),
            doses_on_hand: districts.iter().map(|l| l.doses_on_hand).sum(),
            districts,
        }
    }
}

/// Coverage of adults per district and for the province on `date` (from the latest daily report up to
/// that date; adults from the report, else the district profile), doses given that day, and usable
/// stock on hand (0 where the caller may not read stock).
#[tracing::instrument(skip_all)]
pub async fn province_summary(ctx: &Ctx<'_>, date: NaiveDate) -> AppResult<ProvinceSummary> {
    let scope = policy::require(ctx.actor, Resource::Report, Action::Read)?;
    // Coverage comes from daily vaccination reports.
    require_figures_of(&scope, ReportKind::DailyVaccination)?;
    let districts = districts_in_reach(ctx, &scope).await?;
    let ids: Vec<i32> = districts.iter().map(|d| d.id).collect();
    let from = date - Duration::days(60);
    let daily = submitted_reports(ctx, ReportKind::DailyVaccination, from, date, &ids).await?;
    let stock = crate::stock::reads::stock_summary(ctx, None)
        .await
        .unwrap_or_default();
    let lines = districts.into_iter().map(|d| {
        let latest = daily.best(d.id, |_| true);
        let that_day = daily
            .reports
            .iter()
            .filter(|r| r.district_id == d.id && r.period == date)
            .filter_map(|r| r.doses_administered_today)
            .max();
        SummaryLine {
            adults_18_plus: latest.and_then(|r| r.adults_18_plus).or(d.adults_18_plus),
            adults_dose1: latest.and_then(|r| r.adults_dose1),
            adults_full: latest.and_then(|r| r.adults_full),
            doses_given_that_day: that_day,
            doses_on_hand: stock
                .iter()
                .filter(|l| l.district_id == d.id)
                .map(|l| l.doses_on_hand)
                .sum(),
            district: d,
        }
    });
    Ok(ProvinceSummary::of(date, lines.collect()))
}

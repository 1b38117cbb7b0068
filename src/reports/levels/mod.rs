//! Epidemic levels of the districts for a week (Resolution 128/NQ-CP), computed from the submitted
//! reports and the district profiles by the configured [`RuleTable`].

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use entity::{ReportKind, district};

pub mod rules;

use self::rules::{Inputs, Level, RuleTable, colour};
use super::read::{SourcedReports, districts_in_reach, submitted_reports};
use crate::districts::service::meets_treatment_capacity;
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};

/// One district's level for a week, with its inputs.
#[derive(Debug, Clone)]
pub struct DistrictLevel {
    pub district: district::Model,
    pub level: u8,
    pub new_cases_per_100k: f64,
    pub coverage_dose1: f64,
    pub treatment_capacity_met: bool,
    pub rule: String,
}

impl DistrictLevel {
    /// GREEN, YELLOW, ORANGE or RED.
    pub fn colour(&self) -> &'static str {
        colour(self.level)
    }
}

/// Epidemic level of every district for the week starting `week` (a Monday), by the configured rule
/// table: new community cases per 100,000 from the weekly report, coverage from the latest daily report
/// by the week's end, treatment capacity from the district profile; not lowered below last week's level
/// while capacity is not met.
#[tracing::instrument(skip_all)]
pub async fn epidemic_levels(ctx: &Ctx<'_>, week: NaiveDate) -> AppResult<Vec<DistrictLevel>> {
    if week.weekday() != Weekday::Mon {
        return Err(AppError::bad_input("week", "the Monday of the week"));
    }
    let scope = policy::require(ctx.actor, Resource::Report, Action::Read)?;
    let districts = districts_in_reach(ctx, &scope).await?;
    let ids: Vec<i32> = districts.iter().map(|d| d.id).collect();
    let previous_week = week - Duration::days(7);
    let reports = WeekReports {
        weekly: submitted_reports(ctx, ReportKind::WeeklyEpidemic, previous_week, week, &ids)
            .await?,
        daily: submitted_reports(
            ctx,
            ReportKind::DailyVaccination,
            week - Duration::days(60),
            week + Duration::days(6),
            &ids,
        )
        .await?,
        rules: &ctx.config.epidemic_rules,
    };
    Ok(districts
        .into_iter()
        .map(|d| {
            let (last_week, _) = reports.level(&d, previous_week, None);
            let (level, inputs) = reports.level(&d, week, Some(last_week.level));
            DistrictLevel {
                district: d,
                level: level.level,
                new_cases_per_100k: inputs.new_cases_per_100k,
                coverage_dose1: inputs.coverage_dose1,
                treatment_capacity_met: inputs.treatment_capacity_met,
                rule: level.rule,
            }
        })
        .collect())
}

/// How many districts are at a level.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelCount {
    pub level: u8,
    pub colour: &'static str,
    pub districts: usize,
}

/// Districts per epidemic level (1 to 4) for the week starting `week`.
pub async fn level_counts(ctx: &Ctx<'_>, week: NaiveDate) -> AppResult<Vec<LevelCount>> {
    let levels = epidemic_levels(ctx, week).await?;
    Ok((1..=4)
        .map(|level| LevelCount {
            level,
            colour: colour(level),
            districts: levels.iter().filter(|l| l.level == level).count(),
        })
        .collect())
}

/// The submitted reports a week's levels are computed from.
struct WeekReports<'a> {
    weekly: SourcedReports,
    daily: SourcedReports,
    rules: &'a RuleTable,
}

impl WeekReports<'_> {
    /// The level of a district for the week starting `monday`, and its inputs. Missing figures count
    /// as zero.
    fn level(
        &self,
        d: &district::Model,
        monday: NaiveDate,
        previous: Option<u8>,
    ) -> (Level, Inputs) {
        let cases = self
            .weekly
            .best(d.id, |r| r.period == monday)
            .and_then(|r| r.new_cases_community)
            .unwrap_or(0);
        let population = d.population.unwrap_or(0).max(1) as f64;
        let week_end = monday + Duration::days(6);
        let latest = self.daily.best(d.id, |r| r.period <= week_end);
        let adults = latest
            .and_then(|r| r.adults_18_plus)
            .or(d.adults_18_plus)
            .unwrap_or(0);
        let dose1 = latest.and_then(|r| r.adults_dose1).unwrap_or(0);
        let inputs = Inputs {
            new_cases_per_100k: cases as f64 * 100_000.0 / population,
            coverage_dose1: if adults > 0 {
                dose1 as f64 / adults as f64
            } else {
                0.0
            },
            treatment_capacity_met: meets_treatment_capacity(d).unwrap_or(false),
            previous_level: previous,
        };
        (self.rules.level(inputs), inputs)
    }
}

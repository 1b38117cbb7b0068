//! Epidemic levels of every commune, district or the province for a week: the inputs gathered from the
//! submitted reports (and their commune lines) and the district profiles, the rule table in force that
//! week, the hold carried forward week by week while treatment capacity is unmet, and the declared
//! level in force beside the computed one.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use entity::{
    AgencyKind, LevelUnitKind, ReportKind, ReportStatus, commune, district, report,
    report_commune_line,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

use super::declarations::{self, Declared, week_end};
use super::rule_tables::{self, Tables};
use super::rules::{Computed, Floor, Inputs};
use crate::districts::service::meets_treatment_capacity;
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource, Scope};
use crate::reports::read::SourcedReports;

/// How far back the hold is carried: two years of weeks, longer than any capacity shortfall.
pub const LOOKBACK_WEEKS: i64 = 104;

/// One unit's level for a week: computed (with inputs and rule) and declared, side by side.
#[derive(Debug, Clone)]
pub struct UnitLevel {
    pub kind: LevelUnitKind,
    pub code: String,
    pub name: String,
    /// The district (of a commune, or the district itself); none for the province.
    pub district: Option<district::Model>,
    pub computed: Computed,
    /// The decision of the rule table used, and the date it is in force from.
    pub table_decision: String,
    pub table_from: NaiveDate,
    /// The declaration in force by the end of the week, if any.
    pub declared: Option<Declared>,
}

impl UnitLevel {
    /// Whether a declared level differs from the computed one (or the computed one is unknown).
    pub fn differs(&self) -> bool {
        self.declared
            .as_ref()
            .is_some_and(|d| Some(d.level) != self.computed.level)
    }
}

/// The Monday of `week`, which must be one.
pub fn monday(week: NaiveDate) -> AppResult<NaiveDate> {
    if week.weekday() != Weekday::Mon {
        return Err(AppError::bad_input("week", "the Monday of the week"));
    }
    Ok(week)
}

/// Every unit of `kind` in the caller's province for the week starting `week` (a Monday). Every
/// agency reads every unit (DESIGN.md §3): the inputs are non-personal.
#[tracing::instrument(skip_all, fields(week = %week, kind = ?kind))]
pub async fn epidemic_levels(
    ctx: &Ctx<'_>,
    week: NaiveDate,
    kind: LevelUnitKind,
) -> AppResult<Vec<UnitLevel>> {
    let week = monday(week)?;
    let Scope::Province { province_id } =
        policy::require(ctx.actor, Resource::EpidemicLevel, Action::Read)?
    else {
        return Err(AppError::forbidden(
            "epidemic levels are read province-wide",
        ));
    };
    let tables = rule_tables::in_force(ctx, province_id).await?;
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(province_id))
        .order_by_asc(district::Column::Code)
        .all(ctx.db)
        .await?;
    let ids: Vec<i32> = districts.iter().map(|d| d.id).collect();
    let first = first_week(ctx, &ids, week).await?;
    let figures = Figures::load(ctx, &ids, first, week, kind == LevelUnitKind::Commune).await?;
    let declared = declarations::in_force_history(ctx, province_id, kind, week).await?;
    let mut communes_by_code = HashMap::new();
    let units: Vec<(String, String, Option<district::Model>)> = match kind {
        LevelUnitKind::District => districts
            .iter()
            .map(|d| (d.code.clone(), d.name.clone(), Some(d.clone())))
            .collect(),
        LevelUnitKind::Commune => {
            let communes = commune::Entity::find()
                .filter(commune::Column::DistrictId.is_in(ids.clone()))
                .order_by_asc(commune::Column::Code)
                .all(ctx.db)
                .await?;
            communes
                .into_iter()
                .map(|c| {
                    communes_by_code.insert(c.code.clone(), c.id);
                    let d = districts.iter().find(|d| d.id == c.district_id).cloned();
                    (c.code, c.name, d)
                })
                .collect()
        }
        LevelUnitKind::Province => {
            let p = entity::province::Entity::find_by_id(province_id)
                .one(ctx.db)
                .await?
                .ok_or_else(|| AppError::not_found("province", province_id))?;
            vec![(p.code, p.name, None)]
        }
    };
    let mut levels = Vec::with_capacity(units.len());
    for (code, name, district) in units {
        let inputs_of = |monday: NaiveDate| match kind {
            LevelUnitKind::District => district
                .as_ref()
                .map(|d| figures.district_inputs(d, monday))
                .unwrap_or_default(),
            LevelUnitKind::Commune => match (district.as_ref(), communes_by_code.get(&code)) {
                (Some(d), Some(id)) => figures.commune_inputs(d, *id, monday),
                _ => Inputs::default(),
            },
            LevelUnitKind::Province => figures.province_inputs(&districts, monday),
        };
        let history = declared.get(&code).map(Vec::as_slice).unwrap_or(&[]);
        let (computed, table) = carried(&tables, history, first, week, inputs_of);
        levels.push(UnitLevel {
            kind,
            code,
            name,
            district,
            computed,
            table_decision: table.0,
            table_from: table.1,
            declared: declarations::in_force_at(history, week_end(week)).cloned(),
        });
    }
    Ok(levels)
}

/// Computes the weeks from `first` to `week` in order, each held at the floor its predecessors and
/// declarations set, and returns the last with its table.
fn carried(
    tables: &Tables,
    history: &[Declared],
    first: NaiveDate,
    week: NaiveDate,
    inputs_of: impl Fn(NaiveDate) -> Inputs,
) -> (Computed, (String, NaiveDate)) {
    let mut last_computed: Option<(u8, NaiveDate)> = None;
    let mut monday = first;
    loop {
        let table = tables.for_week(monday);
        let floor = match declarations::in_force_at(history, week_end(monday)) {
            Some(d) => Some(Floor {
                level: d.level,
                source: format!("declared by {}", d.decision_number),
            }),
            None => last_computed.map(|(level, of)| Floor {
                level,
                source: format!("computed for the week of {of}"),
            }),
        };
        let computed = table.compute(monday, &inputs_of(monday), floor.as_ref());
        if monday >= week {
            return (computed, (table.decision.clone(), table.effective_from));
        }
        if let Some(level) = computed.level {
            last_computed = Some((level, monday));
        }
        monday += Duration::days(7);
    }
}

/// The first week to compute from: the earliest weekly report of these districts within the lookback.
async fn first_week(ctx: &Ctx<'_>, ids: &[i32], week: NaiveDate) -> AppResult<NaiveDate> {
    let earliest = week - Duration::weeks(LOOKBACK_WEEKS);
    let first = report::Entity::find()
        .filter(report::Column::Kind.eq(ReportKind::WeeklyEpidemic))
        .filter(report::Column::DistrictId.is_in(ids.iter().copied()))
        .filter(report::Column::Period.gte(earliest))
        .filter(report::Column::Period.lte(week))
        .filter(report::Column::Status.is_in([ReportStatus::Submitted, ReportStatus::Accepted]))
        .order_by_asc(report::Column::Period)
        .one(ctx.db)
        .await?;
    Ok(first.map_or(week, |r| {
        // Back to its Monday, in case a report's period is another day.
        r.period - Duration::days(i64::from(r.period.weekday().num_days_from_monday()))
    }))
}

/// The submitted figures of the weeks computed, indexed.
struct Figures {
    /// The best weekly report per (district, Monday).
    weekly: HashMap<(i32, NaiveDate), report::Model>,
    /// Daily vaccination reports per district, best last within a day, oldest first.
    daily: HashMap<i32, Vec<report::Model>>,
    /// Commune lines per (report, commune).
    lines: HashMap<(i32, i32), report_commune_line::Model>,
}

/// Accepted over submitted, then health over committee (as the reports' own reads rank them).
fn rank(sourced: &SourcedReports, r: &report::Model) -> (NaiveDate, bool, bool) {
    (
        r.period,
        r.status == ReportStatus::Accepted,
        sourced.source_kind(r) == Some(AgencyKind::Health),
    )
}

impl Figures {
    async fn load(
        ctx: &Ctx<'_>,
        ids: &[i32],
        first: NaiveDate,
        week: NaiveDate,
        with_lines: bool,
    ) -> AppResult<Figures> {
        // One statement for both kinds (and one for their agencies): a request stays within a bounded
        // number of statements.
        let of_kind = |kind: ReportKind, from: NaiveDate, to: NaiveDate| {
            Condition::all()
                .add(report::Column::Kind.eq(kind))
                .add(report::Column::Period.gte(from))
                .add(report::Column::Period.lte(to))
        };
        let rows = report::Entity::find()
            .filter(
                Condition::any()
                    .add(of_kind(ReportKind::WeeklyEpidemic, first, week))
                    .add(of_kind(
                        ReportKind::DailyVaccination,
                        first - Duration::days(60),
                        week + Duration::days(6),
                    )),
            )
            .filter(report::Column::DistrictId.is_in(ids.iter().copied()))
            .filter(report::Column::Status.is_in([ReportStatus::Submitted, ReportStatus::Accepted]))
            .all(ctx.db)
            .await?;
        let sourced = SourcedReports::load(ctx, rows).await?;
        let mut weekly: HashMap<(i32, NaiveDate), report::Model> = HashMap::new();
        let mut daily: HashMap<i32, Vec<report::Model>> = HashMap::new();
        for r in &sourced.reports {
            if r.kind == ReportKind::DailyVaccination {
                daily.entry(r.district_id).or_default().push(r.clone());
                continue;
            }
            let key = (r.district_id, r.period);
            let better = weekly
                .get(&key)
                .is_none_or(|b| rank(&sourced, r) > rank(&sourced, b));
            if better {
                weekly.insert(key, r.clone());
            }
        }
        for list in daily.values_mut() {
            list.sort_by_key(|r| rank(&sourced, r));
        }
        let mut lines = HashMap::new();
        if with_lines {
            let report_ids: Vec<i32> = weekly.values().map(|r| r.id).collect();
            for chunk in report_ids.chunks(500) {
                let found = report_commune_line::Entity::find()
                    .filter(report_commune_line::Column::ReportId.is_in(chunk.iter().copied()))
                    .all(ctx.db)
                    .await?;
                for line in found {
                    lines.insert((line.report_id, line.commune_id), line);
                }
            }
        }
        Ok(Figures {
            weekly,
            daily,
            lines,
        })
    }

    /// The latest daily report of a district by the end of the week (within 60 days).
    fn daily_by(&self, district_id: i32, monday: NaiveDate) -> Option<&report::Model> {
        let end = monday + Duration::days(6);
        self.daily
            .get(&district_id)?
            .iter()
            .rev()
            .find(|r| r.period <= end && r.period > end - Duration::days(60))
    }

    fn district_inputs(&self, d: &district::Model, monday: NaiveDate) -> Inputs {
        let weekly = self.weekly.get(&(d.id, monday));
        let daily = self.daily_by(d.id, monday);
        Inputs {
            cases_community: weekly.and_then(|r| r.new_cases_community),
            cases_in_quarantine: weekly.and_then(|r| r.new_cases_in_quarantine),
            population: d.population,
            adults: daily.and_then(|r| r.adults_18_plus).or(d.adults_18_plus),
            adults_dose1: daily.and_then(|r| r.adults_dose1),
            people_65: weekly.and_then(|r| r.people_65_plus),
            people_65_full: weekly.and_then(|r| r.people_65_plus_full),
            people_50: weekly.and_then(|r| r.people_50_plus),
            people_50_full: weekly.and_then(|r| r.people_50_plus_full),
            treatment_capacity_met: meets_treatment_capacity(d),
        }
    }

    /// A commune's figures come from its line in its district's weekly report; treatment capacity is
    /// the district's (communes do not treat patients).
    fn commune_inputs(&self, d: &district::Model, commune_id: i32, monday: NaiveDate) -> Inputs {
        let line = self
            .weekly
            .get(&(d.id, monday))
            .and_then(|r| self.lines.get(&(r.id, commune_id)));
        Inputs {
            cases_community: line.and_then(|l| l.new_cases_community),
            cases_in_quarantine: line.and_then(|l| l.new_cases_in_quarantine),
            population: line.and_then(|l| l.population),
            adults: line.and_then(|l| l.adults_18_plus),
            adults_dose1: line.and_then(|l| l.adults_dose1),
            people_65: line.and_then(|l| l.people_65_plus),
            people_65_full: line.and_then(|l| l.people_65_plus_full),
            people_50: line.and_then(|l| l.people_50_plus),
            people_50_full: line.and_then(|l| l.people_50_plus_full),
            treatment_capacity_met: meets_treatment_capacity(d),
        }
    }

    /// The province's inputs are the sums of its districts'; one district missing a figure leaves the
    /// province without it. Capacity is met when every district meets it.
    fn province_inputs(&self, districts: &[district::Model], monday: NaiveDate) -> Inputs {
        let all: Vec<Inputs> = districts
            .iter()
            .map(|d| self.district_inputs(d, monday))
            .collect();
        let sum = |f: fn(&Inputs) -> Option<i64>| -> Option<i64> {
            all.iter().map(f).sum::<Option<i64>>()
        };
        let capacity = if all.iter().any(|i| i.treatment_capacity_met == Some(false)) {
            Some(false)
        } else {
            all.iter()
                .map(|i| i.treatment_capacity_met)
                .collect::<Option<Vec<bool>>>()
                .map(|_| true)
        };
        Inputs {
            cases_community: sum(|i| i.cases_community),
            cases_in_quarantine: sum(|i| i.cases_in_quarantine),
            population: sum(|i| i.population),
            adults: sum(|i| i.adults),
            adults_dose1: sum(|i| i.adults_dose1),
            people_65: sum(|i| i.people_65),
            people_65_full: sum(|i| i.people_65_full),
            people_50: sum(|i| i.people_50),
            people_50_full: sum(|i| i.people_50_full),
            treatment_capacity_met: if all.is_empty() { None } else { capacity },
        }
    }
}

/// How many units are at a level; `level` None is the "insufficient data" bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelCount {
    pub level: Option<u8>,
    pub units: usize,
}

/// Units per computed level (1 to 4), then those with insufficient data, for the week of `week`.
pub async fn level_counts(
    ctx: &Ctx<'_>,
    week: NaiveDate,
    kind: LevelUnitKind,
) -> AppResult<Vec<LevelCount>> {
    let levels = epidemic_levels(ctx, week, kind).await?;
    Ok((1..=4)
        .map(Some)
        .chain([None])
        .map(|level| LevelCount {
            level,
            units: levels.iter().filter(|l| l.computed.level == level).count(),
        })
        .collect())
}

/// Units whose declared level differs from the computed one, for the week of `week`.
pub async fn differences(
    ctx: &Ctx<'_>,
    week: NaiveDate,
    kind: LevelUnitKind,
) -> AppResult<Vec<UnitLevel>> {
    let levels = epidemic_levels(ctx, week, kind).await?;
    Ok(levels.into_iter().filter(UnitLevel::differs).collect())
}

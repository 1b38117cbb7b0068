//! The commune lines of a district's weekly epidemic report: each commune's figures, from which the
//! communes get levels of their own. Saved by the report's source while the report is still editable,
//! replacing the lines saved before; the report is then submitted as usual.

use entity::{ReportKind, commune, district, report, report_commune_line as line};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};
use crate::reports::figures::{MAX_FIGURE, check_age_groups};
use crate::reports::workflow::EDITABLE;

/// Most lines in one report (Thanh Hóa's largest district has fewer than 50 communes).
pub const MAX_LINES: usize = 200;

/// One commune's figures as given.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CommuneLine {
    pub commune_code: String,
    pub population: Option<i64>,
    pub new_cases_community: Option<i64>,
    pub new_cases_in_quarantine: Option<i64>,
    pub adults_18_plus: Option<i64>,
    pub adults_dose1: Option<i64>,
    pub people_65_plus: Option<i64>,
    pub people_65_plus_full: Option<i64>,
    pub people_50_plus: Option<i64>,
    pub people_50_plus_full: Option<i64>,
}

impl CommuneLine {
    /// Each figure within `0..=MAX_FIGURE`; dose 1 within adults, adults and age groups within the
    /// population; the age groups consistent. Failures name `lines[i].field`.
    fn validate(&self, i: usize) -> AppResult<()> {
        let field = |name: &str| format!("lines[{i}].{name}");
        let named = [
            ("population", self.population),
            ("newCasesCommunity", self.new_cases_community),
            ("newCasesInQuarantine", self.new_cases_in_quarantine),
            ("adults18Plus", self.adults_18_plus),
            ("adultsDose1", self.adults_dose1),
            ("people65Plus", self.people_65_plus),
            ("people65PlusFull", self.people_65_plus_full),
            ("people50Plus", self.people_50_plus),
            ("people50PlusFull", self.people_50_plus_full),
        ];
        for (name, value) in named {
            if value.is_some_and(|v| !(0..=MAX_FIGURE).contains(&v)) {
                return Err(AppError::bad_input(
                    field(name),
                    format!("must be between 0 and {MAX_FIGURE}"),
                ));
            }
        }
        let within = [
            (
                self.adults_dose1,
                self.adults_18_plus,
                "adultsDose1",
                "adults",
            ),
            (
                self.adults_18_plus,
                self.population,
                "adults18Plus",
                "people",
            ),
            (
                self.people_50_plus,
                self.adults_18_plus,
                "people50Plus",
                "adults",
            ),
            (
                self.people_65_plus,
                self.population,
                "people65Plus",
                "people",
            ),
        ];
        for (part, whole, name, what) in within {
            if let (Some(p), Some(w)) = (part, whole)
                && p > w
            {
                return Err(AppError::bad_input(
                    field(name),
                    format!("{p} exceeds the {w} {what}"),
                ));
            }
        }
        check_age_groups(
            self.people_65_plus,
            self.people_65_plus_full,
            self.people_50_plus,
            self.people_50_plus_full,
            &format!("lines[{i}]."),
        )
    }
}

/// Replaces the commune lines of a weekly epidemic report the caller's agency is writing (DRAFT or
/// RETURNED). Every commune must belong to the report's district, once.
#[tracing::instrument(skip_all, fields(report.id = report_id, lines = lines.len()))]
pub async fn save(
    ctx: &Ctx<'_>,
    report_id: i32,
    lines: Vec<CommuneLine>,
) -> AppResult<Vec<(String, line::Model)>> {
    let scope = policy::require(ctx.actor, Resource::Report, Action::Write)?;
    if lines.len() > MAX_LINES {
        return Err(AppError::bad_input(
            "lines",
            format!("at most {MAX_LINES} lines"),
        ));
    }
    for (i, l) in lines.iter().enumerate() {
        l.validate(i)?;
        if lines[..i].iter().any(|o| o.commune_code == l.commune_code) {
            return Err(AppError::bad_input(
                format!("lines[{i}].communeCode"),
                format!("commune {} is given twice", l.commune_code),
            ));
        }
    }
    let w = ctx.write().await?;
    let report = report::Entity::find_by_id(report_id)
        .one(&*w)
        .await?
        .ok_or_else(|| AppError::not_found("report", report_id))?;
    let district = district::Entity::find_by_id(report.district_id)
        .one(&*w)
        .await?
        .ok_or_else(|| AppError::not_found("district", report.district_id))?;
    if !scope.covers_district(district.id, district.province_id) {
        return Err(AppError::not_found("report", report_id));
    }
    if report.source_agency_id != ctx.actor.agency_id {
        return Err(AppError::bad_input(
            "reportId",
            format!("report {report_id} is another agency's; only its source edits it"),
        ));
    }
    if report.kind != ReportKind::WeeklyEpidemic {
        return Err(AppError::bad_input(
            "reportId",
            "commune lines belong to weekly epidemic reports",
        ));
    }
    if !EDITABLE.contains(&report.status) {
        return Err(AppError::InvalidState(format!(
            "report {report_id} is {}; it can no longer be edited",
            report.status.as_str()
        )));
    }
    let communes = commune::Entity::find()
        .filter(commune::Column::DistrictId.eq(district.id))
        .all(&*w)
        .await?;
    let before = lines_of(&*w, report_id).await?;
    line::Entity::delete_many()
        .filter(line::Column::ReportId.eq(report_id))
        .exec(&*w)
        .await?;
    let now = w.now();
    let mut saved = Vec::with_capacity(lines.len());
    for (i, l) in lines.into_iter().enumerate() {
        let Some(c) = communes.iter().find(|c| c.code == l.commune_code) else {
            return Err(AppError::bad_input(
                format!("lines[{i}].communeCode"),
                format!(
                    "{} is not a commune of district {}",
                    l.commune_code, district.code
                ),
            ));
        };
        let row = line::ActiveModel {
            id: NotSet,
            report_id: Set(report_id),
            commune_id: Set(c.id),
            population: Set(l.population),
            new_cases_community: Set(l.new_cases_community),
            new_cases_in_quarantine: Set(l.new_cases_in_quarantine),
            adults_18_plus: Set(l.adults_18_plus),
            adults_dose1: Set(l.adults_dose1),
            people_65_plus: Set(l.people_65_plus),
            people_65_plus_full: Set(l.people_65_plus_full),
            people_50_plus: Set(l.people_50_plus),
            people_50_plus_full: Set(l.people_50_plus_full),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&*w)
        .await?;
        saved.push((c.code.clone(), row));
    }
    let after: Vec<&line::Model> = saved.iter().map(|(_, l)| l).collect();
    w.audit_changed("report.commune_lines", "report", report_id, &before, &after)
        .await?;
    w.commit().await?;
    Ok(saved)
}

async fn lines_of(
    conn: &impl sea_orm::ConnectionTrait,
    report_id: i32,
) -> AppResult<Vec<line::Model>> {
    Ok(line::Entity::find()
        .filter(line::Column::ReportId.eq(report_id))
        .order_by_asc(line::Column::Id)
        .all(conn)
        .await?)
}

//! Reports as CSV, for scripts: `lienthong import reports FILE.csv` (all rows or none, every bad line
//! named) and the export (`lienthong export reports`, `GET /export/reports.csv`).
//!
//! Columns: `district_code`, `kind` (DAILY_VACCINATION, WEEKLY_EPIDEMIC, VACCINATION_CENSUS), `period`
//! (YYYY-MM-DD), `source_agency` (agency code), optional `submitted_at` (RFC 3339; the report is then
//! SUBMITTED at that instant, else saved as DRAFT), and any of the figure columns, named as in
//! [`FIGURES`](super::figures::FIGURES).

use std::collections::HashMap;
use std::io::Read;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{ReportKind, ReportStatus, agency, district, report};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::deadlines::{due_at, is_late};
use super::figures::{COUNT, FIGURES, Figures};
use super::read::{ReportFilter, list};
use crate::admin::agencies;
use crate::csv_lines::{CsvFile, Fields};
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::keyset::PageRequest;
use crate::kit::{Ctx, Write};
use crate::policy::{self, Action, Resource};

/// Most rows one file may hold.
const MAX_ROWS: usize = 50_000;

#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: u64,
    pub district_code: String,
    pub kind: ReportKind,
    pub period: NaiveDate,
    pub source_agency: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub figures: Figures,
}

/// A report kind by its name (`DAILY_VACCINATION`), for the export's `kind` filter.
pub fn parse_kind(text: &str) -> AppResult<ReportKind> {
    ReportKind::parse(text)
        .ok_or_else(|| AppError::bad_input("kind", format!("'{text}' is not a report kind")))
}

/// Parses and validates the whole file (figures included); every bad line is reported with its number.
pub fn parse(input: impl Read) -> AppResult<Vec<ImportRow>> {
    let required = ["district_code", "kind", "period", "source_agency"];
    CsvFile::open(input, &required)?.rows(MAX_ROWS, parse_row)
}

fn parse_row(line: u64, fields: &Fields<'_>) -> Result<ImportRow, String> {
    let kind_text = fields.get("kind").ok_or("kind: required")?;
    let kind =
        ReportKind::parse(kind_text).ok_or(format!("kind: '{kind_text}' is not a report kind"))?;
    let period_text = fields.get("period").ok_or("period: required")?;
    let period = NaiveDate::parse_from_str(period_text, "%Y-%m-%d")
        .map_err(|_| format!("period: '{period_text}' is not YYYY-MM-DD"))?;
    let submitted_at = fields
        .get("submitted_at")
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .map(|d| d.with_timezone(&Utc))
                .map_err(|_| format!("submitted_at: '{t}' is not RFC 3339"))
        })
        .transpose()?;
    let mut values = [None; COUNT];
    for (slot, figure) in values.iter_mut().zip(&FIGURES) {
        let name = figure.column;
        *slot = fields
            .get(name)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| format!("{name}: '{v}' is not a whole number"))
            })
            .transpose()?;
    }
    let figures = Figures::from_values(&values);
    figures.validate().map_err(|e| e.to_string())?;
    Ok(ImportRow {
        line,
        district_code: fields
            .get("district_code")
            .ok_or("district_code: required")?
            .to_owned(),
        kind,
        period,
        source_agency: fields
            .get("source_agency")
            .ok_or("source_agency: required")?
            .to_owned(),
        submitted_at,
        figures,
    })
}

/// Imports the rows in one transaction: each creates or replaces the source's report for that district,
/// kind and period (an accepted report cannot be replaced). For administrators and the command-line
/// operator, since rows speak for many agencies.
pub async fn import(ctx: &Ctx<'_>, rows: &[ImportRow]) -> AppResult<usize> {
    import_or_check(ctx, rows, false).await
}

/// [`import`], or with `dry_run` the same checks and writes in a transaction that is rolled back.
#[tracing::instrument(skip_all, fields(rows = rows.len(), dry_run))]
pub async fn import_or_check(ctx: &Ctx<'_>, rows: &[ImportRow], dry_run: bool) -> AppResult<usize> {
    policy::require(ctx.actor, Resource::AgencyAdmin, Action::Write)?;
    let write = ctx.write().await?;
    let mut errors = Vec::new();
    for row in rows {
        match import_row(&write, row).await {
            Ok(()) => {}
            Err(RowFault::Line(e)) => errors.push(format!("line {}: {e}", row.line)),
            Err(RowFault::Failed(e)) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::bad_input("file", errors.join("; ")));
    }
    if dry_run {
        // Dropping the transaction rolls it back.
        return Ok(rows.len());
    }
    // One audit row for the whole file, as the import is one change.
    let (count, summary) = (
        format!("{} rows", rows.len()),
        json!({ "rows": rows.len() }),
    );
    write
        .commit_created("report.import", "report", count, &summary)
        .await?;
    Ok(rows.len())
}

/// Why a row was not imported: something wrong with the line, or the write failed.
enum RowFault {
    Line(String),
    Failed(AppError),
}

impl From<AppError> for RowFault {
    fn from(e: AppError) -> Self {
        RowFault::Failed(e)
    }
}

/// `Line(message)` when `found` is NOT_FOUND, the failure otherwise.
fn missing<T>(found: AppResult<T>, message: impl FnOnce() -> String) -> Result<T, RowFault> {
    found.map_err(|e| match e {
        AppError::NotFound { .. } => RowFault::Line(message()),
        other => RowFault::Failed(other),
    })
}

async fn import_row(write: &Write<'_>, row: &ImportRow) -> Result<(), RowFault> {
    let district = missing(lookup::by_code(&**write, &row.district_code).await, || {
        format!("district_code: no district {}", row.district_code)
    })?;
    let source = missing(
        agencies::by_code(&**write, &row.source_agency).await,
        || format!("source_agency: no agency {}", row.source_agency),
    )?;
    if source.district_id.is_some_and(|d| d != district.id)
        || source.province_id != district.province_id
    {
        return Err(RowFault::Line(format!(
            "source_agency: {} does not report for district {}",
            source.code, district.code
        )));
    }
    let due = due_at(row.kind, row.period, None).map_err(|e| RowFault::Line(e.to_string()))?;
    let existing = report::Entity::find()
        .filter(report::Column::DistrictId.eq(district.id))
        .filter(report::Column::Kind.eq(row.kind))
        .filter(report::Column::Period.eq(row.period))
        .filter(report::Column::SourceAgencyId.eq(source.id))
        .one(&**write)
        .await
        .map_err(AppError::from)?;
    if let Some(r) = existing
        .as_ref()
        .filter(|r| r.status == ReportStatus::Accepted)
    {
        return Err(RowFault::Line(format!(
            "report {} is accepted and cannot be replaced",
            r.id
        )));
    }
    let mut model = report::ActiveModel {
        district_id: Set(district.id),
        kind: Set(row.kind),
        period: Set(row.period),
        source_agency_id: Set(source.id),
        status: Set(if row.submitted_at.is_some() {
            ReportStatus::Submitted
        } else {
            ReportStatus::Draft
        }),
        due_at: Set(due),
        submitted_at: Set(row.submitted_at),
        ..Default::default()
    };
    row.figures.apply(&mut model);
    match existing {
        Some(r) => {
            write
                .update_versioned::<report::Entity>(r.id, r.version, model, Condition::all())
                .await?;
        }
        None => {
            let now = write.now();
            model.version = Set(1);
            model.created_at = Set(now);
            model.updated_at = Set(now);
            model.report_call_id = Set(None);
            model.reviewed_at = Set(None);
            model.reviewed_by = Set(None);
            model.return_reason = Set(None);
            model.insert(&**write).await.map_err(AppError::from)?;
        }
    }
    Ok(())
}

/// Columns of the export before the figures.
const EXPORT_COLUMNS: [&str; 9] = [
    "id",
    "district_code",
    "kind",
    "period",
    "source_agency",
    "status",
    "due_at",
    "submitted_at",
    "late",
];

/// The reports the caller may read, as CSV (same columns as the import, plus status, due time and
/// lateness by the context's clock).
#[tracing::instrument(skip_all)]
pub async fn export(ctx: &Ctx<'_>, filter: &ReportFilter) -> AppResult<String> {
    let csv_error = |e: &dyn std::fmt::Display| AppError::Internal(format!("csv: {e}"));
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = EXPORT_COLUMNS
        .into_iter()
        .chain(FIGURES.iter().map(|f| f.column));
    out.write_record(header).map_err(|e| csv_error(&e))?;
    let codes = Codes::load(ctx).await?;
    let now = ctx.now();
    let mut after = None;
    loop {
        let page = list(ctx, filter, PageRequest::new(Some(500), after, false)?).await?;
        for (_, r) in &page.items {
            out.write_record(codes.record(r, now))
                .map_err(|e| csv_error(&e))?;
        }
        if !page.has_next {
            break;
        }
        after = page.items.last().map(|(k, _)| *k);
    }
    let bytes = out.into_inner().map_err(|e| csv_error(&e))?;
    String::from_utf8(bytes).map_err(|e| csv_error(&e))
}

/// District and agency codes by id, for the export's lines.
struct Codes {
    districts: HashMap<i32, String>,
    agencies: HashMap<i32, String>,
}

impl Codes {
    async fn load(ctx: &Ctx<'_>) -> AppResult<Codes> {
        let districts = district::Entity::find().all(ctx.db).await?;
        let agencies = agency::Entity::find().all(ctx.db).await?;
        Ok(Codes {
            districts: districts.into_iter().map(|d| (d.id, d.code)).collect(),
            agencies: agencies.into_iter().map(|a| (a.id, a.code)).collect(),
        })
    }

    fn record(&self, r: &report::Model, now: DateTime<Utc>) -> Vec<String> {
        let code = |codes: &HashMap<i32, String>, id| codes.get(&id).cloned().unwrap_or_default();
        let mut record = vec![
            r.id.to_string(),
            code(&self.districts, r.district_id),
            r.kind.as_str().to_owned(),
            r.period.to_string(),
            code(&self.agencies, r.source_agency_id),
            r.status.as_str().to_owned(),
            r.due_at.to_rfc3339(),
            r.submitted_at.map(|s| s.to_rfc3339()).unwrap_or_default(),
            is_late(r, now).to_string(),
        ];
        record.extend(
            Figures::of(r)
                .values()
                .iter()
                .map(|v| v.map(|v| v.to_string()).unwrap_or_default()),
        );
        record
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_line_is_named() {
        let csv = "district_code,kind,period,source_agency,adults_18_plus,adults_dose1\n380,DAILY_VACCINATION,2021-12-10,health-380,100,90\n381,MONTHLY,2021-12-10,health-381,1,1\n382,DAILY_VACCINATION,10/12/2021,health-382,1,1\n383,DAILY_VACCINATION,2021-12-10,health-383,10,20\n384,DAILY_VACCINATION,2021-12-10,health-384,x,1\n";
        let text = parse(csv.as_bytes()).expect_err("must fail").to_string();
        for expected in [
            "line 3: kind",
            "line 4: period",
            "line 5: figures.adultsDose1",
            "line 6: adults_18_plus",
        ] {
            assert!(text.contains(expected), "{expected} missing in {text}");
        }
        assert!(!text.contains("line 2"));
    }
}

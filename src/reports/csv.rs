//! Reports as CSV, for scripts: `lienthong import reports FILE.csv` (all rows or none, every bad line
//! named) and the export (`lienthong export reports`, `GET /export/reports.csv`).
//!
//! Columns: `district_code`, `kind` (DAILY_VACCINATION, WEEKLY_EPIDEMIC, VACCINATION_CENSUS), `period`
//! (YYYY-MM-DD), `source_agency` (agency code), optional `submitted_at` (RFC 3339; the report is then
//! SUBMITTED at that instant, else saved as DRAFT), and any of the figure columns named in [`FIGURES`].

use std::collections::HashMap;
use std::io::Read;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{ReportKind, ReportStatus, agency, district, report};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, NotSet,
    QueryFilter, Set,
};

use super::service::{Figures, ReportFilter, due_at, is_late, list};
use crate::audit::{self, Change};
use crate::auth::Actor;
use crate::csv_lines::{self, LineReader};
use crate::error::{AppError, AppResult};
use crate::keyset::PageRequest;
use crate::policy::{self, Action, Resource};

/// Figure columns, in the order of the export.
pub const FIGURES: [&str; 16] = [
    "adults_18_plus",
    "adults_dose1",
    "adults_full",
    "adolescents_15_17_dose1",
    "doses_administered_today",
    "unvaccinated_contraindicated",
    "unvaccinated_deferred",
    "unvaccinated_refused",
    "unvaccinated_absent",
    "unvaccinated_other",
    "new_cases_community",
    "new_cases_in_quarantine",
    "tests_performed",
    "patients_in_treatment",
    "deaths",
    "beds_available",
];

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

/// Parses and validates the whole file (figures included); every bad line is reported with its number.
pub fn parse(input: impl Read) -> AppResult<Vec<ImportRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(LineReader::new(input));
    let (headers, header_line) = csv_lines::headers(&mut reader).map_err(|(line, e)| {
        AppError::bad_input(format!("line {line}"), format!("unreadable header: {e}"))
    })?;
    let index: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim_start_matches('\u{feff}').to_lowercase(), i))
        .collect();
    let missing: Vec<&str> = ["district_code", "kind", "period", "source_agency"]
        .into_iter()
        .filter(|c| !index.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::bad_input(
            format!("line {header_line}"),
            format!("missing column(s): {}", missing.join(", ")),
        ));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, (line, record)) in csv_lines::records(&mut reader).enumerate() {
        if i >= MAX_ROWS {
            errors.push(format!("line {line}: more than {MAX_ROWS} rows"));
            break;
        }
        let parsed = record.and_then(|record| {
            let get = |name: &str| {
                index
                    .get(name)
                    .and_then(|&i| record.get(i))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
            };
            let kind_text = get("kind").ok_or("kind: required")?;
            let kind = ReportKind::parse(kind_text)
                .ok_or(format!("kind: '{kind_text}' is not a report kind"))?;
            let period_text = get("period").ok_or("period: required")?;
            let period = NaiveDate::parse_from_str(period_text, "%Y-%m-%d")
                .map_err(|_| format!("period: '{period_text}' is not YYYY-MM-DD"))?;
            let submitted_at = get("submitted_at")
                .map(|t| {
                    DateTime::parse_from_rfc3339(t)
                        .map(|d| d.with_timezone(&Utc))
                        .map_err(|_| format!("submitted_at: '{t}' is not RFC 3339"))
                })
                .transpose()?;
            let mut values = [None; 16];
            for (slot, name) in values.iter_mut().zip(FIGURES) {
                *slot = get(name)
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
                district_code: get("district_code")
                    .ok_or("district_code: required")?
                    .to_owned(),
                kind,
                period,
                source_agency: get("source_agency")
                    .ok_or("source_agency: required")?
                    .to_owned(),
                submitted_at,
                figures,
            })
        });
        match parsed {
            Ok(row) => rows.push(row),
            Err(e) => errors.push(format!("line {line}: {e}")),
        }
    }
    if !errors.is_empty() {
        let total = errors.len();
        errors.truncate(50);
        let more = if total > 50 {
            format!("; and {} more", total - 50)
        } else {
            String::new()
        };
        return Err(AppError::bad_input(
            "file",
            format!("{}{more}", errors.join("; ")),
        ));
    }
    if rows.is_empty() {
        return Err(AppError::bad_input("file", "no rows"));
    }
    Ok(rows)
}

/// Imports the rows in one transaction: each creates or replaces the source's report for that district,
/// kind and period (an accepted report cannot be replaced). For administrators and the command-line
/// operator, since rows speak for many agencies.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    rows: &[ImportRow],
) -> AppResult<usize> {
    policy::require(actor, Resource::AgencyAdmin, Action::Write)?;
    let write = crate::db::begin_write(db).await?;
    let txn: &DatabaseTransaction = &write;
    let mut errors = Vec::new();
    for row in rows {
        if let Err(e) = import_row(txn, row).await {
            errors.push(format!("line {}: {e}", row.line));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::bad_input("file", errors.join("; ")));
    }
    let summary = serde_json::json!({ "rows": rows.len() });
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: "report.import",
            entity: "report",
            entity_id: format!("{} rows", rows.len()),
            before: None::<&()>,
            after: Some(&summary),
        },
    )
    .await?;
    write.commit().await?;
    Ok(rows.len())
}

async fn import_row(txn: &DatabaseTransaction, row: &ImportRow) -> Result<(), String> {
    let db_err = |e: sea_orm::DbErr| e.to_string();
    let district = district::Entity::find()
        .filter(district::Column::Code.eq(row.district_code.as_str()))
        .one(txn)
        .await
        .map_err(db_err)?
        .ok_or(format!("district_code: no district {}", row.district_code))?;
    let source = agency::Entity::find()
        .filter(agency::Column::Code.eq(row.source_agency.as_str()))
        .one(txn)
        .await
        .map_err(db_err)?
        .ok_or(format!("source_agency: no agency {}", row.source_agency))?;
    if source.district_id.is_some_and(|d| d != district.id)
        || source.province_id != district.province_id
    {
        return Err(format!(
            "source_agency: {} does not report for district {}",
            source.code, district.code
        ));
    }
    let due = due_at(row.kind, row.period, None).map_err(|e| e.to_string())?;
    let existing = report::Entity::find()
        .filter(report::Column::DistrictId.eq(district.id))
        .filter(report::Column::Kind.eq(row.kind))
        .filter(report::Column::Period.eq(row.period))
        .filter(report::Column::SourceAgencyId.eq(source.id))
        .one(txn)
        .await
        .map_err(db_err)?;
    let now = Utc::now();
    let status = if row.submitted_at.is_some() {
        ReportStatus::Submitted
    } else {
        ReportStatus::Draft
    };
    let mut model = match existing {
        Some(r) if r.status == ReportStatus::Accepted => {
            return Err(format!(
                "report {} is accepted and cannot be replaced",
                r.id
            ));
        }
        Some(r) => {
            let version = r.version + 1;
            let mut m: report::ActiveModel = r.into();
            m.version = Set(version);
            m
        }
        None => report::ActiveModel {
            id: NotSet,
            version: Set(1),
            created_at: Set(now),
            report_call_id: Set(None),
            reviewed_at: Set(None),
            reviewed_by: Set(None),
            return_reason: Set(None),
            ..Default::default()
        },
    };
    model.district_id = Set(district.id);
    model.kind = Set(row.kind);
    model.period = Set(row.period);
    model.source_agency_id = Set(source.id);
    model.status = Set(status);
    model.due_at = Set(due);
    model.submitted_at = Set(row.submitted_at);
    model.updated_at = Set(now);
    row.figures.apply(&mut model);
    model.save(txn).await.map_err(db_err)?;
    Ok(())
}

/// The reports the caller may read, as CSV (same columns as the import, plus status, due time and
/// lateness).
pub async fn export(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &ReportFilter,
) -> AppResult<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
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
    header.extend(FIGURES);
    out.write_record(&header)
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    let districts: HashMap<i32, String> = district::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.code))
        .collect();
    let agencies: HashMap<i32, String> = agency::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.code))
        .collect();
    let now = Utc::now();
    let mut after = None;
    loop {
        let page = list(
            db,
            actor,
            filter,
            PageRequest::new(Some(500), after, false)?,
        )
        .await?;
        for (_, r) in &page.items {
            let mut record = vec![
                r.id.to_string(),
                districts.get(&r.district_id).cloned().unwrap_or_default(),
                r.kind.as_str().to_owned(),
                r.period.to_string(),
                agencies
                    .get(&r.source_agency_id)
                    .cloned()
                    .unwrap_or_default(),
                r.status.as_str().to_owned(),
                r.due_at.to_rfc3339(),
                r.submitted_at.map(|s| s.to_rfc3339()).unwrap_or_default(),
                is_late(r, now).to_string(),
            ];
            record.extend(
                Figures::of(r)
                    .named()
                    .iter()
                    .map(|(_, v)| v.map(|v| v.to_string()).unwrap_or_default()),
            );
            out.write_record(&record)
                .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
        }
        if !page.has_next {
            break;
        }
        after = page.items.last().map(|(k, _)| *k);
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("csv: {e}")))
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

    #[test]
    fn lines_are_counted_across_quoted_line_breaks_blank_lines_and_crlf() {
        // fuzz/regressions/report_csv: the record index + 2 named line 3 for the error on line 5.
        let csv = "district_code,kind,period,source_agency\r\n\"380\r\n\",DAILY_VACCINATION,2021-12-10,health-380\r\n\r\n381,MONTHLY,2021-12-10,health-381\r\n382,DAILY_VACCINATION,2021-12-10\r\n";
        let text = parse(csv.as_bytes()).expect_err("must fail").to_string();
        assert!(text.contains("line 5: kind"), "{text}");
        assert!(
            text.contains("line 6: 3 field(s) where the header has 4"),
            "{text}"
        );
        let ok = "district_code,kind,period,source_agency\n\n\"380\n\",DAILY_VACCINATION,2021-12-10,health-380\n381,DAILY_VACCINATION,2021-12-10,health-381\n";
        let rows = parse(ok.as_bytes()).expect("parse");
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 5]);
    }
}

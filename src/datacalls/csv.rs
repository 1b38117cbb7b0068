//! A call's answers as CSV, per form: the export (one row per answer the caller may read) and the import
//! (all rows or none, every bad line named).
//!
//! Columns: `agency_code`, then one column per field of the form, named as the field (any case). The
//! export adds `agency_name`, `sector`, `district_code`, `status`, `submitted_at` and `late`. An
//! addressee imports its own row, saved as a draft; the compiling agency imports the rows of any
//! addressees (answers it received on paper), saved and submitted at the time of the import.

use std::collections::BTreeMap;

use entity::{ReportStatus, agency, call_answer, district};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::answers::{self, SaveAnswer};
use super::calls;
use crate::csv_lines::CsvFile;
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};

/// Most rows one import may hold.
const MAX_ROWS: usize = 5_000;

fn cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The answers of a call the caller may read, as CSV.
#[tracing::instrument(skip_all, fields(call.id = call_id))]
pub async fn export(ctx: &Ctx<'_>, call_id: i32) -> AppResult<String> {
    let (call, _) = calls::readable(ctx, call_id).await?;
    let form = calls::form_of(ctx.db, &call).await?;
    let rows = answers::of_call(ctx, call.id).await?;
    let agencies = agency::Entity::find()
        .filter(agency::Column::Id.is_in(rows.iter().map(|a| a.agency_id)))
        .find_also_related(district::Entity)
        .all(ctx.db)
        .await?;
    let mut out =
        String::from("agency_code,agency_name,sector,district_code,status,submitted_at,late");
    for f in &form.fields {
        out.push(',');
        out.push_str(&f.name);
    }
    out.push('\n');
    let now = ctx.now();
    for a in &rows {
        let Some((agency, district)) = agencies.iter().find(|(g, _)| g.id == a.agency_id) else {
            continue;
        };
        let values = answers::values(a);
        let mut line = vec![
            cell(&agency.code),
            cell(&agency.name),
            cell(agency.sector.as_deref().unwrap_or("")),
            district
                .as_ref()
                .map(|d| d.code.clone())
                .unwrap_or_default(),
            a.status.as_str().to_string(),
            a.submitted_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            answers::late(Some(a), &call, now).to_string(),
        ];
        line.extend(
            form.fields
                .iter()
                .map(|f| cell(values.get(&f.name).map_or("", String::as_str))),
        );
        out.push_str(&line.join(","));
        out.push('\n');
    }
    Ok(out)
}

/// One parsed line of an import.
struct Row {
    line: u64,
    agency_code: String,
    values: BTreeMap<String, String>,
}

/// Imports answers to a call from CSV in one transaction; returns the answers saved.
#[tracing::instrument(skip_all, fields(call.id = call_id))]
pub async fn import(ctx: &Ctx<'_>, call_id: i32, csv: &str) -> AppResult<Vec<call_answer::Model>> {
    policy::require(ctx.actor, Resource::Answer, Action::Write)?;
    let call = calls::of_province(ctx.db, ctx.actor, call_id).await?;
    let form = calls::form_of(ctx.db, &call).await?;
    let compiler = call.compiler_agency_id == ctx.actor.agency_id
        && policy::decide(ctx.actor, Resource::Answer, Action::Approve).is_some();
    let rows =
        CsvFile::open(csv.as_bytes(), &["agency_code"])?.rows(MAX_ROWS, |line, fields| {
            let values = form
                .fields
                .iter()
                .filter_map(|f| {
                    fields
                        .get(&f.name.to_lowercase())
                        .map(|v| (f.name.clone(), v.to_string()))
                })
                .collect();
            Ok(Row {
                line,
                agency_code: fields
                    .get("agency_code")
                    .ok_or("agency_code: required")?
                    .to_string(),
                values,
            })
        })?;
    let write = ctx.write().await?;
    let mut saved = Vec::new();
    let mut errors = Vec::new();
    for row in rows {
        let outcome = async {
            let on_behalf = if row.agency_code == ctx.actor.agency_code {
                None
            } else if compiler {
                let a = crate::admin::agencies::by_code(&*write, &row.agency_code)
                    .await
                    .map_err(|_| {
                        AppError::bad_input("agency_code", format!("no agency {}", row.agency_code))
                    })?;
                let district = match a.district_id {
                    Some(id) => Some(crate::districts::lookup::by_id(&*write, id).await?.code),
                    None => None,
                };
                if !calls::addresses(&call, &a, district.as_deref()) {
                    return Err(AppError::bad_input(
                        "agency_code",
                        format!("call {} is not addressed to {}", call.id, a.code),
                    ));
                }
                Some(a)
            } else {
                return Err(AppError::forbidden(format!(
                    "agency {} may import only its own answer",
                    ctx.actor.agency_code
                )));
            };
            let input = SaveAnswer {
                call_id: call.id,
                values: row.values.clone(),
                expected_version: None,
            };
            let answer = answers::save_in(&write, input, on_behalf.as_ref()).await?;
            if on_behalf.is_none() {
                return Ok(answer);
            }
            // Received on paper by the compiler: submitted now, with the form's every check.
            crate::datacalls::forms::check_values(&form, &answers::values(&answer), true)?;
            let mut active: call_answer::ActiveModel = answer.clone().into();
            active.status = Set(ReportStatus::Submitted);
            active.submitted_at = Set(Some(write.now()));
            write
                .update_versioned::<call_answer::Entity>(
                    answer.id,
                    answer.version,
                    active,
                    sea_orm::Condition::all(),
                )
                .await
        }
        .await;
        match outcome {
            Ok(a) => saved.push(a),
            Err(e @ (AppError::BadUserInput { .. } | AppError::InvalidState(_))) => {
                errors.push(format!("line {}: {e}", row.line));
            }
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::bad_input("csv", errors.join("; ")));
    }
    write
        .commit_created(
            "answer.import",
            "data_call",
            call.id,
            &json!({ "rows": saved.len() }),
        )
        .await?;
    Ok(saved)
}

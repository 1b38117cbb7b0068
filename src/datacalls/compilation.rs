//! The compiling agency's own deliverable for a call (the Department of Health's daily report to the
//! province before 17:00, the census aggregate by 11:00 on 11/12): the totals of the accepted answers,
//! built and sent with one mutation, frozen once sent, late when sent after the aggregate deadline.

use std::collections::BTreeMap;

use entity::{ReportStatus, call_answer, compilation};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, Set};

use super::answers::values;
use super::calls;
use super::forms::to_json;
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};

/// Totals of the numeric fields over the accepted answers, as text (integers stay whole).
pub fn totals(
    form: &super::forms::Form,
    answers: &[call_answer::Model],
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for field in form.fields.iter().filter(|f| f.kind.is_numeric()) {
        let numbers: Vec<f64> = answers
            .iter()
            .filter_map(|a| {
                values(a)
                    .get(&field.name)
                    .and_then(|v| v.parse::<f64>().ok())
            })
            .collect();
        if numbers.is_empty() {
            continue;
        }
        let sum: f64 = numbers.iter().sum();
        let text = if field.kind == super::forms::FieldType::Integer {
            format!("{}", sum.round() as i64)
        } else {
            format!("{sum}")
        };
        out.insert(field.name.clone(), text);
    }
    out
}

/// Builds the call's aggregate from its accepted answers and sends it (the compiling agency, role
/// APPROVER). INVALID_STATE when it was sent already: a sent aggregate is frozen.
#[tracing::instrument(skip_all, fields(call.id = call_id))]
pub async fn send(ctx: &Ctx<'_>, call_id: i32) -> AppResult<compilation::Model> {
    policy::require(ctx.actor, Resource::Answer, Action::Approve)?;
    let write = ctx.write().await?;
    let call = calls::of_province(&*write, ctx.actor, call_id).await?;
    if call.compiler_agency_id != ctx.actor.agency_id {
        return Err(AppError::forbidden(format!(
            "call {call_id} is compiled by another agency"
        )));
    }
    let sent = compilation::Entity::find()
        .filter(compilation::Column::CallId.eq(call.id))
        .one(&*write)
        .await?;
    if let Some(sent) = sent {
        return Err(AppError::InvalidState(format!(
            "the aggregate of call {call_id} was sent at {}; it is frozen",
            sent.sent_at
        )));
    }
    let accepted = call_answer::Entity::find()
        .filter(call_answer::Column::CallId.eq(call.id))
        .filter(call_answer::Column::Status.eq(ReportStatus::Accepted))
        .all(&*write)
        .await?;
    let form = calls::form_of(&*write, &call).await?;
    let row = compilation::ActiveModel {
        id: NotSet,
        call_id: Set(call.id),
        agency_id: Set(ctx.actor.agency_id),
        totals: Set(to_json(&totals(&form, &accepted))?),
        answers_count: Set(i32::try_from(accepted.len()).unwrap_or(i32::MAX)),
        due_at: Set(call.aggregate_deadline),
        sent_at: Set(write.now()),
        sent_by: Set(ctx.actor.label()),
    }
    .insert(&*write)
    .await
    .map_err(|e| {
        if crate::error::is_unique_violation(&e) {
            AppError::InvalidState(format!(
                "the aggregate of call {call_id} was sent at the same moment"
            ))
        } else {
            e.into()
        }
    })?;
    write
        .commit_created("compilation.send", "compilation", row.id, &row)
        .await?;
    Ok(row)
}

/// A sent aggregate's totals by field.
pub fn sent_totals(c: &compilation::Model) -> BTreeMap<String, String> {
    serde_json::from_str(&c.totals).unwrap_or_default()
}

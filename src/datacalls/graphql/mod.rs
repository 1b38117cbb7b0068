//! GraphQL face of forms, data calls, answers, call status and aggregates: the roots, each resolver one
//! service call.

mod types;

use std::collections::BTreeMap;

use async_graphql::{Context, InputObject, Result, SimpleObject};
use chrono::{DateTime, Utc};

pub use self::types::{
    AddresseeLevel, Answer, CallStatusView, Compilation, DataCall, DeliverableView, FormView,
};
use crate::datacalls::answers::{self, SaveAnswer, Step};
use crate::datacalls::calls::{self, CallFilter, NewCall};
use crate::datacalls::forms::{self, NewField, NewForm};
use crate::datacalls::{compilation, csv, status};
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::AgencyKind;
use crate::graphql::resolvers::{input_object, payload, root_object};
use crate::graphql::scalars::Date;

root_object! {
    impl DataCallQuery {
        lists {
            /// Data calls the caller may read, by id: every call of the province for the province's
            /// HEALTH, STEERING_COMMITTEE and ADMINISTRATION agencies, the calls addressed to it for any
            /// other agency.
            calls(CallFilterInput) -> DataCall = calls::list;
            /// The compiling agencies' own deliverables (the Department of Health's daily report to the
            /// province, a census aggregate): every call with an aggregate deadline, by id, sent or not,
            /// on time or late. For the province's HEALTH, STEERING_COMMITTEE and ADMINISTRATION; empty
            /// otherwise.
            deliverables() -> DeliverableView = status::deliverables;
        }
    }
}

/// Forms, and what is known of one call: its answers, status and CSV.
#[derive(Default)]
pub struct CallDetailQuery;

#[async_graphql::Object]
impl CallDetailQuery {
    /// The built-in forms (today's report kinds), then the latest version of each form of the caller's
    /// province. Empty for callers that may not read calls.
    async fn forms(&self, ctx: &Context<'_>) -> Result<Vec<FormView>> {
        let found = forms::list(&ctx.services()?).await?;
        Ok(found.into_iter().map(Into::into).collect())
    }

    /// Answers to a call the caller may read, by id: all of them for the province's readers, those of
    /// its district for a district-level reader, its own for an addressee.
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn call_answers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call.")] call_id: i32,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<Answer>> {
        let paging = ctx.paging(first, after)?;
        let page = answers::page_of_call(&ctx.services()?, call_id, paging.request).await?;
        Ok(paging.connection(page, Answer))
    }

    /// Completeness and timeliness of a call, each addressee's standing and the compiler's aggregate.
    /// An addressee reads the status of the calls it answered.
    async fn call_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call.")] call_id: i32,
    ) -> Result<CallStatusView> {
        Ok(CallStatusView(
            status::call_status(&ctx.services()?, call_id).await?,
        ))
    }

    /// The answers to a call the caller may read, as CSV: `agency_code, agency_name, sector,
    /// district_code, status, submitted_at, late`, then one column per field of the form.
    async fn call_answers_csv(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call.")] call_id: i32,
    ) -> Result<String> {
        Ok(csv::export(&ctx.services()?, call_id).await?)
    }
}

/// Result of `createForm`.
#[derive(SimpleObject)]
pub struct CreateFormPayload {
    /// The form as stored (its version is the next of its code).
    pub form: FormView,
}

payload! {
    /// Result of `createCall`.
    pub struct CreateCallPayload {
        /// The call.
        call: DataCall,
    }
}

payload! {
    /// Result of an answer mutation.
    pub struct AnswerPayload {
        /// The answer after the change.
        answer: Answer,
    }
}

payload! {
    /// Result of `sendCompilation`.
    pub struct SendCompilationPayload {
        /// The aggregate as sent, frozen.
        compilation: Compilation,
    }
}

/// Result of `importAnswers`.
#[derive(SimpleObject)]
pub struct ImportAnswersPayload {
    /// The answers saved, in the file's order.
    pub answers: Vec<Answer>,
}

root_object! {
    impl DataCallMutation {
        calls {
            /// Creates a form, or the next version of a form code (province HEALTH or
            /// STEERING_COMMITTEE, role APPROVER). Calls made on earlier versions keep theirs.
            create_form(#[graphql(desc = "Code, name, fields, rules and default due time.")] input: CreateFormInput) -> CreateFormPayload
                = |s| async move { forms::create(&s, input.into()).await.map(|f| CreateFormPayload { form: f.into() }) };
            /// Issues a call: a form addressed to agencies by kind, level and district, with the
            /// addressees' deadline (the form's default time when omitted), the aggregate deadline and
            /// the compiling agency (province HEALTH or STEERING_COMMITTEE, role APPROVER).
            create_call(#[graphql(desc = "The form, addressees, period, deadlines and compiler.")] input: CreateCallInput) -> CreateCallPayload
                = |s| calls::create(&s, input.into());
            /// Saves the caller's answer to a call addressed to it (creates it, or edits its draft or
            /// returned answer). Values are checked against the form's types, bounds and rules.
            save_answer(#[graphql(desc = "The call and the values.")] input: SaveAnswerInput) -> AnswerPayload
                = |s| answers::save(&s, input.into());
            /// Submits the caller's draft or returned answer; required fields and rules are checked.
            submit_answer(#[graphql(desc = "The answer to submit.")] input: AnswerIdInput) -> AnswerPayload
                = |s| answers::step(&s, input.id, Step::Submit);
            /// Accepts a submitted answer, which freezes it (the call's compiling agency, role APPROVER).
            accept_answer(#[graphql(desc = "The answer to accept.")] input: AnswerIdInput) -> AnswerPayload
                = |s| answers::step(&s, input.id, Step::Accept);
            /// Sends a submitted answer back for correction (the call's compiling agency, role APPROVER).
            return_answer(#[graphql(desc = "The answer to return, with the reason.")] input: ReturnAnswerInput) -> AnswerPayload
                = |s| answers::step(&s, input.id, Step::Return { reason: input.reason });
            /// Builds the call's aggregate from its accepted answers and sends it, frozen; late when
            /// sent after the aggregate deadline (the compiling agency, role APPROVER).
            send_compilation(#[graphql(desc = "The call compiled.")] input: SendCompilationInput) -> SendCompilationPayload
                = |s| compilation::send(&s, input.call_id);
            /// Imports answers to a call from CSV (all rows or none): an addressee its own row, as a
            /// draft; the compiling agency any addressee's rows, submitted at import.
            import_answers(#[graphql(desc = "The call and the CSV text.")] input: ImportAnswersInput) -> ImportAnswersPayload
                = |s| async move {
                    csv::import(&s, input.call_id, &input.csv)
                        .await
                        .map(|a| ImportAnswersPayload { answers: a.into_iter().map(Answer).collect() })
                };
        }
    }
}

/// One field of a new form.
#[derive(InputObject)]
pub struct FormFieldInput {
    /// Name: letters, digits and '_', starting with a letter.
    pub name: String,
    /// What it asks, as users see it.
    pub label: String,
    /// INTEGER, DECIMAL, TEXT, DATE or CHOICE.
    #[graphql(name = "type")]
    pub kind: String,
    /// Whether an answer is submitted only with it.
    #[graphql(default)]
    pub required: bool,
    /// Least value (numbers only).
    pub min: Option<f64>,
    /// Greatest value (numbers only).
    pub max: Option<f64>,
    /// The choices (CHOICE only).
    #[graphql(default)]
    pub choices: Vec<String>,
}

impl From<FormFieldInput> for NewField {
    fn from(f: FormFieldInput) -> Self {
        NewField {
            name: f.name,
            label: f.label,
            kind: f.kind,
            required: f.required,
            min: f.min,
            max: f.max,
            choices: f.choices,
        }
    }
}

/// A form to create.
#[derive(InputObject)]
pub struct CreateFormInput {
    /// Code: A-Z, 0-9 and '_'; a code already used gets its next version.
    pub code: String,
    /// Name, as users see it.
    pub name: String,
    /// The fields, in order.
    pub fields: Vec<FormFieldInput>,
    /// Cross-field rules over numeric fields, e.g. `a + b <= c`.
    #[graphql(default)]
    pub rules: Vec<String>,
    /// Province time ("HH:MM") answers are due on a call's period when the call sets no deadline.
    pub default_due_time: Option<String>,
    /// A retry with the same key returns the version the first request made, never another one.
    pub idempotency_key: Option<String>,
}

impl From<CreateFormInput> for NewForm {
    fn from(f: CreateFormInput) -> Self {
        NewForm {
            code: f.code,
            name: f.name,
            fields: f.fields.into_iter().map(Into::into).collect(),
            rules: f.rules,
            default_due_time: f.default_due_time,
            idempotency_key: f.idempotency_key,
        }
    }
}

input_object! {
    /// Filter for `calls`.
    #[derive(InputObject, Default)]
    pub struct CallFilterInput => CallFilter {
        /// Only calls for this form code.
        form_code: Option<String>,
    }
    also { with_aggregate: false }
}

fn kinds(kinds: Vec<AgencyKind>) -> Vec<entity::AgencyKind> {
    kinds.into_iter().map(Into::into).collect()
}

input_object! {
    /// A call to issue.
    #[derive(InputObject)]
    pub struct CreateCallInput => NewCall {
        /// Code of the form asked for (a built-in report kind, or a created form).
        form_code: String,
        /// Version of the form; the latest when omitted.
        form_version: Option<i32>,
        /// Title; the form's name and the period when omitted.
        title: Option<String>,
        /// The period asked for.
        period: Date => Into::into,
        /// Agency kinds addressed.
        addressee_kinds: Vec<AgencyKind> => kinds,
        /// Level of the agencies addressed.
        addressee_level: AddresseeLevel => Into::into,
        /// Districts addressed (GSO codes); every district when omitted.
        district_codes: Option<Vec<String>> => Option::unwrap_or_default,
        /// Deadline for the answers; the form's default time on the period when omitted.
        deadline: Option<DateTime<Utc>>,
        /// Deadline for the compiler's aggregate; not before `deadline`.
        aggregate_deadline: Option<DateTime<Utc>>,
        /// Code of the compiling agency (province HEALTH or STEERING_COMMITTEE); the caller's when omitted.
        compiler_agency_code: Option<String>,
        /// What is asked.
        note: Option<String>,
        /// A retry with the same key returns the first call, never a second one.
        idempotency_key: Option<String>,
    }
}

/// A value for one field.
#[derive(InputObject)]
pub struct FieldValueInput {
    /// The field's name.
    pub field: String,
    /// The value as text; blank for none.
    pub value: String,
}

/// The caller's answer to save.
#[derive(InputObject)]
pub struct SaveAnswerInput {
    /// The call answered.
    pub call_id: i32,
    /// The values, by field (each field once).
    pub values: Vec<FieldValueInput>,
    /// The `version` the change is based on; CONFLICT when stale.
    pub expected_version: Option<i32>,
}

impl From<SaveAnswerInput> for SaveAnswer {
    fn from(i: SaveAnswerInput) -> Self {
        SaveAnswer {
            call_id: i.call_id,
            values: i
                .values
                .into_iter()
                .map(|v| (v.field, v.value))
                .collect::<BTreeMap<_, _>>(),
            expected_version: i.expected_version,
        }
    }
}

/// An answer to act on.
#[derive(InputObject)]
pub struct AnswerIdInput {
    /// Answer id.
    pub id: i32,
}

/// An answer to send back.
#[derive(InputObject)]
pub struct ReturnAnswerInput {
    /// Answer id.
    pub id: i32,
    /// What to correct (required).
    pub reason: String,
}

/// A call whose aggregate to send.
#[derive(InputObject)]
pub struct SendCompilationInput {
    /// The call.
    pub call_id: i32,
}

/// Answers to import.
#[derive(InputObject)]
pub struct ImportAnswersInput {
    /// The call answered.
    pub call_id: i32,
    /// CSV text: `agency_code` and one column per field of the form.
    pub csv: String,
}

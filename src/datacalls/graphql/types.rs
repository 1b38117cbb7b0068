//! The GraphQL types of forms, calls, answers, call status and aggregates.

use std::collections::BTreeMap;

use async_graphql::{Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{call_answer, compilation, data_call};

use crate::admin::graphql::Agency;
use crate::datacalls::answers;
use crate::datacalls::calls;
use crate::datacalls::compilation::sent_totals;
use crate::datacalls::forms::{FieldSpec, Form};
use crate::datacalls::status::{AddresseeLine, CallDeliverable, CallStatus};
use crate::graphql::enums::{AgencyKind, ReportStatus};
use crate::graphql::resolvers::row_object;
use crate::graphql::scalars::Date;

/// Which level of agency a call addresses.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "AddresseeLevel", remote = "entity::AddresseeLevel")]
pub enum AddresseeLevel {
    /// Province-level agencies only (departments, the steering committee, ...).
    Province,
    /// District-level agencies only (district committees, health centres, ...).
    District,
    /// Both.
    Any,
}

/// A value of one field.
#[derive(SimpleObject, Clone)]
pub struct FieldValue {
    /// The field's name.
    pub field: String,
    /// The value as text (numbers in decimal notation, dates YYYY-MM-DD).
    pub value: String,
}

/// Field values as a list, in field-name order.
pub fn field_values(map: BTreeMap<String, String>) -> Vec<FieldValue> {
    map.into_iter()
        .map(|(field, value)| FieldValue { field, value })
        .collect()
}

/// One field of a form.
#[derive(SimpleObject, Clone)]
pub struct FormField {
    /// Name, used in answers, rules and CSV columns.
    pub name: String,
    /// What it asks, as users see it.
    pub label: String,
    /// INTEGER, DECIMAL, TEXT, DATE or CHOICE.
    #[graphql(name = "type")]
    pub kind: String,
    /// Whether an answer is submitted only with it.
    pub required: bool,
    /// Least value (numbers); null when unbounded.
    pub min: Option<f64>,
    /// Greatest value (numbers); null when unbounded.
    pub max: Option<f64>,
    /// The choices of a CHOICE field; empty for the others.
    pub choices: Vec<String>,
}

impl From<&FieldSpec> for FormField {
    fn from(f: &FieldSpec) -> Self {
        FormField {
            name: f.name.clone(),
            label: f.label.clone(),
            kind: f.kind.as_str().into(),
            required: f.required,
            min: f.min,
            max: f.max,
            choices: f.choices.clone(),
        }
    }
}

/// A form: typed fields with validation and cross-field rules, one version of its code.
#[derive(SimpleObject, Clone)]
pub struct FormView {
    /// Code, e.g. `INFORMAL_WORKERS`; the built-in forms are named after the report kinds.
    pub code: String,
    /// Version of the code; a call pins the version it asks for.
    pub version: i32,
    /// Name, as users see it.
    pub name: String,
    /// One of today's report kinds, defined by the server.
    pub built_in: bool,
    /// The fields.
    pub fields: Vec<FormField>,
    /// Cross-field rules, e.g. `adultsFull <= adultsDose1`; an answer breaking one is refused.
    pub rules: Vec<String>,
    /// Province time ("HH:MM") answers are due on the call's period when a call sets no deadline; null
    /// when a call must set one.
    pub default_due_time: Option<String>,
}

impl From<Form> for FormView {
    fn from(f: Form) -> Self {
        FormView {
            fields: f.fields.iter().map(Into::into).collect(),
            rules: f.rules.iter().map(|r| r.text.clone()).collect(),
            default_due_time: f.default_due_time.map(|t| t.format("%H:%M").to_string()),
            code: f.code,
            version: f.version,
            name: f.name,
            built_in: f.built_in,
        }
    }
}

row_object! {
    #[Object]
    /// A call for data: a form addressed to agencies by kind, level and district, with deadlines and
    /// the agency that compiles the answers.
    pub struct DataCall(data_call::Model) as c {
        /// Call id.
        id: i32 = c.id;
        /// Code of the form asked for.
        form_code: &str = &c.form_code;
        /// Version of the form asked for.
        form_version: i32 = c.form_version;
        /// Title.
        title: &str = &c.title;
        /// The period asked for (a day, or a week's Monday).
        period: Date = Date(c.period);
        /// Agency kinds addressed.
        addressee_kinds: Vec<AgencyKind> = calls::kinds(c).into_iter().map(Into::into).collect();
        /// Level of the agencies addressed.
        addressee_level: AddresseeLevel = c.addressee_level.into();
        /// GSO codes of the districts addressed; every district when empty.
        district_codes: Vec<&str> = calls::districts(c).unwrap_or_default();
        /// Deadline for the addressees' answers.
        deadline: DateTime<Utc> = c.deadline;
        /// Deadline for the compiling agency's aggregate; null when none.
        aggregate_deadline: Option<DateTime<Utc>> = c.aggregate_deadline;
        /// What is asked; null when nothing more is said.
        note: Option<&str> = c.note.as_deref();
        /// Who issued it.
        issued_by: &str = &c.issued_by;
    }
    nodes {
        /// The agency that compiles the answers and owes the aggregate.
        compiler_agency: Agency = c.compiler_agency_id;
    }
}

row_object! {
    #[Object]
    /// One agency's answer to a call.
    pub struct Answer(call_answer::Model) as a {
        /// Answer id.
        id: i32 = a.id;
        /// The call answered.
        call_id: i32 = a.call_id;
        /// Where it stands: DRAFT, SUBMITTED, ACCEPTED or RETURNED.
        status: ReportStatus = a.status.into();
        /// The values given, by field.
        values: Vec<FieldValue> = field_values(answers::values(a));
        /// When it was (last) submitted; null before.
        submitted_at: Option<DateTime<Utc>> = a.submitted_at;
        /// Who accepted or returned it; null before review.
        reviewed_by: Option<&str> = a.reviewed_by.as_deref();
        /// Why it was returned; null otherwise.
        return_reason: Option<&str> = a.return_reason.as_deref();
        /// Version, for `expectedVersion`.
        version: i32 = a.version;
    }
    nodes {
        /// The answering agency.
        agency: Agency = a.agency_id;
    }
}

row_object! {
    #[Object]
    /// The compiling agency's aggregate of a call, frozen when sent.
    pub struct Compilation(compilation::Model) as c {
        /// Aggregate id.
        id: i32 = c.id;
        /// The call compiled.
        call_id: i32 = c.call_id;
        /// Totals of the numeric fields over the accepted answers.
        totals: Vec<FieldValue> = field_values(sent_totals(c));
        /// How many accepted answers it adds up.
        answers_count: i32 = c.answers_count;
        /// The aggregate deadline; null when the call set none.
        due_at: Option<DateTime<Utc>> = c.due_at;
        /// When it was sent.
        sent_at: DateTime<Utc> = c.sent_at;
        /// Sent after the aggregate deadline.
        late: bool = c.due_at.is_some_and(|d| c.sent_at > d);
        /// Who sent it.
        sent_by: &str = &c.sent_by;
    }
}

/// One addressee's standing on a call.
pub struct AddresseeStatus(pub AddresseeLine);

/// One addressee's standing on a call.
#[Object]
impl AddresseeStatus {
    /// The agency addressed.
    async fn agency(&self) -> Agency {
        Agency(self.0.agency.clone())
    }

    /// Its sector, for DEPARTMENT agencies; null otherwise.
    async fn sector(&self) -> Option<&str> {
        self.0.agency.sector.as_deref()
    }

    /// GSO code of its district; null for a province-level agency.
    async fn district_code(&self) -> Option<&str> {
        self.0.district.as_ref().map(|d| d.code.as_str())
    }

    /// Its answer's status; null when it has not answered.
    async fn status(&self) -> Option<ReportStatus> {
        self.0.answer.as_ref().map(|a| a.status.into())
    }

    /// When it submitted; null when it has not.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.answer.as_ref().and_then(|a| a.submitted_at)
    }

    /// Submitted by the deadline.
    async fn on_time(&self) -> bool {
        self.0.on_time
    }

    /// Submitted after the deadline, or still missing past it.
    async fn late(&self) -> bool {
        self.0.late
    }
}

/// Completeness and timeliness of a call, each addressee's standing, and the compiler's deliverable.
pub struct CallStatusView(pub CallStatus);

/// Completeness and timeliness of a call, each addressee's standing, and the compiler's deliverable.
#[Object(name = "CallStatus")]
impl CallStatusView {
    /// The call.
    async fn call(&self) -> DataCall {
        DataCall(self.0.call.clone())
    }

    /// Agencies addressed (enabled ones).
    async fn expected(&self) -> usize {
        self.0.expected
    }

    /// Answers submitted.
    async fn submitted(&self) -> usize {
        self.0.submitted
    }

    /// Answers submitted by the deadline.
    async fn on_time(&self) -> usize {
        self.0.on_time
    }

    /// Answers submitted late, or missing past the deadline.
    async fn late(&self) -> usize {
        self.0.late
    }

    /// Answers accepted by the compiling agency.
    async fn accepted(&self) -> usize {
        self.0.accepted
    }

    /// Submitted / expected (1 when nobody is expected).
    async fn completeness(&self) -> f64 {
        self.0.completeness()
    }

    /// On time / expected (1 when nobody is expected).
    async fn timeliness(&self) -> f64 {
        self.0.timeliness()
    }

    /// Each addressee's standing, by agency code.
    async fn addressees(&self) -> Vec<AddresseeStatus> {
        self.0.lines.iter().cloned().map(AddresseeStatus).collect()
    }

    /// The compiling agency.
    async fn compiler_agency(&self) -> Agency {
        Agency(self.0.deliverable.compiler.clone())
    }

    /// When the aggregate is due; null when the call set no aggregate deadline.
    async fn aggregate_due_at(&self) -> Option<DateTime<Utc>> {
        self.0.deliverable.due_at
    }

    /// The aggregate as sent; null until it is.
    async fn compilation(&self) -> Option<Compilation> {
        self.0.deliverable.sent.clone().map(Compilation)
    }

    /// The aggregate was sent after its deadline, or is still unsent past it.
    async fn aggregate_late(&self) -> bool {
        self.0.deliverable.late
    }
}

/// A compiling agency's own deliverable: the aggregate of a call, due by its aggregate deadline.
pub struct DeliverableView(pub CallDeliverable);

/// A compiling agency's own deliverable: the aggregate of a call, due by its aggregate deadline.
#[Object(name = "Deliverable")]
impl DeliverableView {
    /// The call whose aggregate is owed.
    async fn call(&self) -> DataCall {
        DataCall(self.0.call.clone())
    }

    /// When the aggregate is due.
    async fn due_at(&self) -> Option<DateTime<Utc>> {
        self.0.call.aggregate_deadline
    }

    /// When it was sent; null until it is.
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent.as_ref().map(|s| s.sent_at)
    }

    /// Sent by its deadline.
    async fn on_time(&self) -> bool {
        self.0.sent.is_some() && !self.0.late
    }

    /// Sent after its deadline, or still unsent past it.
    async fn late(&self) -> bool {
        self.0.late
    }

    /// The aggregate as sent; null until it is.
    async fn compilation(&self) -> Option<Compilation> {
        self.0.sent.clone().map(Compilation)
    }
}

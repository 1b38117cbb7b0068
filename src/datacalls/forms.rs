//! Forms as data: named, typed fields (integer, decimal, text, date, choice) with required, min/max and
//! choices, and cross-field rules; versioned by code. The built-in report kinds (DAILY_VACCINATION,
//! WEEKLY_EPIDEMIC, VACCINATION_CENSUS) are forms defined here from the figures table, version 1, never
//! stored, so nothing stored changes meaning.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use entity::{ReportKind, form};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, NotSet,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::rules::Rule;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Keyed, TxnFuture};
use crate::kit::{Ctx, Text, Write, text};
use crate::policy::{self, Action, Resource};
use crate::reports::figures::{FIGURES, MAX_FIGURE};

/// Type of a form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FieldType {
    Integer,
    Decimal,
    Text,
    Date,
    Choice,
}

impl FieldType {
    pub const NAMES: &'static str = "INTEGER, DECIMAL, TEXT, DATE or CHOICE";

    pub fn parse(text: &str) -> Option<FieldType> {
        Some(match text.trim().to_ascii_uppercase().as_str() {
            "INTEGER" => FieldType::Integer,
            "DECIMAL" => FieldType::Decimal,
            "TEXT" => FieldType::Text,
            "DATE" => FieldType::Date,
            "CHOICE" => FieldType::Choice,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Integer => "INTEGER",
            FieldType::Decimal => "DECIMAL",
            FieldType::Text => "TEXT",
            FieldType::Date => "DATE",
            FieldType::Choice => "CHOICE",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, FieldType::Integer | FieldType::Decimal)
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    pub required: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(default)]
    pub choices: Vec<String>,
}

/// A form, stored or built in.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub code: String,
    pub version: i32,
    pub name: String,
    pub fields: Vec<FieldSpec>,
    pub rules: Vec<Rule>,
    /// Local time an answer is due on the call's period when the call sets no deadline.
    pub default_due_time: Option<NaiveTime>,
    /// Local time the compiler's aggregate is due on the period when the call sets none.
    pub default_aggregate_time: Option<NaiveTime>,
    pub built_in: bool,
}

impl Form {
    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

/// The built-in form of a report kind. The district's daily vaccination report is due at 16:00 (the
/// configured `district_daily_due` replaces it: [`with_config`]), before the Department of Health's own
/// daily report to the province (17:00, its aggregate); the census is due at 17:00 (002); a call may set
/// other times.
pub fn built_in(kind: ReportKind) -> Form {
    let fields = FIGURES
        .iter()
        .filter(|f| f.kinds.contains(&kind))
        .map(|f| FieldSpec {
            name: f.api_name.into(),
            label: f.label.into(),
            kind: FieldType::Integer,
            required: false,
            min: Some(0.0),
            max: Some(MAX_FIGURE as f64),
            choices: Vec::new(),
        })
        .collect();
    let (rules, due, aggregate, name): (&[&str], _, _, _) = match kind {
        ReportKind::DailyVaccination => (
            &[
                "adultsDose1 <= adults18Plus",
                "adultsFull <= adultsDose1",
                "adolescents1517Dose2 <= adolescents1517Dose1",
            ],
            hm(16, 0),
            hm(17, 0),
            "Báo cáo tiêm chủng hằng ngày",
        ),
        ReportKind::VaccinationCensus => (
            &[
                "adultsDose1 <= adults18Plus",
                "adultsFull <= adultsDose1",
                "adolescents1517Dose2 <= adolescents1517Dose1",
            ],
            hm(17, 0),
            None,
            "Rà soát người chưa tiêm",
        ),
        ReportKind::WeeklyEpidemic => (&[], None, None, "Báo cáo dịch hằng tuần"),
    };
    Form {
        code: kind.as_str().into(),
        version: 1,
        name: name.into(),
        fields,
        rules: rules.iter().filter_map(|r| Rule::parse(r).ok()).collect(),
        default_due_time: due,
        default_aggregate_time: aggregate,
        built_in: true,
    }
}

/// The form with the configured defaults: the district's daily due time for DAILY_VACCINATION.
pub fn with_config(mut form: Form, config: &crate::config::Config) -> Form {
    if form.built_in && form.code == ReportKind::DailyVaccination.as_str() {
        form.default_due_time = Some(config.district_daily_due);
    }
    form
}

fn from_row(row: &form::Model) -> AppResult<Form> {
    let bad = |what: &str| AppError::Internal(format!("form {} has bad {what}", row.id));
    let fields: Vec<FieldSpec> = serde_json::from_str(&row.fields).map_err(|_| bad("fields"))?;
    let rules: Vec<String> = serde_json::from_str(&row.rules).map_err(|_| bad("rules"))?;
    Ok(Form {
        code: row.code.clone(),
        version: row.version,
        name: row.name.clone(),
        fields,
        rules: rules
            .iter()
            .map(|r| Rule::parse(r).map_err(|_| bad("rules")))
            .collect::<AppResult<_>>()?,
        default_due_time: row
            .default_due_time
            .as_deref()
            .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok()),
        default_aggregate_time: None,
        built_in: false,
    })
}

/// The form `code` of the province at `version` (the latest when `None`); BAD_USER_INPUT on `field`
/// when there is none.
pub async fn resolve(
    conn: &impl ConnectionTrait,
    province_id: i32,
    code: &str,
    version: Option<i32>,
    field: &str,
) -> AppResult<Form> {
    if let Some(kind) = ReportKind::parse(code) {
        if version.is_some_and(|v| v != 1) {
            return Err(AppError::bad_input(
                field,
                format!("built-in form {code} has version 1 only"),
            ));
        }
        return Ok(built_in(kind));
    }
    let mut select = form::Entity::find()
        .filter(form::Column::ProvinceId.eq(province_id))
        .filter(form::Column::Code.eq(code));
    if let Some(v) = version {
        select = select.filter(form::Column::Version.eq(v));
    }
    let row = select
        .order_by_desc(form::Column::Version)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::bad_input(field, format!("no form {code}")))?;
    from_row(&row)
}

/// A field as given to `createForm`: its type still text, so an unknown type is named in the error.
#[derive(Debug, Clone, Serialize)]
pub struct NewField {
    pub name: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewForm {
    pub code: String,
    pub name: String,
    pub fields: Vec<NewField>,
    pub rules: Vec<String>,
    /// "HH:MM", province time.
    pub default_due_time: Option<String>,
    /// A retry with the same key returns the first version made, never a second one.
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

fn check_field(i: usize, f: &NewField) -> AppResult<FieldSpec> {
    let at = |part: &str| format!("fields[{i}].{part}");
    let name_ok = (1..=64).contains(&f.name.len())
        && f.name.starts_with(|c: char| c.is_ascii_alphabetic())
        && f.name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !name_ok {
        return Err(AppError::bad_input(
            at("name"),
            "1 to 64 letters, digits or '_', starting with a letter",
        ));
    }
    let kind = FieldType::parse(&f.kind).ok_or_else(|| {
        AppError::bad_input(
            at("type"),
            format!("'{}' is not a field type: {}", f.kind, FieldType::NAMES),
        )
    })?;
    let label = text(&at("label"), Some(&f.label), Text::required(300))?.unwrap_or_default();
    if (f.min.is_some() || f.max.is_some()) && !kind.is_numeric() {
        return Err(AppError::bad_input(
            at("min"),
            "only INTEGER and DECIMAL fields have bounds",
        ));
    }
    if let (Some(min), Some(max)) = (f.min, f.max)
        && min > max
    {
        return Err(AppError::bad_input(at("max"), "below min"));
    }
    if f.min.is_some_and(|v| !v.is_finite()) || f.max.is_some_and(|v| !v.is_finite()) {
        return Err(AppError::bad_input(at("min"), "a finite number"));
    }
    match (kind, f.choices.is_empty()) {
        (FieldType::Choice, true) => {
            return Err(AppError::bad_input(
                at("choices"),
                "a CHOICE field lists its choices",
            ));
        }
        (k, false) if k != FieldType::Choice => {
            return Err(AppError::bad_input(
                at("choices"),
                "only a CHOICE field has choices",
            ));
        }
        _ => {}
    }
    Ok(FieldSpec {
        name: f.name.clone(),
        label,
        kind,
        required: f.required,
        min: f.min,
        max: f.max,
        choices: f.choices.clone(),
    })
}

/// Checks a form's fields and rules: every field typed and named once, every rule parsed and naming
/// only numeric fields of the form.
pub fn check(input: &NewForm) -> AppResult<(Vec<FieldSpec>, Vec<Rule>)> {
    if input.fields.is_empty() || input.fields.len() > 200 {
        return Err(AppError::bad_input("fields", "1 to 200 fields"));
    }
    let mut fields = Vec::new();
    for (i, f) in input.fields.iter().enumerate() {
        let spec = check_field(i, f)?;
        if fields.iter().any(|s: &FieldSpec| s.name == spec.name) {
            return Err(AppError::bad_input(
                format!("fields[{i}].name"),
                format!("{} is named twice", spec.name),
            ));
        }
        fields.push(spec);
    }
    let mut rules = Vec::new();
    for (i, text) in input.rules.iter().enumerate() {
        let at = format!("rules[{i}]");
        let rule =
            Rule::parse(text).map_err(|e| AppError::bad_input(&at, format!("'{text}': {e}")))?;
        for name in rule.fields() {
            match fields.iter().find(|f| f.name == name) {
                None => {
                    return Err(AppError::bad_input(
                        &at,
                        format!("'{text}' names {name}, which is not a field of the form"),
                    ));
                }
                Some(f) if !f.kind.is_numeric() => {
                    return Err(AppError::bad_input(
                        &at,
                        format!("'{text}' names {name}, which is not a number"),
                    ));
                }
                Some(_) => {}
            }
        }
        rules.push(rule);
    }
    Ok((fields, rules))
}

/// Creates a form, or the next version of the province's form with that code (province HEALTH and
/// STEERING_COMMITTEE approvers). The built-in codes are taken.
#[tracing::instrument(skip_all, fields(form.code = %input.code))]
pub async fn create(ctx: &Ctx<'_>, input: NewForm) -> AppResult<Form> {
    policy::require(ctx.actor, Resource::Call, Action::Approve)?;
    let code_ok = (2..=64).contains(&input.code.len())
        && input
            .code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !code_ok {
        return Err(AppError::bad_input(
            "code",
            "2 to 64 characters: A-Z, 0-9 and '_'",
        ));
    }
    if ReportKind::parse(&input.code).is_some() {
        return Err(AppError::bad_input("code", "the code of a built-in form"));
    }
    let name = text("name", Some(&input.name), Text::required(200))?.unwrap_or_default();
    let due = match input.default_due_time.as_deref() {
        Some(t) => Some(
            NaiveTime::parse_from_str(t, "%H:%M")
                .map_err(|_| AppError::bad_input("defaultDueTime", "HH:MM"))?
                .format("%H:%M")
                .to_string(),
        ),
        None => None,
    };
    let (fields, rules) = check(&input)?;
    let hash = idempotency::request_hash(&input);
    let request = Keyed::new("createForm", input.idempotency_key.as_deref(), &hash);
    let (row, _) = idempotency::once(ctx, request, existing, |w| {
        let (code, name, due) = (input.code.clone(), name.clone(), due.clone());
        let (fields, rules) = (fields.clone(), rules.clone());
        Box::pin(async move {
            let row = insert(w, code, name, due, &fields, &rules).await?;
            Ok((row.clone(), i64::from(row.id)))
        })
    })
    .await?;
    from_row(&row)
}

fn existing(txn: &DatabaseTransaction, id: i64) -> TxnFuture<'_, form::Model> {
    Box::pin(async move {
        let id = i32::try_from(id).map_err(|_| AppError::not_found("form", id))?;
        form::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::not_found("form", id))
    })
}

/// Stores the next version of the form `code` of the caller's province, audited.
async fn insert(
    write: &mut Write<'_>,
    code: String,
    name: String,
    due: Option<String>,
    fields: &[FieldSpec],
    rules: &[Rule],
) -> AppResult<form::Model> {
    let ctx = write.ctx();
    let latest = form::Entity::find()
        .filter(form::Column::ProvinceId.eq(ctx.actor.province_id))
        .filter(form::Column::Code.eq(&code))
        .order_by_desc(form::Column::Version)
        .one(&**write)
        .await?;
    let row = form::ActiveModel {
        id: NotSet,
        province_id: Set(ctx.actor.province_id),
        code: Set(code.clone()),
        version: Set(latest.map_or(1, |f| f.version + 1)),
        name: Set(name),
        fields: Set(to_json(&fields)?),
        rules: Set(to_json(
            &rules.iter().map(|r| r.text.clone()).collect::<Vec<_>>(),
        )?),
        default_due_time: Set(due),
        created_by: Set(ctx.actor.label()),
        created_at: Set(write.now()),
    }
    .insert(&**write)
    .await
    .map_err(|e| {
        if crate::error::is_unique_violation(&e) {
            AppError::Conflict(format!("form {code} changed at the same moment; retry"))
        } else {
            e.into()
        }
    })?;
    write
        .audit_created("form.create", "form", row.id, &row)
        .await?;
    Ok(row)
}

/// JSON text for a column.
pub(super) fn to_json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.to_string()))
}

/// The built-in forms, then the latest version of each form of the caller's province (every caller
/// that may read calls).
pub async fn list(ctx: &Ctx<'_>) -> AppResult<Vec<Form>> {
    if policy::read_scope(ctx.actor, Resource::Call).is_none() {
        return Ok(Vec::new());
    }
    let mut forms: Vec<Form> = [
        ReportKind::DailyVaccination,
        ReportKind::WeeklyEpidemic,
        ReportKind::VaccinationCensus,
    ]
    .into_iter()
    .map(|k| with_config(built_in(k), ctx.config))
    .collect();
    let rows = form::Entity::find()
        .filter(form::Column::ProvinceId.eq(ctx.actor.province_id))
        .order_by_asc(form::Column::Code)
        .order_by_desc(form::Column::Version)
        .all(ctx.db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    for row in rows.iter().filter(|r| seen.insert(r.code.clone())) {
        forms.push(from_row(row)?);
    }
    Ok(forms)
}

/// A value given for a field, checked against its type, bounds and choices; numeric values also as a
/// number for the rules.
pub fn check_value(field: &FieldSpec, at: &str, value: &str) -> AppResult<Option<f64>> {
    let bad = |m: String| AppError::bad_input(at, m);
    match field.kind {
        FieldType::Integer | FieldType::Decimal => {
            let n: f64 = if field.kind == FieldType::Integer {
                value
                    .parse::<i64>()
                    .map_err(|_| bad(format!("'{value}' is not a whole number")))?
                    as f64
            } else {
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| bad(format!("'{value}' is not a number")))?
            };
            if field.min.is_some_and(|min| n < min) || field.max.is_some_and(|max| n > max) {
                let range = match (field.min, field.max) {
                    (Some(a), Some(b)) => format!("{a} to {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                return Err(bad(format!("{value} is out of range ({range})")));
            }
            Ok(Some(n))
        }
        FieldType::Text => {
            text(at, Some(value), Text::optional(2000))?;
            Ok(None)
        }
        FieldType::Date => NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map(|_| None)
            .map_err(|_| bad(format!("'{value}' is not YYYY-MM-DD"))),
        FieldType::Choice => {
            if field.choices.iter().any(|c| c == value) {
                Ok(None)
            } else {
                Err(bad(format!(
                    "'{value}' is not one of {}",
                    field.choices.join(", ")
                )))
            }
        }
    }
}

/// Checks an answer's values against the form: known fields, types, bounds, choices, the rules (a rule
/// whose fields are not all given is checked once they are) and, when `complete`, the required fields.
/// The error of a failed rule quotes it.
pub fn check_values(
    form: &Form,
    values: &BTreeMap<String, String>,
    complete: bool,
) -> AppResult<()> {
    let mut numbers = BTreeMap::new();
    for (name, value) in values {
        let at = format!("values.{name}");
        let field = form.field(name).ok_or_else(|| {
            AppError::bad_input(&at, format!("{name} is not a field of form {}", form.code))
        })?;
        if let Some(n) = check_value(field, &at, value)? {
            numbers.insert(name.clone(), n);
        }
    }
    if complete
        && let Some(missing) = form
            .fields
            .iter()
            .find(|f| f.required && !values.contains_key(&f.name))
    {
        return Err(AppError::bad_input(
            format!("values.{}", missing.name),
            "required",
        ));
    }
    for rule in &form.rules {
        if rule.holds(&numbers) == Some(false) {
            let field = rule.fields().next().unwrap_or("values");
            return Err(AppError::bad_input(
                format!("values.{field}"),
                format!("breaks the rule {}", rule.text),
            ));
        }
    }
    Ok(())
}

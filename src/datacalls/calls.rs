//! Data calls: a form addressed to agencies by kind, level and district, for a period, with the
//! addressees' deadline, the aggregate's deadline and the agency that compiles. Issued by the province's
//! HEALTH and STEERING_COMMITTEE approvers; read by them, by administration, and by each addressee for
//! the calls addressed to it.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{AddresseeLevel, AgencyKind, agency, data_call, district};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    NotSet, QueryFilter, QueryOrder, Set,
};

use super::forms::{self, Form};
use crate::admin::agencies;
use crate::auth::Actor;
use crate::clock::local_instant;
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Keyed, TxnFuture};
use crate::kit::{self, Ctx, ScopedList, Text, Write, text};
use crate::policy::{self, Action, Resource, Scope};

#[derive(Debug, Clone, serde::Serialize)]
pub struct NewCall {
    pub form_code: String,
    /// The latest version when `None`.
    pub form_version: Option<i32>,
    pub title: Option<String>,
    pub period: NaiveDate,
    pub addressee_kinds: Vec<AgencyKind>,
    pub addressee_level: AddresseeLevel,
    /// GSO codes; every district of the province when empty.
    pub district_codes: Vec<String>,
    /// The form's default time on `period` when `None`.
    pub deadline: Option<DateTime<Utc>>,
    pub aggregate_deadline: Option<DateTime<Utc>>,
    /// The caller's agency when `None`.
    pub compiler_agency_code: Option<String>,
    pub note: Option<String>,
    /// A retry with the same key returns the first call, never a second one.
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// The form's default time of day on the period, for a deadline the call leaves out.
fn default_at(time: Option<chrono::NaiveTime>, period: NaiveDate) -> Option<DateTime<Utc>> {
    time.and_then(|t| local_instant(period, t))
}

/// Issues a call. BAD_USER_INPUT when the deadline is after the aggregate deadline, the form or a
/// district is unknown, or the compiler is not a province-level HEALTH or STEERING_COMMITTEE agency.
#[tracing::instrument(skip_all, fields(form = %input.form_code))]
pub async fn create(ctx: &Ctx<'_>, input: NewCall) -> AppResult<data_call::Model> {
    policy::require(ctx.actor, Resource::Call, Action::Approve)?;
    if input.addressee_kinds.is_empty() {
        return Err(AppError::bad_input(
            "addresseeKinds",
            "at least one agency kind",
        ));
    }
    let hash = idempotency::request_hash(&input);
    let request = Keyed::new("createCall", input.idempotency_key.as_deref(), &hash);
    let (created, _) = idempotency::once(ctx, request, existing, |w| {
        let input = input.clone();
        Box::pin(async move {
            let created = insert(w, input).await?;
            let id = i64::from(created.id);
            Ok((created, id))
        })
    })
    .await?;
    Ok(created)
}

fn existing(txn: &DatabaseTransaction, id: i64) -> TxnFuture<'_, data_call::Model> {
    Box::pin(async move {
        let id = i32::try_from(id).map_err(|_| AppError::not_found("call", id))?;
        data_call::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::not_found("call", id))
    })
}

async fn insert(write: &mut Write<'_>, input: NewCall) -> AppResult<data_call::Model> {
    let ctx = write.ctx();
    let note = text("note", input.note.as_deref(), Text::optional(500))?;
    let province_id = ctx.actor.province_id;
    let form = forms::resolve(
        &**write,
        province_id,
        &input.form_code,
        input.form_version,
        "formCode",
    )
    .await?;
    let form = forms::with_config(form, ctx.config);
    let deadline = input
        .deadline
        .or_else(|| default_at(form.default_due_time, input.period))
        .ok_or_else(|| {
            AppError::bad_input("deadline", "required: the form sets no default time")
        })?;
    let aggregate = input
        .aggregate_deadline
        .or_else(|| default_at(form.default_aggregate_time, input.period));
    if aggregate.is_some_and(|a| a < deadline) {
        return Err(AppError::bad_input(
            "aggregateDeadline",
            "before the addressees' deadline: the aggregate is built from their answers",
        ));
    }
    let title = text("title", input.title.as_deref(), Text::optional(200))?
        .unwrap_or_else(|| format!("{} {}", form.name, input.period.format("%d/%m/%Y")));
    for code in &input.district_codes {
        let d = lookup::by_code(&**write, code)
            .await
            .map_err(|_| AppError::bad_input("districtCodes", format!("no district {code}")))?;
        if d.province_id != province_id {
            return Err(AppError::bad_input(
                "districtCodes",
                format!("district {code} is in another province"),
            ));
        }
    }
    let compiler = match &input.compiler_agency_code {
        Some(code) => agencies::by_code(&**write, code)
            .await
            .map_err(|_| AppError::bad_input("compilerAgencyCode", format!("no agency {code}")))?,
        None => agencies::by_code(&**write, &ctx.actor.agency_code).await?,
    };
    let compiles = compiler.province_id == province_id
        && compiler.district_id.is_none()
        && matches!(
            compiler.kind,
            AgencyKind::Health | AgencyKind::SteeringCommittee
        );
    if !compiles {
        return Err(AppError::bad_input(
            "compilerAgencyCode",
            "a province-level HEALTH or STEERING_COMMITTEE agency of the province compiles",
        ));
    }
    let kinds: Vec<&str> = input.addressee_kinds.iter().map(|k| k.as_str()).collect();
    let call = data_call::ActiveModel {
        id: NotSet,
        province_id: Set(province_id),
        form_code: Set(form.code.clone()),
        form_version: Set(form.version),
        title: Set(title),
        period: Set(input.period),
        addressee_kinds: Set(kinds.join(",")),
        addressee_level: Set(input.addressee_level),
        district_codes: Set(
            (!input.district_codes.is_empty()).then(|| input.district_codes.join(","))
        ),
        deadline: Set(deadline),
        aggregate_deadline: Set(aggregate),
        compiler_agency_id: Set(compiler.id),
        note: Set(note),
        issued_by: Set(ctx.actor.label()),
        created_at: Set(write.now()),
    }
    .insert(&**write)
    .await?;
    write
        .audit_created("data_call.create", "data_call", call.id, &call)
        .await?;
    Ok(call)
}

/// The agency kinds a call addresses.
pub fn kinds(call: &data_call::Model) -> Vec<AgencyKind> {
    call.addressee_kinds
        .split(',')
        .filter_map(AgencyKind::parse)
        .collect()
}

/// The districts a call names; every district when `None`.
pub fn districts(call: &data_call::Model) -> Option<Vec<&str>> {
    call.district_codes
        .as_deref()
        .map(|c| c.split(',').collect())
}

/// Whether the call addresses an agency (of kind, level, district; enabled or not).
pub fn addresses(call: &data_call::Model, a: &agency::Model, district_code: Option<&str>) -> bool {
    let level_ok = match (call.addressee_level, a.district_id) {
        (AddresseeLevel::Province, None) | (AddresseeLevel::Any, None) => true,
        (AddresseeLevel::District | AddresseeLevel::Any, Some(_)) => {
            districts(call).is_none_or(|codes| district_code.is_some_and(|d| codes.contains(&d)))
        }
        (AddresseeLevel::Province, Some(_)) | (AddresseeLevel::District, None) => false,
    };
    a.province_id == call.province_id && kinds(call).contains(&a.kind) && level_ok
}

/// Whether the call addresses the caller's agency.
pub fn addresses_actor(call: &data_call::Model, actor: &Actor) -> bool {
    let agency = agency::Model {
        id: actor.agency_id,
        code: actor.agency_code.clone(),
        name: String::new(),
        kind: actor.agency_kind,
        province_id: actor.province_id,
        district_id: actor.district_id,
        version: 0,
        disabled_at: None,
        sector: None,
        created_at: call.created_at,
        updated_at: call.created_at,
    };
    addresses(call, &agency, actor.district_code.as_deref())
}

/// The enabled agencies a call addresses, with their district's code, by agency code.
pub async fn addressees(
    conn: &impl ConnectionTrait,
    call: &data_call::Model,
) -> AppResult<Vec<(agency::Model, Option<district::Model>)>> {
    let rows = agency::Entity::find()
        .filter(agency::Column::ProvinceId.eq(call.province_id))
        .filter(agency::Column::Kind.is_in(kinds(call)))
        .filter(agency::Column::DisabledAt.is_null())
        .find_also_related(district::Entity)
        .order_by_asc(agency::Column::Code)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(a, d)| addresses(call, a, d.as_ref().map(|d| d.code.as_str())))
        .collect())
}

/// The call `id` of the caller's province; NOT_FOUND otherwise.
pub async fn of_province(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    id: i32,
) -> AppResult<data_call::Model> {
    data_call::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|c| c.province_id == actor.province_id)
        .ok_or_else(|| AppError::not_found("call", id))
}

/// The call `id` if the caller may read it: the whole province's calls for HEALTH, STEERING_COMMITTEE
/// and ADMINISTRATION at province level, the calls addressed to it for the others. NOT_FOUND otherwise.
pub async fn readable(ctx: &Ctx<'_>, id: i32) -> AppResult<(data_call::Model, Scope)> {
    let scope = policy::require(ctx.actor, Resource::Call, Action::Read)?;
    let call = of_province(ctx.db, ctx.actor, id).await?;
    if matches!(scope, Scope::Province { .. }) || addresses_actor(&call, ctx.actor) {
        Ok((call, scope))
    } else {
        Err(AppError::not_found("call", id))
    }
}

/// The form a call asks for.
pub async fn form_of(conn: &impl ConnectionTrait, call: &data_call::Model) -> AppResult<Form> {
    forms::resolve(
        conn,
        call.province_id,
        &call.form_code,
        Some(call.form_version),
        "formCode",
    )
    .await
}

/// Which calls to list.
#[derive(Debug, Clone, Default)]
pub struct CallFilter {
    /// Only calls for this form.
    pub form_code: Option<String>,
    /// Only calls whose aggregate is due (an aggregate deadline is set).
    pub with_aggregate: bool,
}

/// Calls the caller may read, by id: every call of the province for the province's readers, those
/// addressed to the caller for the others.
impl ScopedList for CallFilter {
    type Entity = data_call::Entity;
    const RESOURCE: Resource = Resource::Call;

    async fn rows(&self, ctx: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        let mut cond =
            Condition::all().add(data_call::Column::ProvinceId.eq(ctx.actor.province_id));
        if !matches!(scope, Scope::Province { .. }) {
            cond = cond.add(addressed_to(ctx.actor));
        }
        if let Some(code) = &self.form_code {
            cond = cond.add(data_call::Column::FormCode.eq(code.as_str()));
        }
        if self.with_aggregate {
            cond = cond.add(data_call::Column::AggregateDeadline.is_not_null());
        }
        Ok(Some(cond))
    }
}

kit::scoped_list!(list: CallFilter);

/// The calls that address the caller's agency, as SQL: [`addresses`] for the rows of a list.
fn addressed_to(actor: &Actor) -> Condition {
    let kind = listed(
        data_call::Column::AddresseeKinds,
        actor.agency_kind.as_str(),
    );
    let level = match actor.district_code.as_deref() {
        None => Condition::any()
            .add(data_call::Column::AddresseeLevel.eq(AddresseeLevel::Province))
            .add(data_call::Column::AddresseeLevel.eq(AddresseeLevel::Any)),
        Some(code) => Condition::all()
            .add(data_call::Column::AddresseeLevel.ne(AddresseeLevel::Province))
            .add(
                Condition::any()
                    .add(data_call::Column::DistrictCodes.is_null())
                    .add(listed(data_call::Column::DistrictCodes, code)),
            ),
    };
    Condition::all().add(kind).add(level)
}

/// Whether a comma-separated column names `item` as a whole entry ("380", never "3801").
fn listed(column: data_call::Column, item: &str) -> Condition {
    Condition::any()
        .add(column.eq(item))
        .add(column.like(format!("{item},%")))
        .add(column.like(format!("%,{item}")))
        .add(column.like(format!("%,{item},%")))
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{Expr, Query, SqliteQueryBuilder};
    use sea_orm::{ConnectionTrait, Database, Statement};

    use super::*;

    /// Whether `listed(district_codes, "380")` keeps a row whose column holds `codes`.
    async fn keeps(codes: &str) -> bool {
        let db = Database::connect("sqlite::memory:").await.expect("sqlite");
        let condition = listed(data_call::Column::DistrictCodes, "380");
        let (sql, values) = Query::select()
            .expr(Expr::val(1))
            .from_subquery(
                Query::select()
                    .expr_as(Expr::val(codes), data_call::Column::DistrictCodes)
                    .to_owned(),
                "data_call",
            )
            .cond_where(condition)
            .build(SqliteQueryBuilder);
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                sql,
                values,
            ))
            .await
            .expect("query");
        !rows.is_empty()
    }

    #[tokio::test]
    async fn a_listed_item_is_matched_as_a_whole_entry() {
        for (codes, kept) in [
            ("380", true),
            ("380,381", true),
            ("381,380", true),
            ("381,380,382", true),
            ("3801", false),
            ("381,13800", false),
            ("", false),
        ] {
            assert_eq!(keeps(codes).await, kept, "{codes}");
        }
    }
}

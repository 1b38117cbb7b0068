//! What the stock looks like: lots and ledger rows in the caller's scope, the lots shown under a
//! district, stock per district and vaccine, lots close to expiry.

use std::sync::LazyLock;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{StockEventKind, district, province, stock_event, vaccine, vaccine_lot};
use sea_orm::sea_query::{
    Alias, ArrayType, Expr, ExprTrait, Query, SelectStatement, UnionType, Value,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    IdenStatic, Iterable, Order, QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait,
    Statement,
};

use crate::districts::lookup::in_district;
use crate::error::{AppError, AppResult};
use crate::kit::{self, Ctx, ScopedList, with_code};
use crate::policy::{self, Resource, Scope};

#[derive(Debug, Clone, Default)]
pub struct LotFilter {
    pub district_code: Option<String>,
    pub vaccine_code: Option<String>,
    pub expiring_within_days: Option<i64>,
    pub include_empty: bool,
    pub include_expired: bool,
}

/// Lots in the caller's scope, by id.
impl ScopedList for LotFilter {
    type Entity = vaccine_lot::Entity;
    const RESOURCE: Resource = Resource::Stock;

    async fn rows(&self, ctx: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        use vaccine_lot::Column as L;
        let today = ctx.today();
        let mut cond = Condition::all().add(scope.district_filter(L::DistrictId));
        if let Some(code) = &self.district_code {
            cond = cond.add(in_district(L::DistrictId, code.as_str()));
        }
        if let Some(code) = &self.vaccine_code {
            cond = cond.add(with_code::<vaccine::Entity>(L::VaccineId, code));
        }
        if let Some(days) = self.expiring_within_days {
            if !(0..=3650).contains(&days) {
                return Err(AppError::bad_input("expiringWithinDays", "0 to 3650"));
            }
            cond = cond.add(L::ExpiresOn.lte(today + Duration::days(days)));
        }
        let usable = usable_lots(self.include_empty, self.include_expired, today);
        Ok(Some(cond.add(usable)))
    }
}

kit::scoped_list!(list_lots: LotFilter);

/// Lots still holding doses and not expired on `today`, unless asked to include those too.
fn usable_lots(include_empty: bool, include_expired: bool, today: NaiveDate) -> Condition {
    let mut cond = Condition::all();
    if !include_expired {
        cond = cond.add(vaccine_lot::Column::ExpiresOn.gte(today));
    }
    if !include_empty {
        cond = cond.add(vaccine_lot::Column::DosesOnHand.gt(0));
    }
    cond
}

/// Which of a district's lots to show under it: the first `first` by id, usable on `today` unless the
/// flags say otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LotSlice {
    pub first: u64,
    pub include_empty: bool,
    pub include_expired: bool,
    pub today: NaiveDate,
}

/// The lots of `district` to show the caller under it: `first` (1 to 100) of them, keyed for
/// [`first_lots_of_districts`]. `None` when the caller may not read the district's stock.
pub fn district_lots(
    ctx: &Ctx<'_>,
    district: &district::Model,
    first: i32,
    include_empty: bool,
    include_expired: bool,
) -> AppResult<Option<(i32, LotSlice)>> {
    let Ok(first @ 1..=100) = u64::try_from(first) else {
        return Err(AppError::bad_input("first", "must be between 1 and 100"));
    };
    let readable = policy::read_scope(ctx.actor, Resource::Stock)
        .is_some_and(|scope| scope.covers_district(district.id, district.province_id));
    Ok(readable.then(|| {
        let slice = LotSlice {
            first,
            include_empty,
            include_expired,
            today: ctx.today(),
        };
        (district.id, slice)
    }))
}

/// The first lots of each district, in one statement whatever the number of districts: one index range
/// (district, id) per district. The caller has checked the reader may see them ([`district_lots`]).
pub async fn first_lots_of_districts<C: ConnectionTrait>(
    db: &C,
    district_ids: &[i32],
    slice: LotSlice,
) -> AppResult<Vec<vaccine_lot::Model>> {
    if district_ids.is_empty() {
        return Ok(Vec::new());
    }
    let statement = first_lots_statement(db.get_database_backend(), district_ids, slice);
    let lots = LotByPosition::find_by_statement(statement).all(db).await?;
    Ok(lots.into_iter().map(|lot| lot.0).collect())
}

/// The statement of [`first_lots_of_districts`] on `backend` (public for the test that reads its
/// plan). `district_ids` is not empty.
pub fn first_lots_statement(
    backend: DbBackend,
    district_ids: &[i32],
    slice: LotSlice,
) -> Statement {
    match backend {
        DbBackend::Postgres => lateral_first_lots(district_ids, slice),
        backend => backend.build(&united_first_lots(district_ids, slice)),
    }
}

/// PostgreSQL: the district ids as one array parameter, each district's range read by a lateral
/// subquery. The text is the same for any number of districts, so it is prepared once per connection
/// and planned without a parameter per district. Written out rather than built from [`usable_lots`]:
/// built that way (the bound on doses a parameter, an inner join on TRUE), the same read measured a
/// quarter fewer requests per second (`lienthong-bench peer-serve` and wrk, 2026-12-02).
fn lateral_first_lots(district_ids: &[i32], slice: LotSlice) -> Statement {
    static COLUMNS: LazyLock<String> = LazyLock::new(|| {
        vaccine_lot::Column::iter()
            .map(|column| format!("v.\"{}\"", column.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let mut usable = String::new();
    if !slice.include_expired {
        usable.push_str(" AND expires_on >= $3");
    }
    if !slice.include_empty {
        usable.push_str(" AND doses_on_hand > 0");
    }
    let sql = format!(
        "SELECT {columns} FROM unnest($1::int4[]) AS k(district_id) CROSS JOIN LATERAL \
         (SELECT * FROM vaccine_lot WHERE district_id = k.district_id{usable} ORDER BY id LIMIT $2) AS v \
         ORDER BY v.id",
        columns = *COLUMNS,
    );
    let ids = district_ids.iter().map(|&id| Value::from(id)).collect();
    let mut values = vec![
        Value::Array(ArrayType::Int, Some(Box::new(ids))),
        Value::from(slice.first),
    ];
    if !slice.include_expired {
        values.push(Value::from(slice.today));
    }
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// One district's usable lots in id order, the first `slice.first` of them; the caller picks the
/// columns.
fn district_range(district: Expr, slice: LotSlice) -> SelectStatement {
    Query::select()
        .from(vaccine_lot::Entity)
        .and_where(Expr::col((vaccine_lot::Entity, vaccine_lot::Column::DistrictId)).eq(district))
        .cond_where(usable_lots(
            slice.include_empty,
            slice.include_expired,
            slice.today,
        ))
        .order_by(vaccine_lot::Column::Id, Order::Asc)
        .limit(slice.first)
        .to_owned()
}

/// Elsewhere (SQLite): one index range per district, united.
fn united_first_lots(district_ids: &[i32], slice: LotSlice) -> SelectStatement {
    let mut ids = district_ids.iter().map(|&district_id| {
        let head = district_range(Expr::val(district_id), slice)
            .column(vaccine_lot::Column::Id)
            .to_owned();
        // Wrapped, since SQLite takes no LIMIT inside a compound select's arms.
        Query::select()
            .column(Alias::new("id"))
            .from_subquery(head, Alias::new("head"))
            .to_owned()
    });
    let mut united = ids
        .next()
        .unwrap_or_else(|| unreachable!("checked non-empty"));
    united.unions(ids.map(|arm| (UnionType::All, arm)));
    vaccine_lot::Entity::find()
        .filter(vaccine_lot::Column::Id.in_subquery(united))
        .order_by_asc(vaccine_lot::Column::Id)
        .into_query()
}

/// A lot read by column position, for the nested lists that read hundreds at a time: a name costs a
/// hash and a compare per column of every row. `vaccine_lot::Entity::find()` selects the columns in the
/// order the fields below are read in (a test holds it to the entity).
struct LotByPosition(vaccine_lot::Model);

impl FromQueryResult for LotByPosition {
    fn from_query_result(row: &QueryResult, _: &str) -> Result<Self, DbErr> {
        Ok(LotByPosition(vaccine_lot::Model {
            id: row.try_get_by_index(0)?,
            lot_number: row.try_get_by_index(1)?,
            vaccine_id: row.try_get_by_index(2)?,
            district_id: row.try_get_by_index(3)?,
            expires_on: row.try_get_by_index(4)?,
            doses_on_hand: row.try_get_by_index(5)?,
            doses_reserved: row.try_get_by_index(6)?,
            allocation_ref: row.try_get_by_index(7)?,
            version: row.try_get_by_index(8)?,
            created_at: row.try_get_by_index(9)?,
            updated_at: row.try_get_by_index(10)?,
        }))
    }
}

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub lot_id: Option<i32>,
    pub district_code: Option<String>,
    pub kind: Option<StockEventKind>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Ledger rows of lots in the caller's scope, by id.
impl ScopedList for EventFilter {
    type Entity = stock_event::Entity;
    const RESOURCE: Resource = Resource::Stock;

    async fn rows(&self, _: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        use stock_event::Column as E;
        let mut lots = Query::select()
            .column(vaccine_lot::Column::Id)
            .from(vaccine_lot::Entity)
            .cond_where(scope.district_filter(vaccine_lot::Column::DistrictId))
            .to_owned();
        if let Some(code) = &self.district_code {
            lots.and_where(in_district(vaccine_lot::Column::DistrictId, code.as_str()));
        }
        Ok(Some(
            Condition::all()
                .add(E::LotId.in_subquery(lots))
                .add_option(self.lot_id.map(|id| E::LotId.eq(id)))
                .add_option(self.kind.map(|kind| E::Kind.eq(kind)))
                .add_option(self.from.map(|from| E::At.gte(from)))
                .add_option(self.to.map(|to| E::At.lt(to))),
        ))
    }
}

kit::scoped_list!(list_events: EventFilter);

/// Stock of one vaccine in one district.
#[derive(Debug, Clone, FromQueryResult)]
pub struct StockLine {
    pub district_id: i32,
    pub vaccine_id: i32,
    pub lots: i64,
    pub doses_on_hand: i64,
    pub doses_reserved: i64,
    /// Doses in lots that expire within 30 days.
    pub doses_expiring_30_days: i64,
}

impl StockLine {
    /// On hand less reserved.
    pub fn doses_available(&self) -> i64 {
        self.doses_on_hand - self.doses_reserved
    }
}

/// Stock per district and vaccine (usable lots only: not expired), in the caller's scope.
#[tracing::instrument(skip_all)]
pub async fn stock_summary(
    ctx: &Ctx<'_>,
    province_code: Option<&str>,
) -> AppResult<Vec<StockLine>> {
    use vaccine_lot::Column as L;
    let Some(scope) = policy::read_scope(ctx.actor, Resource::Stock) else {
        return Ok(Vec::new());
    };
    let today = ctx.today();
    let soon = today + Duration::days(30);
    let mut cond = Condition::all()
        .add(scope.district_filter(L::DistrictId))
        .add(L::ExpiresOn.gte(today));
    if let Some(code) = province_code {
        cond = cond.add(L::DistrictId.in_subquery(districts_of_province(code)));
    }
    let expiring =
        Expr::case(Expr::col(L::ExpiresOn).lte(soon), Expr::col(L::DosesOnHand)).finally(0);
    Ok(vaccine_lot::Entity::find()
        .select_only()
        .column(L::DistrictId)
        .column(L::VaccineId)
        .column_as(Expr::col(L::Id).count(), "lots")
        .column_as(
            Expr::col(L::DosesOnHand).sum().cast_as("BIGINT"),
            "doses_on_hand",
        )
        .column_as(
            Expr::col(L::DosesReserved).sum().cast_as("BIGINT"),
            "doses_reserved",
        )
        .column_as(expiring.sum().cast_as("BIGINT"), "doses_expiring_30_days")
        .filter(cond)
        .group_by(L::DistrictId)
        .group_by(L::VaccineId)
        .order_by_asc(L::DistrictId)
        .order_by_asc(L::VaccineId)
        .into_model::<StockLine>()
        .all(ctx.db)
        .await?)
}

/// Ids of the districts of the province with this code.
fn districts_of_province(code: &str) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(district::Column::Id)
        .from(district::Entity)
        .and_where(
            Expr::col(district::Column::ProvinceId).in_subquery(
                Query::select()
                    .column(province::Column::Id)
                    .from(province::Entity)
                    .and_where(Expr::col(province::Column::Code).eq(code))
                    .to_owned(),
            ),
        )
        .to_owned()
}

/// Lots with doses left that expire within `within_days` (today included), soonest first.
#[tracing::instrument(skip_all)]
pub async fn expiring_lots(ctx: &Ctx<'_>, within_days: i64) -> AppResult<Vec<vaccine_lot::Model>> {
    if !(0..=3650).contains(&within_days) {
        return Err(AppError::bad_input("withinDays", "0 to 3650"));
    }
    let Some(scope) = policy::read_scope(ctx.actor, Resource::Stock) else {
        return Ok(Vec::new());
    };
    let today = ctx.today();
    Ok(vaccine_lot::Entity::find()
        .filter(scope.district_filter(vaccine_lot::Column::DistrictId))
        .filter(vaccine_lot::Column::ExpiresOn.gte(today))
        .filter(vaccine_lot::Column::ExpiresOn.lte(today + Duration::days(within_days)))
        .filter(vaccine_lot::Column::DosesOnHand.gt(0))
        .order_by_asc(vaccine_lot::Column::ExpiresOn)
        .order_by_asc(vaccine_lot::Column::Id)
        .limit(1000)
        .all(ctx.db)
        .await?)
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::Iden;
    use sea_orm::{EntityTrait, Iterable};

    use super::*;

    /// The columns of `vaccine_lot`, in the order the entity selects them.
    const LOT_COLUMNS: [&str; 11] = [
        "id",
        "lot_number",
        "vaccine_id",
        "district_id",
        "expires_on",
        "doses_on_hand",
        "doses_reserved",
        "allocation_ref",
        "version",
        "created_at",
        "updated_at",
    ];

    #[test]
    fn lots_are_read_in_the_order_the_entity_selects_them() {
        let selected: Vec<String> = <vaccine_lot::Entity as EntityTrait>::Column::iter()
            .map(|column| column.unquoted().to_owned())
            .collect();
        assert_eq!(selected, LOT_COLUMNS);
    }

    /// On PostgreSQL the statement's text does not depend on how many districts are asked for: one
    /// array parameter, then the limit and the day.
    #[test]
    fn the_lateral_statement_is_one_text_for_any_number_of_districts() {
        let slice = LotSlice {
            first: 10,
            include_empty: false,
            include_expired: false,
            today: NaiveDate::from_ymd_opt(2021, 9, 1).expect("date"),
        };
        let few = first_lots_statement(DbBackend::Postgres, &[1, 2], slice);
        let many =
            first_lots_statement(DbBackend::Postgres, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], slice);
        assert_eq!(few.sql, many.sql);
        assert!(
            few.sql.contains("unnest($1::int4[])") && few.sql.contains("JOIN LATERAL"),
            "{}",
            few.sql
        );
        assert_eq!(many.values.map(|v| v.0.len()), Some(3), "ids, limit, day");
    }
}

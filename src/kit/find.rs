//! Finding one record by a unique column (id or code): one query and one answer, NOT_FOUND, for a key
//! that no row holds.

use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Value};

use crate::error::{AppError, AppResult};

/// A table of records with an id, and what one of them is called in messages.
pub trait Record: EntityTrait {
    /// What a record is called in messages ("district", "transfer").
    const NAME: &'static str;
    const ID: Self::Column;
}

/// A table whose records are also known by a unique code (a GSO code, a product code).
pub trait Coded: Record {
    const CODE: Self::Column;
}

/// The record of `E` whose unique `column` holds `key`; NOT_FOUND, naming it `name`, when none does.
/// Asks no permission: the caller has.
pub async fn find_by<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    column: E::Column,
    key: impl Into<Value> + Clone + std::fmt::Display,
    name: &'static str,
) -> AppResult<E::Model> {
    E::find()
        .filter(column.eq(key.clone()))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found(name, key))
}

/// The record with this id; NOT_FOUND when there is none.
pub async fn by_id<E: Record>(
    conn: &impl ConnectionTrait,
    id: impl Into<Value> + Clone + std::fmt::Display,
) -> AppResult<E::Model> {
    find_by::<E>(conn, E::ID, id, E::NAME).await
}

/// The record with this code; NOT_FOUND when there is none.
pub async fn by_code<E: Coded>(conn: &impl ConnectionTrait, code: &str) -> AppResult<E::Model> {
    find_by::<E>(conn, E::CODE, code, E::NAME).await
}

/// The record with the code the input field `field` gives; BAD_USER_INPUT on that field when there
/// is none (the caller named it, so it is the input at fault, not a missing page).
pub async fn by_code_from<E: Coded>(
    conn: &impl ConnectionTrait,
    field: &str,
    code: &str,
) -> AppResult<E::Model> {
    match by_code::<E>(conn, code).await {
        Err(AppError::NotFound { .. }) => {
            Err(AppError::bad_input(field, format!("no {} {code}", E::NAME)))
        }
        found => found,
    }
}

/// Rows whose `column` holds the id of the `E` with this code, as a filter.
pub fn with_code<E: Coded>(column: impl ColumnTrait, code: &str) -> SimpleExpr {
    column.in_subquery(
        Query::select()
            .column(E::ID)
            .from(E::default())
            .and_where(Expr::col(E::CODE).eq(code))
            .to_owned(),
    )
}

macro_rules! records {
    ($($module:ident: $name:literal),* $(,)?) => {$(
        impl Record for entity::$module::Entity {
            const NAME: &'static str = $name;
            const ID: Self::Column = entity::$module::Column::Id;
        }
    )*};
}

records!(
    agency: "agency",
    alert: "alert",
    call_answer: "answer",
    checkpoint: "checkpoint",
    district: "district",
    report: "report",
    report_call: "report call",
    screening: "screening",
    stock_event: "stock event",
    transfer: "transfer",
    vaccine: "vaccine",
    vaccine_lot: "lot",
);

macro_rules! coded {
    ($($module:ident),* $(,)?) => {$(
        impl Coded for entity::$module::Entity {
            const CODE: Self::Column = entity::$module::Column::Code;
        }
    )*};
}

coded!(agency, checkpoint, district, vaccine);

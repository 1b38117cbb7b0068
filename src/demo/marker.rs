//! The demo's mark on a database (`instance_marker` row `data_set = demo`), written with the demo's
//! places, so `serve --demo` can tell the demo's database from a province's real one.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult};

use crate::error::AppResult;

const TABLE: &str = "instance_marker";
const NAME: &str = "data_set";
const DEMO: &str = "demo";

/// Marks the database as holding the demo set.
pub async fn mark_demo(db: &DatabaseConnection) -> AppResult<()> {
    let insert = Query::insert()
        .into_table(Alias::new(TABLE))
        .columns([
            Alias::new("name"),
            Alias::new("value"),
            Alias::new("created_at"),
        ])
        .values_panic([NAME.into(), DEMO.into(), Expr::value(chrono::Utc::now())])
        .on_conflict(
            OnConflict::column(Alias::new("name"))
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Value {
    value: String,
}

/// Whether the database holds the demo's mark.
pub async fn is_demo(db: &DatabaseConnection) -> AppResult<bool> {
    let select = Query::select()
        .column(Alias::new("value"))
        .from(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("name")).eq(NAME))
        .to_owned();
    let found = Value::find_by_statement(db.get_database_backend().build(&select))
        .one(db)
        .await?;
    Ok(found.is_some_and(|v| v.value == DEMO))
}

//! Finding districts by code or id, and filtering rows by the district a code names: the one lookup
//! every domain uses.

use entity::district;
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{ColumnTrait, ConnectionTrait};

use crate::error::AppResult;
use crate::kit;

/// The district with this GSO code; NOT_FOUND when there is none.
pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> AppResult<district::Model> {
    kit::by_code::<district::Entity>(db, code).await
}

/// The district with this id; NOT_FOUND when there is none.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> AppResult<district::Model> {
    kit::by_id::<district::Entity>(db, id).await
}

/// Rows whose district column points at the district with this code, as a filter.
pub fn in_district(column: impl ColumnTrait, code: &str) -> SimpleExpr {
    kit::with_code::<district::Entity>(column, code)
}

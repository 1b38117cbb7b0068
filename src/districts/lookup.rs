//! Finding districts by code or id, and filtering rows by the district a code names: the one lookup
//! every domain uses.

use entity::district;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::{AppError, AppResult};

/// The district with this GSO code; NOT_FOUND when there is none.
pub async fn by_code<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<district::Model> {
    district::Entity::find()
        .filter(district::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("district", code))
}

/// The district with this id; NOT_FOUND when there is none.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<district::Model> {
    district::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("district", id))
}

/// Rows whose district column points at the district with this code, as a filter.
pub fn in_district(column: impl ColumnTrait, code: &str) -> SimpleExpr {
    column.in_subquery(
        Query::select()
            .column(district::Column::Id)
            .from(district::Entity)
            .and_where(Expr::col(district::Column::Code).eq(code))
            .to_owned(),
    )
}

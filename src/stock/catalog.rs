//! The vaccine catalog: the products and their schedules, reference data that only migrations change.

use std::collections::HashMap;
use std::sync::Arc;

use entity::vaccine;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::{AppError, AppResult};

/// The vaccines, read once at start-up, so nesting a vaccine under a lot or transfer costs no query.
#[derive(Debug, Default)]
pub struct VaccineCatalog {
    by_id: HashMap<i32, Arc<vaccine::Model>>,
}

impl VaccineCatalog {
    pub async fn load<C: ConnectionTrait>(db: &C) -> AppResult<VaccineCatalog> {
        let by_id = vaccine::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|v| (v.id, Arc::new(v)))
            .collect();
        Ok(VaccineCatalog { by_id })
    }

    pub fn get(&self, id: i32) -> Option<&Arc<vaccine::Model>> {
        self.by_id.get(&id)
    }

    /// Every vaccine, by id.
    pub fn all(&self) -> impl Iterator<Item = Arc<vaccine::Model>> {
        let mut all: Vec<_> = self.by_id.values().cloned().collect();
        all.sort_by_key(|v| v.id);
        all.into_iter()
    }
}

/// The vaccine with this code; NOT_FOUND when there is none.
pub async fn by_code<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<vaccine::Model> {
    vaccine::Entity::find()
        .filter(vaccine::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("vaccine", code))
}

/// The vaccine with this id; NOT_FOUND when there is none.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<vaccine::Model> {
    vaccine::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("vaccine", id))
}

/// Rows whose vaccine column points at the vaccine with this code, as a filter.
pub fn in_vaccine(column: impl ColumnTrait, code: &str) -> SimpleExpr {
    column.in_subquery(
        Query::select()
            .column(vaccine::Column::Id)
            .from(vaccine::Entity)
            .and_where(Expr::col(vaccine::Column::Code).eq(code))
            .to_owned(),
    )
}

//! Optimistic concurrency, the same for every edited record: an update applies only to the version it
//! read, bumps it, and a record changed in between answers CONFLICT ("reload and retry"), never a lost
//! update, whichever writer changed it and whatever it changed.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, QueryFilter, Value};

use super::find::Record;
use super::write::Write;
use crate::error::{AppError, AppResult};

/// A table whose rows carry `version` and `updated_at` besides their id.
pub trait Versioned: Record {
    const VERSION: Self::Column;
    const UPDATED_AT: Self::Column;
}

/// CONFLICT when the caller said which version it edits and the record is at another.
pub fn check_version(
    name: &str,
    key: impl std::fmt::Display,
    current: i32,
    expected: Option<i32>,
) -> AppResult<()> {
    match expected {
        Some(expected) if expected != current => Err(AppError::Conflict(format!(
            "{name} {key} is at version {current}, not {expected}; reload and retry"
        ))),
        _ => Ok(()),
    }
}

impl Write<'_> {
    /// Writes `row` over the record `id`, provided it is still at `read_version` and meets `also` (a
    /// status it was read in, say); sets the next version and the time of this write, and returns the
    /// record as stored. CONFLICT when it changed since it was read.
    pub async fn update_versioned<E: Versioned>(
        &self,
        id: impl Into<Value> + Clone + std::fmt::Display,
        read_version: i32,
        mut row: E::ActiveModel,
        also: Condition,
    ) -> AppResult<E::Model> {
        // The version and the time are this function's to set.
        row.not_set(E::VERSION);
        row.not_set(E::UPDATED_AT);
        let updated = E::update_many()
            .set(row)
            .col_expr(E::VERSION, Expr::value(read_version + 1))
            .col_expr(E::UPDATED_AT, Expr::value(self.now()))
            .filter(E::ID.eq(id.clone()))
            .filter(E::VERSION.eq(read_version))
            .filter(also)
            .exec(&**self)
            .await?;
        if updated.rows_affected != 1 {
            return Err(AppError::Conflict(format!(
                "{} {id} changed while this request read it; reload and retry",
                E::NAME
            )));
        }
        E::find()
            .filter(E::ID.eq(id.clone()))
            .one(&**self)
            .await?
            .ok_or_else(|| AppError::not_found(E::NAME, id))
    }
}

macro_rules! versioned {
    ($($module:ident),* $(,)?) => {$(
        impl Versioned for entity::$module::Entity {
            const VERSION: Self::Column = entity::$module::Column::Version;
            const UPDATED_AT: Self::Column = entity::$module::Column::UpdatedAt;
        }
    )*};
}

versioned!(
    agency,
    call_answer,
    checkpoint,
    district,
    report,
    transfer,
    vaccine_lot
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_version_is_a_conflict() {
        assert!(check_version("district", "380", 3, None).is_ok());
        assert!(check_version("district", "380", 3, Some(3)).is_ok());
        let err = check_version("district", "380", 4, Some(3)).err();
        assert_eq!(err.map(|e| e.code()), Some("CONFLICT"));
    }
}

//! Column helpers shared by the migrations, so every table spells its bookkeeping columns alike.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
pub enum Common {
    Version,
    CreatedAt,
    UpdatedAt,
}

/// `created_at` and `updated_at`, UTC instants.
pub fn timestamps(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(timestamp_with_time_zone(Common::CreatedAt))
        .col(timestamp_with_time_zone(Common::UpdatedAt))
}

/// `version`, for optimistic concurrency on edited rows.
pub fn version() -> ColumnDef {
    integer(Common::Version).default(1).take()
}

/// A CHECK that a nullable numeric column is null or at least zero.
pub fn non_negative<T: IntoIden + Copy + 'static>(col: T) -> SimpleExpr {
    Expr::col(col).is_null().or(Expr::col(col).gte(0))
}

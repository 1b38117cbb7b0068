//! Posts' figures over a period: screenings counted by day (province time), checkpoint or district.

use chrono::{DateTime, Duration, Utc};
use entity::{Decision, TestKind, TestResult, screening};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    DatabaseBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};

use super::screenings::{self, ScreeningFilter};
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Resource};

/// What the figures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsGroup {
    Day,
    Checkpoint,
    District,
}

/// The group a row of figures stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsKey {
    /// A day, YYYY-MM-DD, province time.
    Day(String),
    Checkpoint(i32),
    District(i32),
}

/// Figures of one group (counts of records unless said otherwise).
#[derive(Debug, Clone)]
pub struct StatsRow {
    pub key: StatsKey,
    pub figures: Figures,
}

/// Counts of one group of screenings.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Figures {
    /// Records (vehicles or groups on foot).
    pub vehicles: i64,
    /// People screened.
    pub people: i64,
    pub declared: i64,
    pub tested: i64,
    pub positive: i64,
    pub turned_back: i64,
    pub quarantined: i64,
    pub referred: i64,
}

#[derive(FromQueryResult)]
struct Grouped {
    key: String,
    #[sea_orm(nested)]
    figures: Figures,
}

/// Screening figures between `from` and `to` (at most a year), in the caller's scope; none when it may
/// read no screenings.
#[tracing::instrument(skip_all)]
pub async fn stats(
    ctx: &Ctx<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    group: StatsGroup,
) -> AppResult<Vec<StatsRow>> {
    if to <= from {
        return Err(AppError::bad_input("to", "must be after from"));
    }
    if to - from > Duration::days(366) {
        return Err(AppError::bad_input("to", "at most a year after from"));
    }
    let Some(scope) = policy::read_scope(ctx.actor, Resource::Screening) else {
        return Ok(Vec::new());
    };
    use screening::Column as S;
    let key = match (group, ctx.db.get_database_backend()) {
        (StatsGroup::Day, DatabaseBackend::Postgres) => {
            Expr::cust("to_char(recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')")
        }
        (StatsGroup::Day, _) => Expr::cust("date(recorded_at, '+7 hours')"),
        (StatsGroup::Checkpoint, _) => Expr::col(S::CheckpointId).cast_as("TEXT"),
        (StatsGroup::District, _) => Expr::col(S::DistrictId).cast_as("TEXT"),
    };
    // Each figure past the first two: the records that meet a condition.
    let counted: [(&str, SimpleExpr); 6] = [
        ("declared", Expr::col(S::HealthDeclared).eq(true)),
        ("tested", Expr::col(S::TestKind).ne(TestKind::None.as_str())),
        (
            "positive",
            Expr::col(S::TestResult).eq(TestResult::Positive.as_str()),
        ),
        (
            "turned_back",
            Expr::col(S::Decision).eq(Decision::TurnedBack.as_str()),
        ),
        (
            "quarantined",
            Expr::col(S::Decision).eq(Decision::Quarantined.as_str()),
        ),
        (
            "referred",
            Expr::col(S::Decision).eq(Decision::ReferredToHealth.as_str()),
        ),
    ];
    let filter = ScreeningFilter {
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    let mut select = screening::Entity::find()
        .select_only()
        .column_as(key.clone(), "key")
        .column_as(Expr::col(S::Id).count(), "vehicles")
        .column_as(Expr::col(S::PeopleCount).sum().cast_as("BIGINT"), "people");
    for (name, condition) in counted {
        let count = Expr::case(condition, 1).finally(0).sum().cast_as("BIGINT");
        select = select.column_as(count, name);
    }
    let rows = select
        .filter(screenings::condition(scope, &filter))
        .group_by(key.clone())
        .order_by_asc(key)
        .into_model::<Grouped>()
        .all(ctx.db)
        .await?;
    rows.into_iter().map(|row| keyed(row, group)).collect()
}

fn keyed(row: Grouped, group: StatsGroup) -> AppResult<StatsRow> {
    let id = || {
        row.key
            .parse()
            .map_err(|_| AppError::Internal(format!("stats key {}", row.key)))
    };
    let key = match group {
        StatsGroup::Day => StatsKey::Day(row.key.clone()),
        StatsGroup::Checkpoint => StatsKey::Checkpoint(id()?),
        StatsGroup::District => StatsKey::District(id()?),
    };
    Ok(StatsRow {
        key,
        figures: row.figures,
    })
}

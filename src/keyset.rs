//! Keyset pagination for every list: a stable order (by id, or by time then id), `first` rows after a
//! position, one extra row fetched to know whether another page follows, and the total counted only when
//! asked. A page costs the same wherever it starts: no OFFSET, only an index range.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::error::{AppError, AppResult};

/// A row's place in its list's order: the time it is sorted by (lists ordered by time), then its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Nanoseconds since the epoch, for lists ordered by time; `None` for lists ordered by id. The
    /// instant exactly as stored (SQLite keeps what it was given, to the nanosecond), so a row never
    /// sorts after its own cursor.
    pub at: Option<i128>,
    pub id: i64,
}

impl Position {
    pub fn id(id: i64) -> Position {
        Position { at: None, id }
    }

    pub fn time(at: DateTime<Utc>, id: i64) -> Position {
        Position {
            at: Some(i128::from(at.timestamp()) * NANOS + i128::from(at.timestamp_subsec_nanos())),
            id,
        }
    }
}

/// The order of a list; every order ends in the id, so it is total and stable.
#[derive(Debug, Clone, Copy)]
pub enum Order<C> {
    Id(C),
    TimeThenId { time: C, id: C },
}

const NANOS: i128 = 1_000_000_000;

/// The instant of a cursor's nanoseconds; `None` outside chrono's range.
fn instant(nanos: i128) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(nanos.div_euclid(NANOS)).ok()?;
    let sub = u32::try_from(nanos.rem_euclid(NANOS)).ok()?;
    DateTime::from_timestamp(secs, sub)
}

pub const DEFAULT_PAGE_SIZE: u64 = 50;
pub const MAX_PAGE_SIZE: u64 = 500;

/// Which page: up to `first` rows after the position `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<Position>,
    pub want_total: bool,
}

impl PageRequest {
    /// Validates `first` (1 to 500, default 50).
    pub fn new(
        first: Option<i32>,
        after: Option<Position>,
        want_total: bool,
    ) -> AppResult<PageRequest> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n >= 1 && (n as u64) <= MAX_PAGE_SIZE => n as u64,
            Some(_) => {
                return Err(AppError::bad_input(
                    "first",
                    format!("must be between 1 and {MAX_PAGE_SIZE}"),
                ));
            }
        };
        Ok(PageRequest {
            first,
            after,
            want_total,
        })
    }
}

/// One page of rows, each with its keyset position.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<(Position, T)>,
    pub has_next: bool,
    pub has_previous: bool,
    pub total: Option<u64>,
}

impl<T> Page<T> {
    pub fn empty() -> Page<T> {
        Page {
            items: Vec::new(),
            has_next: false,
            has_previous: false,
            total: Some(0),
        }
    }

    pub fn map<U>(self, f: impl Fn(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(|(k, t)| (k, f(t))).collect(),
            has_next: self.has_next,
            has_previous: self.has_previous,
            total: self.total,
        }
    }
}

/// A table listed page by page: the order of its lists and a row's place in that order.
pub trait Listed: EntityTrait<Model: Sync> {
    const ORDER: Order<Self::Column>;
    fn position(row: &Self::Model) -> Position;
}

/// Tables listed by id.
macro_rules! by_id {
    ($($module:ident),* $(,)?) => {$(
        impl Listed for entity::$module::Entity {
            const ORDER: Order<Self::Column> = Order::Id(entity::$module::Column::Id);
            fn position(row: &Self::Model) -> Position {
                Position::id(i64::from(row.id))
            }
        }
    )*};
}

by_id!(
    agency,
    alert,
    api_token,
    audit_event,
    call_answer,
    checkpoint,
    data_call,
    district,
    persisted_operation,
    report,
    report_call,
    stock_event,
    transfer,
    vaccine_lot,
);

/// Fetches one page of `select` in its table's order.
pub async fn fetch<E: Listed>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    request: PageRequest,
) -> AppResult<Page<E::Model>> {
    let total = if request.want_total {
        Some(select.clone().count(db).await?)
    } else {
        None
    };
    let bad_cursor = || AppError::bad_input("after", "not a cursor of this list");
    let page_select = match E::ORDER {
        Order::Id(id) => {
            let select = select.order_by_asc(id);
            match request.after {
                None => select,
                Some(Position {
                    at: None,
                    id: after,
                }) => select.filter(id.gt(after)),
                Some(_) => return Err(bad_cursor()),
            }
        }
        Order::TimeThenId { time, id } => {
            let select = select.order_by_asc(time).order_by_asc(id);
            match request.after {
                None => select,
                Some(Position {
                    at: Some(at),
                    id: after,
                }) => {
                    let at = instant(at).ok_or_else(bad_cursor)?;
                    // A row value comparison, which both engines answer from the (time, id) index.
                    select.filter(
                        Expr::tuple([Expr::col(time), Expr::col(id)])
                            .gt(Expr::tuple([Expr::val(at), Expr::val(after)])),
                    )
                }
                Some(_) => return Err(bad_cursor()),
            }
        }
    };
    let mut rows = page_select.limit(request.first + 1).all(db).await?;
    let has_next = rows.len() as u64 > request.first;
    rows.truncate(request.first as usize);
    Ok(Page {
        items: rows.into_iter().map(|m| (E::position(&m), m)).collect(),
        has_next,
        has_previous: request.after.is_some(),
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_position_keeps_the_instant_to_the_nanosecond() {
        for text in [
            "2021-08-01T07:45:00.123456789+07:00",
            "2021-08-01T07:45:00+07:00",
            "1969-12-31T23:59:59.999999999Z",
        ] {
            let at = DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc));
            let at = at.ok().unwrap_or_default();
            let position = Position::time(at, 7);
            assert_eq!(position.at.and_then(instant), Some(at), "{text}");
        }
    }

    #[test]
    fn page_size_is_bounded() {
        assert_eq!(
            PageRequest::new(None, None, false).map(|p| p.first).ok(),
            Some(50)
        );
        assert!(PageRequest::new(Some(0), None, false).is_err());
        assert!(PageRequest::new(Some(501), None, false).is_err());
        assert!(PageRequest::new(Some(-3), None, false).is_err());
        assert_eq!(
            PageRequest::new(Some(500), None, false)
                .map(|p| p.first)
                .ok(),
            Some(500)
        );
    }
}

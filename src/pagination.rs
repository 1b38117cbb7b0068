//! Keyset pagination for every list: a stable order by id, `first` rows after a cursor, one extra row
//! fetched to know whether another page follows, and the total counted only when asked.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: u64 = 50;
pub const MAX_PAGE_SIZE: u64 = 500;

/// Which page: up to `first` rows whose id is greater than `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<i64>,
    pub want_total: bool,
}

impl PageRequest {
    /// Validates `first` (1 to 500, default 50).
    pub fn new(first: Option<i32>, after: Option<i64>, want_total: bool) -> AppResult<PageRequest> {
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
    pub items: Vec<(i64, T)>,
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

/// Fetches one page of `select`, ordered by `id_col`, the key `key` reads back from each row.
pub async fn fetch<E, C>(
    db: &C,
    select: Select<E>,
    id_col: E::Column,
    request: PageRequest,
    key: impl Fn(&E::Model) -> i64,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
    C: ConnectionTrait,
{
    let total = if request.want_total {
        Some(select.clone().count(db).await?)
    } else {
        None
    };
    let mut page_select = select.order_by_asc(id_col);
    if let Some(after) = request.after {
        page_select = page_select.filter(id_col.gt(after));
    }
    let mut rows = page_select.limit(request.first + 1).all(db).await?;
    let has_next = rows.len() as u64 > request.first;
    rows.truncate(request.first as usize);
    Ok(Page {
        items: rows.into_iter().map(|m| (key(&m), m)).collect(),
        has_next,
        has_previous: request.after.is_some(),
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

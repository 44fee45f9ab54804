//! Keyset pagination on `(created_at, id)` behind Relay-style arguments.
//!
//! Services take a [`PageRequest`] and return a [`Page`]; the GraphQL layer
//! turns pages into connections. OFFSET is never used, so pages stay stable
//! while rows are inserted.

use crate::error::{AppError, AppResult};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Value,
};
use uuid::Uuid;

/// The largest `first` or `last` a client may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;
/// Page size when the client gives neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// Position of a row in `(created_at, id)` order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// When the row was created.
    pub created_at: DateTime<Utc>,
    /// The row's id, which breaks ties between rows created in the same microsecond.
    pub id: Uuid,
}

impl Cursor {
    /// The opaque string handed to clients.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!(
            "{}:{}",
            self.created_at.timestamp_micros(),
            self.id
        ))
    }

    /// Reads a cursor that [`Cursor::encode`] produced; `field` names the argument.
    pub fn decode(raw: &str, field: &str) -> AppResult<Self> {
        let invalid = || AppError::bad_input(field, "is not a cursor returned by this API");
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let (micros, id) = text.split_once(':').ok_or_else(invalid)?;
        let micros: i64 = micros.parse().map_err(|_| invalid())?;
        Ok(Cursor {
            created_at: DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?,
            id: Uuid::parse_str(id).map_err(|_| invalid())?,
        })
    }
}

/// A row that can be paginated: it knows its own cursor.
pub trait Keyed {
    /// The cursor of this row.
    fn cursor(&self) -> Cursor;
}

/// Implements [`Keyed`] for models ordered by their `created_at` and `id` columns.
macro_rules! keyed_by_creation {
    ($($model:path),+ $(,)?) => {$(
        impl $crate::pagination::Keyed for $model {
            fn cursor(&self) -> $crate::pagination::Cursor {
                $crate::pagination::Cursor { created_at: self.created_at, id: self.id }
            }
        }
    )+};
}
pub(crate) use keyed_by_creation;

/// A validated request for one page.
#[derive(Clone, Debug)]
pub struct PageRequest {
    limit: u64,
    after: Option<Cursor>,
    before: Option<Cursor>,
    backward: bool,
}

impl PageRequest {
    /// Validates Relay arguments: `first` and `last` are between 0 and
    /// [`MAX_PAGE_SIZE`] and not both given; cursors must be ours.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<Self> {
        let size = |value: i32, field: &str| {
            if !(0..=MAX_PAGE_SIZE).contains(&value) {
                Err(AppError::bad_input(
                    field,
                    format!("must be between 0 and {MAX_PAGE_SIZE}"),
                ))
            } else {
                Ok(value as u64)
            }
        };
        let (limit, backward) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(AppError::bad_input(
                    "last",
                    "give either `first` or `last`, not both",
                ));
            }
            (Some(first), None) => (size(first, "first")?, false),
            (None, Some(last)) => (size(last, "last")?, true),
            (None, None) => (
                DEFAULT_PAGE_SIZE as u64,
                before.is_some() && after.is_none(),
            ),
        };
        Ok(PageRequest {
            limit,
            after: after.map(|c| Cursor::decode(&c, "after")).transpose()?,
            before: before.map(|c| Cursor::decode(&c, "before")).transpose()?,
            backward,
        })
    }

    /// How many rows the page holds at most.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Whether the page is counted from the end (`last`).
    pub fn is_backward(&self) -> bool {
        self.backward
    }

    /// The first `n` rows, for callers inside the service (demo data, exports).
    pub fn first(n: i32) -> Self {
        PageRequest {
            limit: n.clamp(0, MAX_PAGE_SIZE) as u64,
            after: None,
            before: None,
            backward: false,
        }
    }
}

/// One page of rows and what lies around it.
#[derive(Debug)]
pub struct Page<T> {
    /// The rows, in ascending `(created_at, id)` order.
    pub items: Vec<T>,
    /// Whether rows exist before the first one.
    pub has_previous_page: bool,
    /// Whether rows exist after the last one.
    pub has_next_page: bool,
    /// How many rows match the query, ignoring pagination.
    pub total_count: u64,
}

impl<T> Page<T> {
    /// The same page with each row mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        self.map_items(|items| items.into_iter().map(f).collect())
    }

    /// The same page with its rows replaced by `f`'s: for a filter whose
    /// count the caller knows still matches, or rows completed elsewhere.
    pub fn map_items<U>(self, f: impl FnOnce(Vec<T>) -> Vec<U>) -> Page<U> {
        Page {
            items: f(self.items),
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            total_count: self.total_count,
        }
    }
}

/// Runs `select` for one page in `(created_at, id)` order: two statements,
/// the count and the rows, whatever the page size.
pub async fn paginate<E, C>(
    db: &C,
    select: Select<E>,
    created_at: E::Column,
    id: E::Column,
    request: &PageRequest,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Keyed + Sync,
    C: ConnectionTrait,
{
    paginate_by(db, select, created_at, id, request, Value::from).await
}

/// [`paginate`] on a key column that is not a timestamp (a date): `key`
/// turns a cursor's instant into that column's value, as the row's
/// [`Keyed::cursor`] made it.
pub async fn paginate_by<E, C>(
    db: &C,
    select: Select<E>,
    created_at: E::Column,
    id: E::Column,
    request: &PageRequest,
    key: impl Fn(DateTime<Utc>) -> Value,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Keyed + Sync,
    C: ConnectionTrait,
{
    let total_count = select.clone().count(db).await?;
    let mut query = select;
    if let Some(after) = request.after {
        query = query.filter(
            Condition::any()
                .add(created_at.gt(key(after.created_at)))
                .add(
                    Condition::all()
                        .add(created_at.eq(key(after.created_at)))
                        .add(id.gt(after.id)),
                ),
        );
    }
    if let Some(before) = request.before {
        query = query.filter(
            Condition::any()
                .add(created_at.lt(key(before.created_at)))
                .add(
                    Condition::all()
                        .add(created_at.eq(key(before.created_at)))
                        .add(id.lt(before.id)),
                ),
        );
    }
    let order = if request.backward {
        Order::Desc
    } else {
        Order::Asc
    };
    let mut items = query
        .order_by(created_at, order.clone())
        .order_by(id, order)
        .limit(request.limit + 1)
        .all(db)
        .await?;
    let more = items.len() as u64 > request.limit;
    items.truncate(request.limit as usize);
    Ok(if request.backward {
        items.reverse();
        Page {
            items,
            has_previous_page: more,
            has_next_page: request.before.is_some(),
            total_count,
        }
    } else {
        Page {
            items,
            has_previous_page: request.after.is_some(),
            has_next_page: more,
            total_count,
        }
    })
}

/// Complexity of a connection field: its page size times the cost of one node,
/// so that nested connections cannot multiply into an expensive query.
pub fn complexity(first: Option<i32>, last: Option<i32>, child: usize) -> usize {
    let size = first
        .or(last)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE) as usize;
    size.saturating_mul(child).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_above_one_hundred_is_rejected_on_the_first_field() {
        let err = PageRequest::new(Some(101), None, None, None).unwrap_err();
        assert!(matches!(err, AppError::BadInput { ref field, .. } if field == "first"));
    }

    #[test]
    fn first_and_last_together_are_rejected() {
        assert!(PageRequest::new(Some(1), None, Some(1), None).is_err());
    }

    #[test]
    fn a_cursor_survives_a_round_trip() {
        let cursor = Cursor {
            created_at: crate::db::now(),
            id: Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode(&cursor.encode(), "after").unwrap(), cursor);
    }

    #[test]
    fn a_forged_cursor_is_a_bad_input() {
        assert!(Cursor::decode("bm90LWEtY3Vyc29y", "after").is_err());
    }
}

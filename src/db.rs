//! Opening the database (SQLite or PostgreSQL, chosen by the URL), running
//! migrations, the clock used for stored timestamps, and finding (and
//! locking) a row by its id.

use crate::error::{AppError, AppResult};
use chrono::{DateTime, SubsecRound, Utc};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, QueryFilter, QuerySelect,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use uuid::Uuid;

/// How long PostgreSQL lets one statement run before cancelling it.
const STATEMENT_TIMEOUT: &str = "30s";

/// How long a request waits for a connection (a new one included) before it
/// answers `SERVICE_UNAVAILABLE`: during an outage clients hear so within about
/// a second instead of hanging, and a saturated pool sheds load the same way.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// Counts SQL statements sent through a connection. Tests use it to prove that
/// a query's statement count does not grow with page size; `/metrics` exports it.
#[derive(Clone, Default, Debug)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Statements executed so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Opens a pool for `url` (`sqlite://…` or `postgres://…`) with the settings
/// each backend needs, counting statements into the returned counter.
pub async fn connect(url: &str) -> Result<(DatabaseConnection, StatementCounter), DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(ACQUIRE_TIMEOUT)
        .acquire_timeout(ACQUIRE_TIMEOUT);
    if url.starts_with("sqlite:") {
        // SQLite has one writer at a time: WAL lets readers run beside it and the
        // busy timeout makes a second writer wait instead of failing at once.
        options.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.foreign_keys(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
        });
    } else {
        options
            .max_connections(20)
            .map_sqlx_postgres_opts(|o| o.options([("statement_timeout", STATEMENT_TIMEOUT)]));
    }
    let mut db = Database::connect(options).await?;
    let counter = StatementCounter::default();
    let inner = counter.0.clone();
    db.set_metric_callback(move |_| {
        inner.fetch_add(1, Ordering::Relaxed);
    });
    Ok((db, counter))
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Whether the database is PostgreSQL (else SQLite).
pub fn is_postgres(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

/// The current UTC time at microsecond precision, the precision both backends
/// store, so a value read back equals the value written (cursors rely on it).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// An entity whose rows are found by a uuid primary key.
pub trait IdEntity: EntityTrait {
    /// The primary-key column.
    fn id_column() -> Self::Column;
    /// The primary key of a row.
    fn id_of(model: &Self::Model) -> Uuid;
}

macro_rules! id_entity {
    ($($module:ident),+) => {$(
        impl IdEntity for entity::$module::Entity {
            fn id_column() -> Self::Column { entity::$module::Column::Id }
            fn id_of(model: &Self::Model) -> Uuid { model.id }
        }
    )+};
}
id_entity!(
    organization,
    user,
    membership,
    invitation,
    api_key,
    service,
    taxonomy_term,
    client,
    consent,
    referral,
    referral_note,
    person,
    body,
    body_membership,
    meeting,
    motion,
    action_item,
    agenda_item,
    minutes
);

impl IdEntity for entity::organization_profile::Entity {
    fn id_column() -> Self::Column {
        entity::organization_profile::Column::OrganizationId
    }
    fn id_of(model: &Self::Model) -> Uuid {
        model.organization_id
    }
}

/// The row `id` of `E`, or `NOT_FOUND`. Callers apply the policy to it.
pub async fn find<E: IdEntity>(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<E::Model> {
    E::find()
        .filter(E::id_column().eq(id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// [`find`], locking the row until the transaction ends on PostgreSQL, so
/// that changes decided on the row's state are serialised (SQLite already
/// runs one writer at a time and has no row locks).
pub async fn find_locked<E: IdEntity>(txn: &impl ConnectionTrait, id: Uuid) -> AppResult<E::Model> {
    E::find()
        .filter(E::id_column().eq(id))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

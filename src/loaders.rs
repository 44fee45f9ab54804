//! Per-request DataLoaders: nested fields load their records with one
//! `IN (...)` query per type, so the statement count does not grow with page size.
//!
//! Batching by time alone is not enough: a list of more than 32 items yields
//! while its items register their keys, the batch timer can fire in between,
//! and one load becomes several. So a connection *primes* the loaders with
//! every key of its page in one `load_many` ([`prime`]) and the loaders cache
//! for the request, which makes the count deterministic.

use crate::error::{AppError, AppResult};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{body, organization, person, user};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;
use uuid::Uuid;

/// Error of a loader: cloneable, as DataLoader shares it between waiters.
pub type LoadError = Arc<DbErr>;

/// An entity whose rows are found by a uuid primary key.
pub trait IdEntity: EntityTrait {
    /// The primary-key column.
    fn id_column() -> Self::Column;
    /// The primary key of a row.
    fn id_of(model: &Self::Model) -> Uuid;
}

macro_rules! id_entity {
    ($($module:ident),+) => {$(
        impl IdEntity for $module::Entity {
            fn id_column() -> Self::Column { $module::Column::Id }
            fn id_of(model: &Self::Model) -> Uuid { model.id }
        }
    )+};
}
id_entity!(organization, user);
id_entity!(person, body);

/// Loads rows of `E` by id. Callers apply the policy to what they load.
pub struct ById<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E: IdEntity> Loader<Uuid> for ById<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = E::find()
            .filter(E::id_column().is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|m| (E::id_of(&m), m)).collect())
    }
}

/// A caching loader of `E` by id.
pub type IdLoader<E> = DataLoader<ById<E>, HashMapCache>;

/// The loaders of one request (or one WebSocket connection).
pub struct Loaders {
    /// Organizations by id.
    pub organizations: IdLoader<organization::Entity>,
    /// Users by id.
    pub users: IdLoader<user::Entity>,
    /// Directory people by id.
    pub people: IdLoader<person::Entity>,
    /// Directory bodies by id.
    pub bodies: IdLoader<body::Entity>,
    /// Contacts, languages, expertise and memberships of people; current members of bodies.
    pub directory_people: crate::directory::people::loaders::PeopleLoaders,
}

/// Loads every key of a page in one query, so that the page's items then
/// find their record in the loader's cache.
pub async fn prime<E: IdEntity>(
    loader: &IdLoader<E>,
    keys: impl IntoIterator<Item = Uuid>,
) -> AppResult<()>
where
    E::Model: Clone + Send + Sync,
{
    loader
        .load_many(keys)
        .await
        .map_err(|e| AppError::Internal(format!("loading: {e}")))?;
    Ok(())
}

impl Loaders {
    /// Fresh loaders over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        fn by_id<E: IdEntity>(db: &DatabaseConnection) -> IdLoader<E>
        where
            E::Model: Clone + Send + Sync,
        {
            DataLoader::with_cache(
                ById {
                    db: db.clone(),
                    entity: PhantomData,
                },
                tokio::spawn,
                HashMapCache::default(),
            )
        }
        Loaders {
            organizations: by_id(db),
            users: by_id(db),
            people: by_id(db),
            bodies: by_id(db),
            directory_people: crate::directory::people::loaders::PeopleLoaders::new(db),
        }
    }
}

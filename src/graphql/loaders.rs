//! The DataLoader machinery every domain's loaders are made of: nested
//! fields load their records with one `IN (...)` query per type, so the
//! statement count does not grow with page size.
//!
//! Batching by time alone is not enough: a list of more than 32 items yields
//! while its items register their keys, the batch timer can fire in between,
//! and one load becomes several. So a connection *primes* the loaders with
//! every key of its page in one `load_many` ([`prime`]) and the loaders cache
//! for the request, which makes the count deterministic. Each domain keeps
//! its own loaders (`referrals::loaders`, ...); the request context holds them.

use crate::db::IdEntity;
use crate::error::{AppError, AppResult};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    action_item, action_item_review, agenda_document, agenda_item, attendance_record,
    consent_recipient, location, minutes, minutes_revision, motion, organization_contact,
    referral_event, referral_note, service_category, service_exception, service_hours,
    service_language, translation, vote,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;
use uuid::Uuid;

/// Error of a loader: cloneable, as DataLoader shares it between waiters.
pub type LoadError = Arc<DbErr>;

/// An entity whose rows belong to a parent row, found by the parent's id.
pub trait ChildEntity: EntityTrait {
    /// The column holding the parent's id.
    fn parent_column() -> Self::Column;
    /// The parent id of a row.
    fn parent_of(model: &Self::Model) -> Uuid;
}

macro_rules! child_entity {
    ($($module:ident . $column:ident => $field:ident),+) => {$(
        impl ChildEntity for $module::Entity {
            fn parent_column() -> Self::Column { $module::Column::$column }
            fn parent_of(model: &Self::Model) -> Uuid { model.$field }
        }
    )+};
}
child_entity!(
    organization_contact.OrganizationId => organization_id,
    location.ServiceId => service_id,
    service_category.ServiceId => service_id,
    service_language.ServiceId => service_id,
    service_hours.ServiceId => service_id,
    service_exception.ServiceId => service_id,
    translation.RecordId => record_id,
    referral_event.ReferralId => referral_id,
    referral_note.ReferralId => referral_id,
    consent_recipient.ConsentId => consent_id,
    agenda_item.MeetingId => meeting_id,
    agenda_document.AgendaItemId => agenda_item_id,
    attendance_record.MeetingId => meeting_id,
    motion.MeetingId => meeting_id,
    vote.MotionId => motion_id,
    minutes.MeetingId => meeting_id,
    minutes_revision.MinutesId => minutes_id,
    action_item.MeetingId => meeting_id,
    action_item_review.ActionItemId => action_item_id
);

/// Loads the rows of `E` belonging to each parent id (every parent gets a
/// list, possibly empty). Callers apply the policy to what they load.
pub struct ByParent<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E: ChildEntity> Loader<Uuid> for ByParent<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = E::find()
            .filter(E::parent_column().is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(Arc::new)?;
        let mut grouped: HashMap<Uuid, Vec<E::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            grouped.entry(E::parent_of(&row)).or_default().push(row);
        }
        Ok(grouped)
    }
}
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
/// A caching loader of the `E` rows of each parent.
pub type ChildLoader<E> = DataLoader<ByParent<E>, HashMapCache>;

/// Loads every key in one query (whatever is not cached yet) and returns
/// what was found.
pub async fn load_all<L>(
    loader: &DataLoader<L, HashMapCache>,
    keys: impl IntoIterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, L::Value>>
where
    L: Loader<Uuid>,
    L::Value: Clone,
    L::Error: std::fmt::Display,
{
    loader
        .load_many(keys)
        .await
        .map_err(|e| AppError::Internal(format!("loading: {e}")))
}

/// Loads every key of a page in one query, so that the page's items then
/// find their record in the loader's cache.
pub async fn prime<L>(
    loader: &DataLoader<L, HashMapCache>,
    keys: impl IntoIterator<Item = Uuid>,
) -> AppResult<()>
where
    L: Loader<Uuid>,
    L::Value: Clone,
    L::Error: std::fmt::Display,
{
    load_all(loader, keys).await.map(drop)
}

/// A fresh caching loader of `E` by id.
pub fn id_loader<E: IdEntity>(db: &DatabaseConnection) -> IdLoader<E>
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

/// A fresh caching loader of the `E` rows of each parent.
pub fn child_loader<E: ChildEntity>(db: &DatabaseConnection) -> ChildLoader<E>
where
    E::Model: Clone + Send + Sync,
{
    DataLoader::with_cache(
        ByParent {
            db: db.clone(),
            entity: PhantomData,
        },
        tokio::spawn,
        HashMapCache::default(),
    )
}

/// The record `id` from `loader`. A referenced record that is missing is a
/// bug (`INTERNAL`), named by `what` ("body", "person").
pub async fn record_of<L>(
    loader: &DataLoader<L, HashMapCache>,
    id: Uuid,
    what: &str,
) -> AppResult<L::Value>
where
    L: Loader<Uuid>,
    L::Value: Clone,
    L::Error: std::fmt::Display,
{
    loader
        .load_one(id)
        .await
        .map_err(|e| AppError::Internal(format!("loading: {e}")))?
        .ok_or_else(|| AppError::Internal(format!("{what} {id} vanished")))
}

/// The list of `key` from `loader`, empty when the key has none.
pub async fn list_of<L>(loader: &DataLoader<L, HashMapCache>, key: Uuid) -> AppResult<L::Value>
where
    L: Loader<Uuid>,
    L::Value: Clone + Default,
    L::Error: std::fmt::Display,
{
    Ok(loader
        .load_one(key)
        .await
        .map_err(|e| AppError::Internal(format!("loading: {e}")))?
        .unwrap_or_default())
}

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
use entity::{
    action_item, action_item_review, agenda_document, agenda_item, attendance_record, body,
    meeting, minutes, minutes_revision, motion, person, vote,
};
use entity::{
    client, consent, location, organization, organization_contact, organization_profile,
    referral_event, referral_note, service, service_category, service_exception, service_hours,
    service_language, taxonomy_term, translation, user,
};
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
id_entity!(
    organization,
    user,
    service,
    taxonomy_term,
    client,
    consent,
    referral_note,
    person,
    body,
    meeting,
    motion,
    action_item,
    agenda_item,
    minutes
);

impl IdEntity for organization_profile::Entity {
    fn id_column() -> Self::Column {
        organization_profile::Column::OrganizationId
    }
    fn id_of(model: &Self::Model) -> Uuid {
        model.organization_id
    }
}

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

/// The loaders of one request (or one WebSocket connection).
pub struct Loaders {
    /// Organizations by id.
    pub organizations: IdLoader<organization::Entity>,
    /// Users by id.
    pub users: IdLoader<user::Entity>,
    /// Services by id.
    pub services: IdLoader<service::Entity>,
    /// Organization profiles by organization id.
    pub profiles: IdLoader<organization_profile::Entity>,
    /// Taxonomy terms by id.
    pub terms: IdLoader<taxonomy_term::Entity>,
    /// Contact details of each organization.
    pub contacts: ChildLoader<organization_contact::Entity>,
    /// Locations of each service.
    pub locations: ChildLoader<location::Entity>,
    /// Category links of each service.
    pub categories: ChildLoader<service_category::Entity>,
    /// Languages of each service.
    pub languages: ChildLoader<service_language::Entity>,
    /// Weekly hours of each service.
    pub hours: ChildLoader<service_hours::Entity>,
    /// Holidays and special hours of each service.
    pub exceptions: ChildLoader<service_exception::Entity>,
    /// Translations of each organization's or service's texts.
    pub translations: ChildLoader<translation::Entity>,
    /// Clients by id.
    pub clients: IdLoader<client::Entity>,
    /// Consents by id.
    pub consents: IdLoader<consent::Entity>,
    /// History of each referral.
    pub referral_events: ChildLoader<referral_event::Entity>,
    /// Notes of each referral.
    pub referral_notes: ChildLoader<referral_note::Entity>,
    /// Directory people by id.
    pub people: IdLoader<person::Entity>,
    /// Directory bodies by id.
    pub bodies: IdLoader<body::Entity>,
    /// Contacts, languages, expertise and memberships of people; current members of bodies.
    pub directory_people: crate::directory::people::loaders::PeopleLoaders,
    /// Meetings and what was recorded at them.
    pub records: crate::records::loaders::RecordsLoaders,
}

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

impl Loaders {
    /// Fresh loaders over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        Loaders {
            organizations: id_loader(db),
            users: id_loader(db),
            services: id_loader(db),
            profiles: id_loader(db),
            terms: id_loader(db),
            contacts: child_loader(db),
            locations: child_loader(db),
            categories: child_loader(db),
            languages: child_loader(db),
            hours: child_loader(db),
            exceptions: child_loader(db),
            translations: child_loader(db),
            clients: id_loader(db),
            consents: id_loader(db),
            referral_events: child_loader(db),
            referral_notes: child_loader(db),
            people: id_loader(db),
            bodies: id_loader(db),
            directory_people: crate::directory::people::loaders::PeopleLoaders::new(db),
            records: crate::records::loaders::RecordsLoaders::new(db),
        }
    }
}

//! Per-request loaders of the people directory: what a list of people or
//! bodies needs (contacts, languages, expertise, memberships, current
//! members) in one query per kind, whatever the list's length. They load
//! without policy; resolvers pass what they load through the service's
//! filters ([`super::contacts::visible_contacts`],
//! [`super::memberships::visible_memberships`]).

use super::memberships::memberships_of_people;
use super::seating::{MembershipView, seated_by_body, today_at};
use crate::error::AppError;
use crate::graphql::loaders::{IdLoader, id_loader};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{body, person, person_contact, person_expertise, person_language};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Error of these loaders: cloneable, as DataLoader shares it between waiters.
pub type LoadError = Arc<AppError>;

/// A person's contact details, oldest first (all of them: filter before showing).
pub struct ContactsByPerson(DatabaseConnection);

impl Loader<Uuid> for ContactsByPerson {
    type Value = Vec<person_contact::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = person_contact::Entity::find()
            .filter(person_contact::Column::PersonId.is_in(keys.iter().copied()))
            .order_by_asc(person_contact::Column::CreatedAt)
            .order_by_asc(person_contact::Column::Id)
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        let mut grouped: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            grouped.entry(row.person_id).or_default().push(row);
        }
        Ok(grouped)
    }
}

/// The language tags a person speaks, sorted.
pub struct LanguagesByPerson(DatabaseConnection);

impl Loader<Uuid> for LanguagesByPerson {
    type Value = Vec<String>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = person_language::Entity::find()
            .filter(person_language::Column::PersonId.is_in(keys.iter().copied()))
            .order_by_asc(person_language::Column::Tag)
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        let mut grouped: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            grouped.entry(row.person_id).or_default().push(row.tag);
        }
        Ok(grouped)
    }
}

/// The areas a person knows, sorted.
pub struct ExpertiseByPerson(DatabaseConnection);

impl Loader<Uuid> for ExpertiseByPerson {
    type Value = Vec<String>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = person_expertise::Entity::find()
            .filter(person_expertise::Column::PersonId.is_in(keys.iter().copied()))
            .order_by_asc(person_expertise::Column::Term)
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        let mut grouped: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            grouped.entry(row.person_id).or_default().push(row.term);
        }
        Ok(grouped)
    }
}

/// A person's memberships over time with their seating today.
pub struct MembershipsByPerson(DatabaseConnection);

impl Loader<Uuid> for MembershipsByPerson {
    type Value = Vec<MembershipView>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        memberships_of_people(&self.0, keys).await.map_err(Arc::new)
    }
}

/// The memberships seated today on a body (today in the body's time zone).
pub struct CurrentMembersByBody(DatabaseConnection);

impl Loader<Uuid> for CurrentMembersByBody {
    type Value = Vec<MembershipView>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        seated_by_body(&self.0, keys, today_at)
            .await
            .map_err(Arc::new)
    }
}

/// A caching loader of lists keyed by a parent id.
pub type ListLoader<L> = DataLoader<L, HashMapCache>;

/// The loaders of the people directory for one request.
pub struct PeopleLoaders {
    /// Directory people by id.
    pub people: IdLoader<person::Entity>,
    /// Directory bodies by id.
    pub bodies: IdLoader<body::Entity>,
    /// Contacts by person id.
    pub contacts: ListLoader<ContactsByPerson>,
    /// Languages by person id.
    pub languages: ListLoader<LanguagesByPerson>,
    /// Expertise by person id.
    pub expertise: ListLoader<ExpertiseByPerson>,
    /// Memberships by person id.
    pub memberships: ListLoader<MembershipsByPerson>,
    /// Current members by body id.
    pub current_members: ListLoader<CurrentMembersByBody>,
}

impl PeopleLoaders {
    /// Fresh loaders over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        fn list<L: Loader<Uuid>>(loader: L) -> ListLoader<L> {
            DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
        }
        PeopleLoaders {
            people: id_loader(db),
            bodies: id_loader(db),
            contacts: list(ContactsByPerson(db.clone())),
            languages: list(LanguagesByPerson(db.clone())),
            expertise: list(ExpertiseByPerson(db.clone())),
            memberships: list(MembershipsByPerson(db.clone())),
            current_members: list(CurrentMembersByBody(db.clone())),
        }
    }
}

//! Per-request loaders of the records: what a meeting (or a page of them)
//! shows, in one query per kind whatever the number of agenda items,
//! members, motions or votes. They load without policy; the GraphQL types
//! carry the actor's reach into the body and filter with [`crate::policy`].

use super::attendance::seated_at;
use crate::error::AppError;
use crate::graphql::loaders::{ChildLoader, IdLoader, child_loader, id_loader};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    action_item, action_item_review, agenda_document, agenda_item, attendance_record,
    body_membership, meeting, minutes, minutes_revision, motion, vote,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Error of these loaders: cloneable, as DataLoader shares it between waiters.
pub type LoadError = Arc<AppError>;

/// The memberships seated on each meeting's body on the meeting's date.
pub struct SeatedByMeeting(DatabaseConnection);

impl Loader<Uuid> for SeatedByMeeting {
    type Value = Vec<body_membership::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let meetings = meeting::Entity::find()
            .filter(meeting::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        seated_at(&self.0, &meetings).await.map_err(Arc::new)
    }
}

/// The action-item reviews recorded at each meeting.
pub struct ReviewsByMeeting(DatabaseConnection);

impl Loader<Uuid> for ReviewsByMeeting {
    type Value = Vec<action_item_review::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = action_item_review::Entity::find()
            .filter(action_item_review::Column::MeetingId.is_in(keys.iter().copied()))
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        let mut grouped: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            grouped.entry(row.meeting_id).or_default().push(row);
        }
        Ok(grouped)
    }
}

/// The loaders of the records for one request.
pub struct RecordsLoaders {
    /// Meetings by id.
    pub meetings: IdLoader<meeting::Entity>,
    /// Motions by id.
    pub motions: IdLoader<motion::Entity>,
    /// Action items by id.
    pub action_item_by_id: IdLoader<action_item::Entity>,
    /// Agenda items of each meeting.
    pub agenda_items: ChildLoader<agenda_item::Entity>,
    /// Documents of each agenda item.
    pub documents: ChildLoader<agenda_document::Entity>,
    /// Attendance recorded at each meeting.
    pub attendance: ChildLoader<attendance_record::Entity>,
    /// Motions of each meeting.
    pub motions_by_meeting: ChildLoader<motion::Entity>,
    /// Votes of each motion.
    pub votes: ChildLoader<vote::Entity>,
    /// Minutes (and corrections) of each meeting.
    pub minutes: ChildLoader<minutes::Entity>,
    /// Revisions of each minutes.
    pub revisions: ChildLoader<minutes_revision::Entity>,
    /// Action items created at each meeting.
    pub action_items: ChildLoader<action_item::Entity>,
    /// Reviews of each action item.
    pub reviews: ChildLoader<action_item_review::Entity>,
    /// Reviews recorded at each meeting.
    pub reviews_at: DataLoader<ReviewsByMeeting, HashMapCache>,
    /// Members seated on each meeting's date.
    pub seated: DataLoader<SeatedByMeeting, HashMapCache>,
}

impl RecordsLoaders {
    /// Fresh loaders over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        fn list<L: Loader<Uuid>>(loader: L) -> DataLoader<L, HashMapCache> {
            DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
        }
        RecordsLoaders {
            meetings: id_loader(db),
            motions: id_loader(db),
            action_item_by_id: id_loader(db),
            agenda_items: child_loader(db),
            documents: child_loader(db),
            attendance: child_loader(db),
            motions_by_meeting: child_loader(db),
            votes: child_loader(db),
            minutes: child_loader(db),
            revisions: child_loader(db),
            action_items: child_loader(db),
            reviews: child_loader(db),
            reviews_at: list(ReviewsByMeeting(db.clone())),
            seated: list(SeatedByMeeting(db.clone())),
        }
    }
}

//! Action items: decided at a meeting (typically a community dialogue's
//! action plan), assigned to a person or an organization, and reviewed at
//! later meetings of the same body. Every review keeps what was reported and
//! the status and due date it left, so an item's story reads across meetings;
//! an item's status changes only through reviews.

use super::access::{self, BodyAccess};
use super::meetings::{ensure_record_open, event};
use crate::auth::Actor;
use crate::change::{Change, IdempotencyKey};
use crate::db::now;
use crate::domain::required_text;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Cursor, Keyed, Page, PageRequest, paginate_by};
use crate::policy::{self, RecordsAccess};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use entity::action_item::{self, ActionItemStatus};
use entity::meeting;
use entity::{action_item_review, agenda_item, organization, person};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, Value,
};
use serde_json::json;
use uuid::Uuid;

/// Action items are listed by due date.
impl Keyed for action_item::Model {
    fn cursor(&self) -> Cursor {
        Cursor {
            created_at: self.due_on.and_time(NaiveTime::MIN).and_utc(),
            id: self.id,
        }
    }
}

/// An action item as one actor sees it.
#[derive(Clone, Debug)]
pub struct ActionItemView {
    /// The item.
    pub item: action_item::Model,
    /// The actor's reach into its body's records.
    pub access: RecordsAccess,
}

impl Keyed for ActionItemView {
    fn cursor(&self) -> Cursor {
        self.item.cursor()
    }
}

/// Who an action item is assigned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Assignee {
    /// A person of the directory.
    Person(Uuid),
    /// A member organization.
    Organization(Uuid),
}

/// A new action item as the clerk gives it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NewActionItem {
    /// The meeting that decides it.
    pub meeting_id: Uuid,
    /// The agenda item it comes from.
    pub agenda_item_id: Option<Uuid>,
    /// What is to be done.
    pub description: String,
    /// Who does it.
    pub assignee: Assignee,
    /// By when.
    pub due_on: NaiveDate,
}

async fn ensure_assignee(db: &impl ConnectionTrait, assignee: Assignee) -> AppResult<()> {
    let exists = match assignee {
        Assignee::Person(id) => person::Entity::find_by_id(id).one(db).await?.is_some(),
        Assignee::Organization(id) => organization::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_some(),
    };
    if exists {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "input.assignee",
            "no such person or organization",
        ))
    }
}

/// Records an action item decided at a meeting.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewActionItem,
    key: Option<&str>,
) -> AppResult<action_item::Model> {
    let description = required_text(&input.description, "input.description", 5_000)?;
    ensure_assignee(db, input.assignee).await?;
    let key = IdempotencyKey::parse(key, "input.idempotencyKey", "action_item.create", &input)?;
    let change = Change::begin_keyed(db, actor, key).await?;
    let found = access::meeting_to_change(change.txn(), actor, input.meeting_id).await?;
    if let Some(done) = change.replayed::<action_item::Entity>().await? {
        return Ok(done);
    }
    ensure_record_open(change.txn(), &found.meeting).await?;
    if let Some(item_id) = input.agenda_item_id {
        agenda_item::Entity::find_by_id(item_id)
            .one(change.txn())
            .await?
            .filter(|i| i.meeting_id == found.meeting.id)
            .ok_or_else(|| {
                AppError::bad_input("input.agendaItemId", "is not on this meeting's agenda")
            })?;
    }
    if input.due_on < found.meeting.starts_at.date_naive() {
        return Err(AppError::bad_input(
            "input.dueOn",
            "must not be before the meeting",
        ));
    }
    let (person, org) = match input.assignee {
        Assignee::Person(id) => (Some(id), None),
        Assignee::Organization(id) => (None, Some(id)),
    };
    let at = now();
    let created = action_item::ActiveModel {
        id: Set(new_id()),
        body_id: Set(found.meeting.body_id),
        meeting_id: Set(found.meeting.id),
        agenda_item_id: Set(input.agenda_item_id),
        description: Set(description),
        assignee_person_id: Set(person),
        assignee_organization_id: Set(org),
        due_on: Set(input.due_on),
        status: Set(ActionItemStatus::Open),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(change.txn())
    .await?;
    change
        .commit(
            event(
                &found.body,
                "action_item.created",
                "ActionItem",
                created.id,
                json!({ "meeting": created.meeting_id, "dueOn": created.due_on }),
            ),
            created,
        )
        .await
}

/// A review of an action item as the clerk gives it.
#[derive(Clone, Debug)]
pub struct NewReview {
    /// The later meeting where it was reviewed.
    pub meeting_id: Uuid,
    /// What was reported.
    pub update: String,
    /// The status it leaves the item in (unchanged when absent).
    pub status: Option<ActionItemStatus>,
    /// A new due date (unchanged when absent).
    pub due_on: Option<NaiveDate>,
}

/// Records the review of an action item at a later meeting of its body,
/// moving the item to the status and due date the review gives.
#[tracing::instrument(skip_all, fields(item_id = %item_id))]
pub async fn review(
    db: &DatabaseConnection,
    actor: &Actor,
    item_id: Uuid,
    input: NewReview,
) -> AppResult<action_item::Model> {
    let update = required_text(&input.update, "input.update", 5_000)?;
    let change = Change::begin(db, actor).await?;
    let item = action_item::Entity::find_by_id(item_id)
        .one(change.txn())
        .await?
        .ok_or(AppError::NotFound)?;
    let found = access::meeting_to_change(change.txn(), actor, input.meeting_id).await?;
    let origin = meeting::Entity::find_by_id(item.meeting_id)
        .one(change.txn())
        .await?
        .ok_or(AppError::NotFound)?;
    if found.meeting.body_id != item.body_id {
        return Err(AppError::bad_input(
            "input.meetingId",
            "is a meeting of another body",
        ));
    }
    if found.meeting.starts_at <= origin.starts_at {
        return Err(AppError::bad_input(
            "input.meetingId",
            "must be later than the meeting that created the item",
        ));
    }
    ensure_record_open(change.txn(), &found.meeting).await?;
    let status = input.status.unwrap_or(item.status);
    let due_on = input.due_on.unwrap_or(item.due_on);
    action_item_review::ActiveModel {
        id: Set(new_id()),
        action_item_id: Set(item.id),
        meeting_id: Set(found.meeting.id),
        status: Set(status),
        due_on: Set(due_on),
        update: Set(update),
        created_at: Set(now()),
    }
    .insert(change.txn())
    .await
    .map_err(|e| {
        AppError::conflict_on_unique(e, "the item was already reviewed at this meeting")
    })?;
    let before = item.status;
    let mut row = item.into_active_model();
    row.status = Set(status);
    row.due_on = Set(due_on);
    row.updated_at = Set(now());
    let updated = row.update(change.txn()).await?;
    change.commit(event(
            &found.body,
            "action_item.reviewed",
            "ActionItem",
            updated.id,
            json!({ "meeting": found.meeting.id, "from": before, "to": status, "dueOn": due_on }),
        ),
        updated,
    )
    .await
}

/// An action item the actor may see.
#[tracing::instrument(skip_all, fields(item_id = %item_id))]
pub async fn action_item(
    db: &impl ConnectionTrait,
    actor: &Actor,
    item_id: Uuid,
) -> AppResult<ActionItemView> {
    let item = action_item::Entity::find_by_id(item_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let BodyAccess { access, .. } = access::body(db, actor, item.body_id).await?;
    policy::reveal("sees_records", access.sees())?;
    Ok(ActionItemView { item, access })
}

/// Which action items to list.
#[derive(Clone, Debug, Default)]
pub struct ActionItemFilter {
    /// Of this body only.
    pub body_id: Option<Uuid>,
    /// Assigned to this person or organization.
    pub assignee: Option<Assignee>,
    /// In one of these statuses; open ones (`OPEN`, `IN_PROGRESS`) when empty.
    pub statuses: Vec<ActionItemStatus>,
    /// Due on or before.
    pub due_by: Option<NaiveDate>,
}

fn date_key(at: DateTime<Utc>) -> Value {
    at.date_naive().into()
}

/// A page of the action items the actor may see, soonest due first.
#[tracing::instrument(skip_all)]
pub async fn action_items(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: ActionItemFilter,
    page: &PageRequest,
) -> AppResult<Page<ActionItemView>> {
    let bodies = access::visible_bodies(db, actor, filter.body_id).await?;
    let statuses = if filter.statuses.is_empty() {
        vec![ActionItemStatus::Open, ActionItemStatus::InProgress]
    } else {
        filter.statuses
    };
    let mut select = action_item::Entity::find()
        .filter(action_item::Column::BodyId.is_in(bodies.keys().copied()))
        .filter(action_item::Column::Status.is_in(statuses));
    match filter.assignee {
        Some(Assignee::Person(id)) => {
            select = select.filter(action_item::Column::AssigneePersonId.eq(id));
        }
        Some(Assignee::Organization(id)) => {
            select = select.filter(action_item::Column::AssigneeOrganizationId.eq(id));
        }
        None => {}
    }
    if let Some(due_by) = filter.due_by {
        select = select.filter(action_item::Column::DueOn.lte(due_by));
    }
    let page = paginate_by(
        db,
        select,
        action_item::Column::DueOn,
        action_item::Column::Id,
        page,
        date_key,
    )
    .await?;
    Ok(page.map(|item| {
        let access = bodies
            .get(&item.body_id)
            .map_or(RecordsAccess::None, |b| b.access);
        ActionItemView { item, access }
    }))
}

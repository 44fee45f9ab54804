//! Action items and their reviews.

use super::{ActionItemStatus, Meeting, load_body, load_meeting, load_person};
use crate::directory::people::graphql::{Body, Person};
use crate::graphql::context::loaders;
use crate::graphql::loaders::{list_of, record_of};
use crate::graphql::organization::{Organization, load_organization};
use crate::graphql::scalars::Date;
use crate::ids;
use crate::policy::RecordsAccess;
use crate::records::action_items::ActionItemView;
use async_graphql::{Context, ID, Object, Result, Union};
use chrono::{DateTime, Utc};
use entity::{action_item, action_item_review};

/// Who an action item is assigned to.
#[derive(Union)]
pub enum Assignee {
    /// A person of the directory.
    Person(Person),
    /// A member organization.
    Organization(Organization),
}

/// Something a body decided should be done, followed until done.
pub struct ActionItem {
    pub(super) row: action_item::Model,
    pub(super) access: RecordsAccess,
}

impl From<ActionItemView> for ActionItem {
    fn from(view: ActionItemView) -> Self {
        ActionItem {
            row: view.item,
            access: view.access,
        }
    }
}

impl ActionItem {
    /// The item as seen with `access` to its body's records.
    pub fn new(row: action_item::Model, access: RecordsAccess) -> Self {
        ActionItem { row, access }
    }
}

/// Something a body decided should be done, followed until done through
/// reviews at later meetings.
#[Object]
impl ActionItem {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("ActionItem", self.row.id)
    }
    /// The body that decided it.
    async fn body(&self, ctx: &Context<'_>) -> Result<Body> {
        Ok(Body(load_body(ctx, self.row.body_id).await?))
    }
    /// The meeting that decided it.
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Meeting> {
        load_meeting(ctx, self.row.meeting_id, self.access).await
    }
    /// What is to be done.
    async fn description(&self) -> &str {
        &self.row.description
    }
    /// Who does it (null if the organization has left the coalition).
    async fn assignee(&self, ctx: &Context<'_>) -> Result<Option<Assignee>> {
        if let Some(id) = self.row.assignee_person_id {
            return Ok(Some(Assignee::Person(load_person(ctx, id).await?)));
        }
        match self.row.assignee_organization_id {
            Some(id) => Ok(Some(Assignee::Organization(
                load_organization(ctx, id).await?,
            ))),
            None => Ok(None),
        }
    }
    /// By when.
    async fn due_on(&self) -> Date {
        self.row.due_on.into()
    }
    /// Where it stands.
    async fn status(&self) -> ActionItemStatus {
        self.row.status.into()
    }
    /// Whether it is still open after its due date (in the body's time zone).
    async fn overdue(&self, ctx: &Context<'_>) -> Result<bool> {
        let body = load_body(ctx, self.row.body_id).await?;
        Ok(self.row.status.is_open()
            && self.row.due_on < crate::directory::people::seating::today_at(&body))
    }
    /// Its reviews at later meetings, oldest first: the item's story.
    async fn reviews(&self, ctx: &Context<'_>) -> Result<Vec<ActionItemReview>> {
        let mut rows = list_of(&loaders(ctx)?.records.reviews, self.row.id).await?;
        rows.sort_by_key(|r| (r.created_at, r.id));
        Ok(rows
            .into_iter()
            .map(|row| ActionItemReview {
                row,
                access: self.access,
            })
            .collect())
    }
    /// When it was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

/// A review of an action item at a later meeting.
pub struct ActionItemReview {
    pub(super) row: action_item_review::Model,
    pub(super) access: RecordsAccess,
}

/// A review of an action item at a later meeting: what was reported and
/// where it left the item.
#[Object]
impl ActionItemReview {
    /// The meeting where it was reviewed.
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Meeting> {
        load_meeting(ctx, self.row.meeting_id, self.access).await
    }
    /// The item reviewed.
    async fn action_item(&self, ctx: &Context<'_>) -> Result<ActionItem> {
        let row = record_of(
            &loaders(ctx)?.records.action_item_by_id,
            self.row.action_item_id,
            "action item",
        )
        .await?;
        Ok(ActionItem::new(row, self.access))
    }
    /// What was reported.
    async fn update(&self) -> &str {
        &self.row.update
    }
    /// The status the review left the item in.
    async fn status(&self) -> ActionItemStatus {
        self.row.status.into()
    }
    /// The due date the review left the item with.
    async fn due_on(&self) -> Date {
        self.row.due_on.into()
    }
    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

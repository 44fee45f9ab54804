//! Minutes and their revisions.

use super::{Meeting, MinutesStatus, Motion, internal, load_meeting, load_motion};
use crate::graphql::context::loaders;
use crate::graphql::loaders::{list_of, prime};
use crate::ids;
use crate::policy::RecordsAccess;
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::minutes;
use uuid::Uuid;

/// The minutes of a meeting, or a correction of them.
pub struct Minutes {
    pub(super) row: minutes::Model,
    pub(super) access: RecordsAccess,
}

impl Minutes {
    /// The minutes as seen with `access` to their body's records.
    pub fn new(row: minutes::Model, access: RecordsAccess) -> Self {
        Minutes { row, access }
    }
}

/// The minutes of a meeting, or a correction of them. Each save is a
/// revision; the text is the latest one.
#[Object]
impl Minutes {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Minutes", self.row.id)
    }
    /// The meeting they record.
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Meeting> {
        load_meeting(ctx, self.row.meeting_id, self.access).await
    }
    /// 0 for the minutes, 1.. for corrections in order.
    async fn number(&self) -> i32 {
        self.row.number
    }
    /// The minutes a correction amends (null for the minutes themselves).
    async fn correction_of(&self, ctx: &Context<'_>) -> Result<Option<Minutes>> {
        let Some(id) = self.row.corrects_minutes_id else {
            return Ok(None);
        };
        let rows = list_of(&loaders(ctx)?.records.minutes, self.row.meeting_id).await?;
        Ok(rows
            .into_iter()
            .find(|m| m.id == id)
            .map(|row| Minutes::new(row, self.access)))
    }
    /// Where they stand.
    async fn status(&self) -> MinutesStatus {
        self.row.status.into()
    }
    /// The text: the latest revision.
    async fn text(&self, ctx: &Context<'_>) -> Result<String> {
        let rows = list_of(&loaders(ctx)?.records.revisions, self.row.id).await?;
        Ok(rows
            .into_iter()
            .max_by_key(|r| r.number)
            .map(|r| r.text)
            .unwrap_or_default())
    }
    /// Every saved revision, oldest first (members of the body; empty for others).
    async fn revisions(&self, ctx: &Context<'_>) -> Result<Vec<MinutesRevision>> {
        if !self.access.reads_drafts() {
            return Ok(Vec::new());
        }
        let mut rows = list_of(&loaders(ctx)?.records.revisions, self.row.id).await?;
        rows.sort_by_key(|r| r.number);
        let authors: Vec<Uuid> = rows.iter().filter_map(|r| r.author_user_id).collect();
        prime(&loaders(ctx)?.accounts.users, authors).await?;
        let mut revisions = Vec::with_capacity(rows.len());
        for r in rows {
            let author = match r.author_user_id {
                Some(id) => loaders(ctx)?
                    .accounts
                    .users
                    .load_one(id)
                    .await
                    .map_err(internal)?
                    .map(|u| u.display_name),
                None => None,
            };
            revisions.push(MinutesRevision {
                number: r.number,
                text: r.text,
                author,
                saved_at: r.created_at,
            });
        }
        Ok(revisions)
    }
    /// The passed motion, at a later meeting, that approved them.
    async fn approved_by(&self, ctx: &Context<'_>) -> Result<Option<Motion>> {
        match self.row.approved_by_motion_id {
            Some(id) => Ok(Some(load_motion(ctx, id, self.access).await?)),
            None => Ok(None),
        }
    }
    /// When they were approved.
    async fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.row.approved_at
    }
    /// When they were published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.row.published_at
    }
}

/// One saved text of minutes.
#[derive(SimpleObject)]
pub struct MinutesRevision {
    /// 1.. in order of saving.
    number: i32,
    /// The text saved.
    text: String,
    /// Who saved it (null for the system or a deleted account).
    author: Option<String>,
    /// When.
    saved_at: DateTime<Utc>,
}

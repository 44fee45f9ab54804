//! Meetings, their quorum and attendance, and agenda items.

use super::{
    ActionItem, ActionItemReview, AgendaItemKind, AttendanceStatus, MeetingKind, MeetingStatus,
    Minutes, Motion, load_body, load_meeting, load_person, motions_of,
};
use crate::directory::people::graphql::{Body, BodyPost, Person};
use crate::error::AppResult;
use crate::graphql::context::loaders;
use crate::graphql::loaders::list_of;
use crate::ids;
use crate::policy::{self, RecordsAccess};
use crate::records::attendance::quorum;
use crate::records::domain::local_time;
use crate::records::meetings::MeetingView;
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{agenda_item, attendance_record, meeting, minutes};
use std::collections::HashSet;
use uuid::Uuid;

/// A meeting of a body: when and where, whether it was held, and what
/// happened there.
pub struct Meeting {
    pub(super) row: meeting::Model,
    pub(super) access: RecordsAccess,
}

impl Meeting {
    /// The meeting as seen with `access` to its body's records.
    pub fn new(row: meeting::Model, access: RecordsAccess) -> Self {
        Meeting { row, access }
    }

    fn agenda_visible(&self) -> bool {
        policy::may_read_agenda(self.access, self.row.agenda_published_at.is_some())
    }

    async fn minutes_rows(&self, ctx: &Context<'_>) -> AppResult<Vec<minutes::Model>> {
        let mut rows = list_of(&loaders(ctx)?.records.minutes, self.row.id).await?;
        rows.retain(|m| policy::may_read_minutes(self.access, m.status));
        rows.sort_by_key(|m| m.number);
        Ok(rows)
    }
}

impl From<MeetingView> for Meeting {
    fn from(view: MeetingView) -> Self {
        Meeting::new(view.meeting, view.access)
    }
}

/// A meeting of a body: when and where, whether it was held, and what
/// happened there.
#[Object]
impl Meeting {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Meeting", self.row.id)
    }
    /// The body that meets.
    async fn body(&self, ctx: &Context<'_>) -> Result<Body> {
        Ok(Body(load_body(ctx, self.row.body_id).await?))
    }
    /// What kind of meeting.
    async fn kind(&self) -> MeetingKind {
        self.row.kind.into()
    }
    /// Its title, e.g. "Regular meeting".
    async fn title(&self) -> &str {
        &self.row.title
    }
    /// Start, in UTC.
    async fn starts_at(&self) -> DateTime<Utc> {
        self.row.starts_at
    }
    /// End, in UTC.
    async fn ends_at(&self) -> DateTime<Utc> {
        self.row.ends_at
    }
    /// IANA time zone where the body meets, e.g. `America/New_York`.
    async fn time_zone(&self) -> &str {
        &self.row.time_zone
    }
    /// Start in the body's local time, RFC 3339 with offset (`2026-12-10T18:00:00-05:00`).
    async fn local_starts_at(&self) -> String {
        local_time(self.row.starts_at, &self.row.time_zone)
    }
    /// End in the body's local time, RFC 3339 with offset.
    async fn local_ends_at(&self) -> String {
        local_time(self.row.ends_at, &self.row.time_zone)
    }
    /// Where it meets in person.
    async fn location(&self) -> Option<&str> {
        self.row.location.as_deref()
    }
    /// Where it meets online.
    async fn remote_url(&self) -> Option<&str> {
        self.row.remote_url.as_deref()
    }
    /// Where the meeting stands.
    async fn status(&self) -> MeetingStatus {
        self.row.status.into()
    }
    /// Why it was cancelled or postponed.
    async fn status_note(&self) -> Option<&str> {
        self.row.status_note.as_deref()
    }
    /// The meeting a postponed meeting moved to.
    async fn rescheduled_to(&self, ctx: &Context<'_>) -> Result<Option<Meeting>> {
        match self.row.rescheduled_to_id {
            Some(id) => Ok(Some(load_meeting(ctx, id, self.access).await?)),
            None => Ok(None),
        }
    }
    /// Whether the agenda is published (the public reads it, the body may act on it).
    async fn agenda_published(&self) -> bool {
        self.row.agenda_published_at.is_some()
    }
    /// When the agenda was published.
    async fn agenda_published_at(&self) -> Option<DateTime<Utc>> {
        self.row.agenda_published_at
    }
    /// The agenda, in order. Empty for the public until it is published.
    async fn agenda(&self, ctx: &Context<'_>) -> Result<Vec<AgendaItem>> {
        if !self.agenda_visible() {
            return Ok(Vec::new());
        }
        let mut rows = list_of(&loaders(ctx)?.records.agenda_items, self.row.id).await?;
        rows.sort_by_key(|i| (i.position, i.created_at));
        Ok(rows
            .into_iter()
            .map(|row| AgendaItem {
                row,
                access: self.access,
            })
            .collect())
    }
    /// Every member of the body on the meeting's date, officers first, with
    /// how they attended (null until recorded).
    async fn attendance(&self, ctx: &Context<'_>) -> Result<Vec<AttendanceLine>> {
        let loaders = loaders(ctx)?;
        let seated = list_of(&loaders.records.seated, self.row.id).await?;
        let records = list_of(&loaders.records.attendance, self.row.id).await?;
        Ok(seated
            .into_iter()
            .map(|m| AttendanceLine {
                status: records
                    .iter()
                    .find(|r| r.person_id == Some(m.person_id))
                    .map(|r| r.status.into()),
                person_id: m.person_id,
                post: m.post.into(),
                holds_seat: m.post.holds_seat(),
            })
            .collect())
    }
    /// Guests recorded by name.
    async fn guests(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        let mut records = list_of(&loaders(ctx)?.records.attendance, self.row.id).await?;
        records.sort_by_key(|r| (r.created_at, r.id));
        Ok(records.into_iter().filter_map(|r| r.guest_name).collect())
    }
    /// The quorum: a majority of the body's voting seats, and how many seat
    /// holders take part (present, remote or late).
    async fn quorum(&self, ctx: &Context<'_>) -> Result<Quorum> {
        let loaders = loaders(ctx)?;
        let seated = list_of(&loaders.records.seated, self.row.id).await?;
        let records: Vec<attendance_record::Model> =
            list_of(&loaders.records.attendance, self.row.id).await?;
        let body = load_body(ctx, self.row.body_id).await?;
        let q = quorum(body.seats, &seated, &records, &HashSet::new());
        Ok(Quorum {
            seats: q.seats,
            required: q.required,
            present: q.present,
            met: q.met(),
        })
    }
    /// Motions made at the meeting, amendments included, in the order made.
    async fn motions(&self, ctx: &Context<'_>) -> Result<Vec<Motion>> {
        if !self.agenda_visible() {
            return Ok(Vec::new());
        }
        Ok(motions_of(ctx, self.row.id, self.access, |_| true).await?)
    }
    /// The minutes of the meeting; null when none are drafted, or, for the
    /// public, until they are published.
    async fn minutes(&self, ctx: &Context<'_>) -> Result<Option<Minutes>> {
        Ok(self
            .minutes_rows(ctx)
            .await?
            .into_iter()
            .find(|m| m.number == 0)
            .map(|row| Minutes {
                row,
                access: self.access,
            }))
    }
    /// Corrections of the minutes, in order (for the public, published ones).
    async fn minutes_corrections(&self, ctx: &Context<'_>) -> Result<Vec<Minutes>> {
        Ok(self
            .minutes_rows(ctx)
            .await?
            .into_iter()
            .filter(|m| m.number > 0)
            .map(|row| Minutes {
                row,
                access: self.access,
            })
            .collect())
    }
    /// Action items decided at this meeting.
    async fn action_items(&self, ctx: &Context<'_>) -> Result<Vec<ActionItem>> {
        let mut rows = list_of(&loaders(ctx)?.records.action_items, self.row.id).await?;
        rows.sort_by_key(|i| (i.created_at, i.id));
        Ok(rows
            .into_iter()
            .map(|row| ActionItem {
                row,
                access: self.access,
            })
            .collect())
    }
    /// Reviews of earlier action items recorded at this meeting.
    async fn action_item_reviews(&self, ctx: &Context<'_>) -> Result<Vec<ActionItemReview>> {
        let mut rows = list_of(&loaders(ctx)?.records.reviews_at, self.row.id).await?;
        rows.sort_by_key(|r| (r.created_at, r.id));
        Ok(rows
            .into_iter()
            .map(|row| ActionItemReview {
                row,
                access: self.access,
            })
            .collect())
    }
    /// Bumped on every change calendar subscribers should see.
    async fn sequence(&self) -> i32 {
        self.row.sequence
    }
    /// When it was scheduled.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    /// When its record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
}

/// A meeting's quorum.
#[derive(SimpleObject)]
pub struct Quorum {
    /// The body's voting seats.
    seats: i32,
    /// Seat holders needed: a majority of the seats.
    required: i32,
    /// Seat holders taking part (present, remote or late).
    present: i32,
    /// Whether enough seat holders take part to do business.
    met: bool,
}

/// A member of the body on the meeting's date and how they attended.
pub struct AttendanceLine {
    person_id: Uuid,
    post: BodyPost,
    holds_seat: bool,
    status: Option<AttendanceStatus>,
}

/// A member of the body on the meeting's date and how they attended.
#[Object]
impl AttendanceLine {
    /// The member.
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        load_person(ctx, self.person_id).await
    }
    /// Their post on the body that day.
    async fn post(&self) -> BodyPost {
        self.post
    }
    /// Whether the post holds a voting seat (and counts towards quorum).
    async fn holds_seat(&self) -> bool {
        self.holds_seat
    }
    /// How they attended; null until the clerk records it.
    async fn status(&self) -> Option<AttendanceStatus> {
        self.status
    }
}

/// An item of a meeting's agenda.
pub struct AgendaItem {
    pub(super) row: agenda_item::Model,
    pub(super) access: RecordsAccess,
}

impl AgendaItem {
    /// The item as seen with `access` to its body's records.
    pub fn new(row: agenda_item::Model, access: RecordsAccess) -> Self {
        AgendaItem { row, access }
    }
}

/// An item of a meeting's agenda.
#[Object]
impl AgendaItem {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("AgendaItem", self.row.id)
    }
    /// The meeting.
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Meeting> {
        load_meeting(ctx, self.row.meeting_id, self.access).await
    }
    /// Its place on the agenda, from 1.
    async fn number(&self) -> i32 {
        self.row.position
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.row.title
    }
    /// What it is about.
    async fn description(&self) -> &str {
        &self.row.description
    }
    /// What the body does with it.
    async fn kind(&self) -> AgendaItemKind {
        self.row.kind.into()
    }
    /// The presenter, when they are in the directory.
    async fn presenter(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match self.row.presenter_person_id {
            Some(id) => Ok(Some(load_person(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// The presenter's name when they are not in the directory.
    async fn presenter_name(&self) -> Option<&str> {
        self.row.presenter_name.as_deref()
    }
    /// Attached documents, in order.
    async fn documents(&self, ctx: &Context<'_>) -> Result<Vec<AgendaDocument>> {
        let mut rows = list_of(&loaders(ctx)?.records.documents, self.row.id).await?;
        rows.sort_by_key(|d| d.position);
        Ok(rows
            .into_iter()
            .map(|d| AgendaDocument {
                title: d.title,
                url: d.url,
            })
            .collect())
    }
    /// Motions made on this item, in the order made.
    async fn motions(&self, ctx: &Context<'_>) -> Result<Vec<Motion>> {
        let item = self.row.id;
        Ok(motions_of(ctx, self.row.meeting_id, self.access, |m| {
            m.agenda_item_id == item
        })
        .await?)
    }
}

/// A document attached to an agenda item.
#[derive(SimpleObject)]
pub struct AgendaDocument {
    /// What it is.
    title: String,
    /// Where it is.
    url: String,
}

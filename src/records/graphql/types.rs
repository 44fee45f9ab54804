//! The object types of the records.

use crate::directory::people::graphql::{Body, BodyPost, Person};
use crate::error::{AppError, AppResult};
use crate::graphql::context::loaders;
use crate::graphql::loaders::{list_of, prime, record_of};
use crate::graphql::organization::{Organization, load_organization};
use crate::ids;
use crate::policy::{self, RecordsAccess};
use crate::records::action_items::ActionItemView;
use crate::records::attendance::quorum;
use crate::records::domain::local_time;
use crate::records::meetings::MeetingView;
use crate::records::motions::{self, Tally};
use crate::{connection, mirror_enum};
use async_graphql::{Context, ID, Object, Result, SimpleObject, Union};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    action_item, action_item_review, agenda_item, attendance_record, meeting, minutes, motion, vote,
};
use std::collections::HashSet;
use uuid::Uuid;

mirror_enum! {
    /// What kind of meeting it is.
    MeetingKind mirrors entity::meeting::MeetingKind {
        /// A meeting on the body's regular calendar.
        Regular,
        /// A meeting called outside the regular calendar.
        Special,
        /// A meeting with residents, whose outcome is often an action plan.
        CommunityDialogue,
        /// A working session; it usually takes no action.
        Workshop,
    }
}

mirror_enum! {
    /// Where a meeting stands.
    MeetingStatus mirrors entity::meeting::MeetingStatus {
        /// Announced and not yet recorded as held.
        Scheduled,
        /// It took place.
        Held,
        /// It will not take place.
        Cancelled,
        /// Moved to another meeting (see `rescheduledTo`).
        Postponed,
    }
}

mirror_enum! {
    /// What the body does with an agenda item.
    AgendaItemKind mirrors entity::agenda_item::AgendaItemKind {
        /// Reports and announcements; no action.
        Information,
        /// Discussion without a decision.
        Discussion,
        /// The body may act: motions are made on action items only.
        Action,
        /// Time for the public to speak.
        PublicComment,
    }
}

mirror_enum! {
    /// How someone attended a meeting.
    AttendanceStatus mirrors entity::attendance_record::AttendanceStatus {
        /// In the room.
        Present,
        /// Online; counts towards quorum.
        Remote,
        /// Arrived after the start; counts towards quorum once there.
        Late,
        /// Absent with notice.
        Excused,
        /// Absent.
        Absent,
    }
}

mirror_enum! {
    /// What it takes for a motion to pass.
    VotingRule mirrors entity::motion::VotingRule {
        /// More yes than no votes; abstentions and recusals do not count.
        MajorityOfVotesCast,
        /// Yes votes from more than half of the body's voting seats, filled or not.
        MajorityOfSeats,
        /// Yes votes from at least two thirds of the votes cast (yes and no).
        TwoThirds,
    }
}

mirror_enum! {
    /// A member's answer in a roll call.
    VoteChoice mirrors entity::vote::VoteChoice {
        /// For.
        Yes,
        /// Against.
        No,
        /// Present, not voting.
        Abstain,
        /// Stepped aside for a conflict of interest; does not count towards quorum for the motion.
        Recused,
    }
}

mirror_enum! {
    /// Where minutes stand.
    MinutesStatus mirrors entity::minutes::MinutesStatus {
        /// Being written; members of the body read it.
        Draft,
        /// Approved by a motion at a later meeting; not yet public.
        Approved,
        /// Public and final; corrections are new minutes.
        Published,
    }
}

mirror_enum! {
    /// Where an action item stands.
    ActionItemStatus mirrors entity::action_item::ActionItemStatus {
        /// Not started.
        Open,
        /// Being worked on.
        InProgress,
        /// Done.
        Done,
        /// Given up.
        Dropped,
    }
}

mirror_enum! {
    /// What became of a motion; computed from its votes, never typed in.
    MotionResult mirrors crate::records::motions::MotionResult {
        /// Not voted on yet.
        Pending,
        /// Carried under its voting rule.
        Passed,
        /// Did not carry.
        Failed,
        /// Laid on the table without a vote.
        Tabled,
        /// Withdrawn before a vote.
        Withdrawn,
    }
}

connection!(MeetingConnection, MeetingEdge, Meeting, "meetings");
connection!(
    ActionItemConnection,
    ActionItemEdge,
    ActionItem,
    "action items"
);
connection!(VoteConnection, VoteEdge, Vote, "votes");

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// The person `id` through the request's loader.
pub async fn load_person(ctx: &Context<'_>, id: Uuid) -> Result<Person> {
    Ok(Person(
        record_of(&loaders(ctx)?.people.people, id, "person").await?,
    ))
}

async fn load_meeting(ctx: &Context<'_>, id: Uuid, access: RecordsAccess) -> Result<Meeting> {
    let row = record_of(&loaders(ctx)?.records.meetings, id, "meeting").await?;
    Ok(Meeting::new(row, access))
}

async fn load_body(ctx: &Context<'_>, id: Uuid) -> AppResult<entity::body::Model> {
    record_of(&loaders(ctx)?.people.bodies, id, "body").await
}

async fn load_motion(ctx: &Context<'_>, id: Uuid, access: RecordsAccess) -> Result<Motion> {
    let row = record_of(&loaders(ctx)?.records.motions, id, "motion").await?;
    Ok(Motion::new(row, access))
}

/// The motions of a meeting that `keep` selects, in the order made.
async fn motions_of(
    ctx: &Context<'_>,
    meeting_id: Uuid,
    access: RecordsAccess,
    keep: impl Fn(&motion::Model) -> bool,
) -> AppResult<Vec<Motion>> {
    let mut rows = list_of(&loaders(ctx)?.records.motions_by_meeting, meeting_id).await?;
    rows.retain(keep);
    rows.sort_by_key(|m| (m.created_at, m.id));
    Ok(rows
        .into_iter()
        .map(|row| Motion::new(row, access))
        .collect())
}

// ---------------------------------------------------------------- Meeting

/// A meeting of a body: when and where, whether it was held, and what
/// happened there.
pub struct Meeting {
    row: meeting::Model,
    access: RecordsAccess,
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

// ---------------------------------------------------------------- AgendaItem

/// An item of a meeting's agenda.
pub struct AgendaItem {
    row: agenda_item::Model,
    access: RecordsAccess,
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

// ---------------------------------------------------------------- Motion

/// A motion made on an agenda item, or an amendment of another motion.
pub struct Motion {
    row: motion::Model,
    access: RecordsAccess,
}

impl Motion {
    /// The motion as seen with `access` to its body's records.
    pub fn new(row: motion::Model, access: RecordsAccess) -> Self {
        Motion { row, access }
    }

    async fn vote_rows(&self, ctx: &Context<'_>) -> AppResult<Vec<vote::Model>> {
        let mut rows = list_of(&loaders(ctx)?.records.votes, self.row.id).await?;
        rows.sort_by_key(|v| (v.created_at, v.id));
        Ok(rows)
    }
}

/// A motion made on an agenda item, or an amendment of another motion.
#[Object]
impl Motion {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Motion", self.row.id)
    }
    /// The meeting it was made at.
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Meeting> {
        load_meeting(ctx, self.row.meeting_id, self.access).await
    }
    /// The agenda item it was made on.
    async fn agenda_item(&self, ctx: &Context<'_>) -> Result<AgendaItem> {
        let rows = list_of(&loaders(ctx)?.records.agenda_items, self.row.meeting_id).await?;
        let row = rows
            .into_iter()
            .find(|i| i.id == self.row.agenda_item_id)
            .ok_or_else(|| internal("motion without agenda item"))?;
        Ok(AgendaItem::new(row, self.access))
    }
    /// The motion this one amends (null for a main motion).
    async fn amends(&self, ctx: &Context<'_>) -> Result<Option<Motion>> {
        match self.row.amends_motion_id {
            Some(id) => Ok(Some(load_motion(ctx, id, self.access).await?)),
            None => Ok(None),
        }
    }
    /// Amendments of this motion, in the order made; they are voted first.
    async fn amendments(&self, ctx: &Context<'_>) -> Result<Vec<Motion>> {
        let amended = Some(self.row.id);
        Ok(motions_of(ctx, self.row.meeting_id, self.access, |m| {
            m.amends_motion_id == amended
        })
        .await?)
    }
    /// What is moved.
    async fn text(&self) -> &str {
        &self.row.text
    }
    /// Who moved it.
    async fn mover(&self, ctx: &Context<'_>) -> Result<Person> {
        load_person(ctx, self.row.mover_person_id).await
    }
    /// Who seconded it (null until seconded).
    async fn seconder(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match self.row.seconder_person_id {
            Some(id) => Ok(Some(load_person(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// What it takes to pass.
    async fn voting_rule(&self) -> VotingRule {
        self.row.voting_rule.into()
    }
    /// The body's voting seats when the motion was made (what a majority of seats counts from).
    async fn seats(&self) -> i32 {
        self.row.seats_at_motion
    }
    /// What became of it, computed from its votes under its rule.
    async fn result(&self, ctx: &Context<'_>) -> Result<MotionResult> {
        let votes = self.vote_rows(ctx).await?;
        Ok(motions::result(&self.row, &Tally::of(&votes)).into())
    }
    /// The counts of its roll call.
    async fn tally(&self, ctx: &Context<'_>) -> Result<VoteTally> {
        let t = Tally::of(&self.vote_rows(ctx).await?);
        Ok(VoteTally {
            yes: t.yes,
            no: t.no,
            abstain: t.abstain,
            recused: t.recused,
        })
    }
    /// Each member's vote, in the order called.
    async fn votes(&self, ctx: &Context<'_>) -> Result<Vec<Vote>> {
        Ok(self
            .vote_rows(ctx)
            .await?
            .into_iter()
            .map(|row| Vote::new(row, self.access))
            .collect())
    }
    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

/// The counts of a roll call.
#[derive(SimpleObject)]
pub struct VoteTally {
    /// Votes for.
    yes: i32,
    /// Votes against.
    no: i32,
    /// Members present who did not vote.
    abstain: i32,
    /// Members who stepped aside.
    recused: i32,
}

/// One member's vote in a roll call.
pub struct Vote {
    row: vote::Model,
    access: RecordsAccess,
}

impl Vote {
    /// The vote as seen with `access` to its body's records.
    pub fn new(row: vote::Model, access: RecordsAccess) -> Self {
        Vote { row, access }
    }
}

/// One member's vote in a roll call.
#[Object]
impl Vote {
    /// The member.
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        load_person(ctx, self.row.person_id).await
    }
    /// Their answer.
    async fn choice(&self) -> VoteChoice {
        self.row.choice.into()
    }
    /// The motion.
    async fn motion(&self, ctx: &Context<'_>) -> Result<Motion> {
        load_motion(ctx, self.row.motion_id, self.access).await
    }
    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

// ---------------------------------------------------------------- Minutes

/// The minutes of a meeting, or a correction of them.
pub struct Minutes {
    row: minutes::Model,
    access: RecordsAccess,
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

// ---------------------------------------------------------------- ActionItem

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
    row: action_item::Model,
    access: RecordsAccess,
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
    async fn due_on(&self) -> NaiveDate {
        self.row.due_on
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
    row: action_item_review::Model,
    access: RecordsAccess,
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
    async fn due_on(&self) -> NaiveDate {
        self.row.due_on
    }
    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

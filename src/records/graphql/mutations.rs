//! Mutations of the records: the clerk's meeting cycle. Each returns the
//! record it changed, seen as its keeper sees it.

use super::types::{
    ActionItem, ActionItemStatus, AgendaItem, AgendaItemKind, AttendanceStatus, Meeting,
    MeetingKind, Minutes, Motion, VoteChoice, VotingRule,
};
use crate::error::{AppError, AppResult};
use crate::graphql::context::{actor, state};
use crate::ids;
use crate::policy::RecordsAccess;
use crate::records::action_items::{self, Assignee, NewActionItem, NewReview};
use crate::records::agenda::{self, AgendaItemDraft, DocumentDraft};
use crate::records::attendance::{self, MemberAttendance};
use crate::records::meetings::{self, MeetingDraft};
use crate::records::minutes;
use crate::records::motions::{self, CastVote, NewMotion};
use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::NaiveDate;
use entity::motion::Disposition;
use uuid::Uuid;

/// Whatever a mutation returns is seen by the one who keeps the records.
const KEEPER: RecordsAccess = RecordsAccess::Manage;

fn id_of(id: &ID, type_name: &str, field: &str) -> AppResult<Uuid> {
    ids::decode_as(id, type_name, field)
}

/// A meeting's kind, title, times and place.
#[derive(InputObject)]
pub struct MeetingInput {
    /// What kind of meeting.
    kind: MeetingKind,
    /// Its title; defaults to the kind, e.g. "Regular meeting".
    title: Option<String>,
    /// Start: local to the body (`2026-12-10T18:00`) or with an offset (`2026-12-10T18:00:00-05:00`).
    starts_at: String,
    /// End, in the same forms; after the start, at most 24 hours later.
    ends_at: String,
    /// Where it meets in person (a location, a remote link, or both).
    location: Option<String>,
    /// Where it meets online (`https://...`).
    remote_url: Option<String>,
}

impl From<MeetingInput> for MeetingDraft {
    fn from(input: MeetingInput) -> Self {
        MeetingDraft {
            kind: input.kind.into(),
            title: input.title,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            location: input.location,
            remote_url: input.remote_url,
        }
    }
}

/// A postponement.
#[derive(InputObject)]
pub struct PostponeMeetingInput {
    /// The scheduled meeting to postpone.
    meeting_id: ID,
    /// New start (local to the body, or with an offset); later than the old one.
    starts_at: String,
    /// New end.
    ends_at: String,
    /// Why, for the public.
    reason: String,
}

/// A link to a document.
#[derive(InputObject)]
pub struct DocumentLinkInput {
    /// What it is, e.g. "Draft language access plan".
    title: String,
    /// Where it is (`https://...`).
    url: String,
}

/// An agenda item's fields.
#[derive(InputObject)]
pub struct AgendaItemInput {
    /// Title.
    title: String,
    /// What it is about.
    description: Option<String>,
    /// What the body does with it; motions are made on `ACTION` items only.
    kind: AgendaItemKind,
    /// A presenter from the directory.
    presenter_id: Option<ID>,
    /// A presenter not in the directory (instead of `presenterId`).
    presenter_name: Option<String>,
    /// Attached documents, in order (replaces the item's documents).
    #[graphql(default)]
    documents: Vec<DocumentLinkInput>,
}

impl AgendaItemInput {
    fn parse(self) -> AppResult<AgendaItemDraft> {
        Ok(AgendaItemDraft {
            title: self.title,
            description: self.description,
            kind: self.kind.into(),
            presenter_person_id: self
                .presenter_id
                .as_ref()
                .map(|id| id_of(id, "Person", "input.presenterId"))
                .transpose()?,
            presenter_name: self.presenter_name,
            documents: self
                .documents
                .into_iter()
                .map(|d| DocumentDraft {
                    title: d.title,
                    url: d.url,
                })
                .collect(),
        })
    }
}

/// One member's attendance.
#[derive(InputObject)]
pub struct MemberAttendanceInput {
    /// The member (a person seated on the body on the meeting's date).
    person_id: ID,
    /// How they attended.
    status: AttendanceStatus,
}

/// Attendance at a meeting.
#[derive(InputObject)]
pub struct RecordAttendanceInput {
    /// The meeting.
    meeting_id: ID,
    /// Members' attendance; members not named keep what was recorded.
    #[graphql(default)]
    members: Vec<MemberAttendanceInput>,
    /// Names of the guests present; when given, replaces the list of guests.
    guests: Option<Vec<String>>,
}

/// A motion, or an amendment of one.
#[derive(InputObject)]
pub struct MakeMotionInput {
    /// The `ACTION` item of the published agenda it is made on.
    agenda_item_id: ID,
    /// For an amendment: the pending motion it amends (on the same item).
    amends_motion_id: Option<ID>,
    /// What is moved.
    text: String,
    /// Who moved it: a seat holder taking part in the meeting.
    mover_id: ID,
    /// Who seconded it, if someone did at once: another seat holder taking part.
    seconder_id: Option<ID>,
    /// What it takes to pass.
    #[graphql(default_with = "VotingRule::MajorityOfVotesCast")]
    voting_rule: VotingRule,
    /// Retry safely: the same key from the same caller within 24 hours returns the first result.
    idempotency_key: Option<String>,
}

/// One member's vote.
#[derive(InputObject)]
pub struct VoteInput {
    /// The member: a seat holder taking part in the meeting.
    person_id: ID,
    /// Their answer.
    choice: VoteChoice,
}

/// Votes of a roll call.
#[derive(InputObject)]
pub struct RecordVotesInput {
    /// The motion.
    motion_id: ID,
    /// The votes (the whole call, or the members answering now).
    votes: Vec<VoteInput>,
    /// Retry safely: the same key from the same caller within 24 hours returns the first result.
    idempotency_key: Option<String>,
}

/// A new revision of draft minutes.
#[derive(InputObject)]
pub struct ReviseMinutesInput {
    /// The draft minutes.
    minutes_id: ID,
    /// The full new text.
    text: String,
    /// The revision this text was written from; the save is refused
    /// (`CONFLICT`) if a later one was saved meanwhile.
    base_revision: Option<i32>,
}

/// A new action item.
#[derive(InputObject)]
pub struct CreateActionItemInput {
    /// The meeting that decided it.
    meeting_id: ID,
    /// The agenda item it comes from.
    agenda_item_id: Option<ID>,
    /// What is to be done.
    description: String,
    /// Assigned to this person (give a person or an organization).
    assignee_person_id: Option<ID>,
    /// Assigned to this organization.
    assignee_organization_id: Option<ID>,
    /// By when.
    due_on: NaiveDate,
    /// Retry safely: the same key from the same caller within 24 hours returns the first result.
    idempotency_key: Option<String>,
}

/// A review of an action item at a later meeting.
#[derive(InputObject)]
pub struct ReviewActionItemInput {
    /// The item.
    action_item_id: ID,
    /// The later meeting of the same body where it was reviewed.
    meeting_id: ID,
    /// What was reported.
    update: String,
    /// The status it leaves the item in (unchanged when absent).
    status: Option<ActionItemStatus>,
    /// A new due date (unchanged when absent).
    due_on: Option<NaiveDate>,
}

fn assignee(input: &CreateActionItemInput) -> AppResult<Assignee> {
    match (&input.assignee_person_id, &input.assignee_organization_id) {
        (Some(id), None) => Ok(Assignee::Person(id_of(
            id,
            "Person",
            "input.assigneePersonId",
        )?)),
        (None, Some(id)) => Ok(Assignee::Organization(id_of(
            id,
            "Organization",
            "input.assigneeOrganizationId",
        )?)),
        _ => Err(AppError::bad_input(
            "input.assigneePersonId",
            "give a person or an organization (exactly one)",
        )),
    }
}

/// Mutations of the records.
#[derive(Default)]
pub struct RecordsMutation;

#[Object]
impl RecordsMutation {
    /// Schedules a meeting of a body (clerks, coordinators, and the admins
    /// and staff of the body's owning organization).
    async fn schedule_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The body.")] body_id: ID,
        #[graphql(desc = "The meeting.")] input: MeetingInput,
        #[graphql(
            desc = "Retry safely: the same key from the same caller within 24 hours returns the first result."
        )]
        idempotency_key: Option<String>,
    ) -> Result<Meeting> {
        let body_id = id_of(&body_id, "Body", "bodyId")?;
        let m = meetings::schedule_meeting(
            &state(ctx)?.db,
            actor(ctx)?,
            body_id,
            input.into(),
            idempotency_key.as_deref(),
        )
        .await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Changes a scheduled meeting (replaces its kind, title, times and place).
    async fn update_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting.")] meeting_id: ID,
        #[graphql(desc = "Its new fields.")] input: MeetingInput,
    ) -> Result<Meeting> {
        let id = id_of(&meeting_id, "Meeting", "meetingId")?;
        let m = meetings::update_meeting(&state(ctx)?.db, actor(ctx)?, id, input.into()).await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Publishes a scheduled meeting's agenda: the public reads it, and the
    /// body may act on its items.
    async fn publish_agenda(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting.")] meeting_id: ID,
    ) -> Result<Meeting> {
        let id = id_of(&meeting_id, "Meeting", "meetingId")?;
        let m = meetings::publish_agenda(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Cancels a scheduled meeting.
    async fn cancel_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting.")] meeting_id: ID,
        #[graphql(desc = "Why, for the public.")] reason: String,
    ) -> Result<Meeting> {
        let id = id_of(&meeting_id, "Meeting", "meetingId")?;
        let m = meetings::cancel_meeting(&state(ctx)?.db, actor(ctx)?, id, &reason).await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Postpones a scheduled meeting: a new meeting is scheduled with a copy
    /// of the agenda (to publish again). Returns the postponed meeting; its
    /// `rescheduledTo` is the new one.
    async fn postpone_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The postponement.")] input: PostponeMeetingInput,
    ) -> Result<Meeting> {
        let id = id_of(&input.meeting_id, "Meeting", "input.meetingId")?;
        let m = meetings::postpone_meeting(
            &state(ctx)?.db,
            actor(ctx)?,
            id,
            &input.starts_at,
            &input.ends_at,
            &input.reason,
        )
        .await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Records that a scheduled meeting took place.
    async fn mark_meeting_held(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting.")] meeting_id: ID,
    ) -> Result<Meeting> {
        let id = id_of(&meeting_id, "Meeting", "meetingId")?;
        let m = meetings::mark_held(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Adds an item to a meeting's agenda, at `position` or at the end.
    async fn add_agenda_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting.")] meeting_id: ID,
        #[graphql(desc = "Place on the agenda, from 1; the end when absent.")] position: Option<
            i32,
        >,
        #[graphql(desc = "The item.")] input: AgendaItemInput,
        #[graphql(
            desc = "Retry safely: the same key from the same caller within 24 hours returns the first result."
        )]
        idempotency_key: Option<String>,
    ) -> Result<AgendaItem> {
        let id = id_of(&meeting_id, "Meeting", "meetingId")?;
        let item = agenda::add_item(
            &state(ctx)?.db,
            actor(ctx)?,
            id,
            position,
            input.parse()?,
            idempotency_key.as_deref(),
        )
        .await?;
        Ok(AgendaItem::new(item, KEEPER))
    }

    /// Replaces an agenda item's fields and documents.
    async fn update_agenda_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item.")] item_id: ID,
        #[graphql(desc = "Its new fields.")] input: AgendaItemInput,
    ) -> Result<AgendaItem> {
        let id = id_of(&item_id, "AgendaItem", "itemId")?;
        let item = agenda::update_item(&state(ctx)?.db, actor(ctx)?, id, input.parse()?).await?;
        Ok(AgendaItem::new(item, KEEPER))
    }

    /// Removes an agenda item no motion or action item refers to. Returns the meeting.
    async fn remove_agenda_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item.")] item_id: ID,
    ) -> Result<Meeting> {
        let id = id_of(&item_id, "AgendaItem", "itemId")?;
        let db = &state(ctx)?.db;
        let meeting_id = agenda::remove_item(db, actor(ctx)?, id).await?;
        Ok(meetings::meeting(db, actor(ctx)?, meeting_id).await?.into())
    }

    /// Puts a meeting's agenda in a new order in one change: `itemIds` names
    /// every item exactly once.
    async fn reorder_agenda(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting.")] meeting_id: ID,
        #[graphql(desc = "Every item of the agenda, in the new order.")] item_ids: Vec<ID>,
    ) -> Result<Meeting> {
        let id = id_of(&meeting_id, "Meeting", "meetingId")?;
        let items = item_ids
            .iter()
            .enumerate()
            .map(|(i, item)| id_of(item, "AgendaItem", &format!("itemIds.{i}")))
            .collect::<AppResult<Vec<_>>>()?;
        let db = &state(ctx)?.db;
        agenda::reorder(db, actor(ctx)?, id, items).await?;
        Ok(meetings::meeting(db, actor(ctx)?, id).await?.into())
    }

    /// Records members' attendance (and the guests present) at a meeting
    /// under way or held.
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The attendance.")] input: RecordAttendanceInput,
    ) -> Result<Meeting> {
        let id = id_of(&input.meeting_id, "Meeting", "input.meetingId")?;
        let members = input
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                Ok(MemberAttendance {
                    person_id: id_of(&m.person_id, "Person", &format!("members.{i}.personId"))?,
                    status: m.status.into(),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let m = attendance::record(&state(ctx)?.db, actor(ctx)?, id, members, input.guests).await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Records a motion (or an amendment) made at a meeting.
    async fn make_motion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The motion.")] input: MakeMotionInput,
    ) -> Result<Motion> {
        let key = input.idempotency_key.clone();
        let parsed = NewMotion {
            agenda_item_id: id_of(&input.agenda_item_id, "AgendaItem", "input.agendaItemId")?,
            amends_motion_id: input
                .amends_motion_id
                .as_ref()
                .map(|id| id_of(id, "Motion", "input.amendsMotionId"))
                .transpose()?,
            text: input.text,
            mover_id: id_of(&input.mover_id, "Person", "input.moverId")?,
            seconder_id: input
                .seconder_id
                .as_ref()
                .map(|id| id_of(id, "Person", "input.seconderId"))
                .transpose()?,
            voting_rule: input.voting_rule.into(),
        };
        let m = motions::make(&state(ctx)?.db, actor(ctx)?, parsed, key.as_deref()).await?;
        Ok(Motion::new(m, KEEPER))
    }

    /// Records who seconded a motion made without a second.
    async fn second_motion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The motion.")] motion_id: ID,
        #[graphql(desc = "The seconder: a seat holder taking part.")] seconder_id: ID,
    ) -> Result<Motion> {
        let id = id_of(&motion_id, "Motion", "motionId")?;
        let seconder = id_of(&seconder_id, "Person", "seconderId")?;
        let m = motions::second(&state(ctx)?.db, actor(ctx)?, id, seconder).await?;
        Ok(Motion::new(m, KEEPER))
    }

    /// Lays a pending motion on the table (no vote).
    async fn table_motion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The motion.")] motion_id: ID,
    ) -> Result<Motion> {
        let id = id_of(&motion_id, "Motion", "motionId")?;
        let m = motions::dispose(&state(ctx)?.db, actor(ctx)?, id, Disposition::Tabled).await?;
        Ok(Motion::new(m, KEEPER))
    }

    /// Records that the mover withdrew a pending motion.
    async fn withdraw_motion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The motion.")] motion_id: ID,
    ) -> Result<Motion> {
        let id = id_of(&motion_id, "Motion", "motionId")?;
        let m = motions::dispose(&state(ctx)?.db, actor(ctx)?, id, Disposition::Withdrawn).await?;
        Ok(Motion::new(m, KEEPER))
    }

    /// Records votes of a motion's roll call. Refused for voters who are not
    /// seat holders taking part (`BAD_USER_INPUT`), a second vote, a motion
    /// not seconded or not pending, a pending amendment, or no quorum
    /// (`CONFLICT`).
    async fn record_votes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The votes.")] input: RecordVotesInput,
    ) -> Result<Motion> {
        let id = id_of(&input.motion_id, "Motion", "input.motionId")?;
        let votes = input
            .votes
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Ok(CastVote {
                    person_id: id_of(&v.person_id, "Person", &format!("votes.{i}.personId"))?,
                    choice: v.choice.into(),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let m = motions::record_votes(
            &state(ctx)?.db,
            actor(ctx)?,
            id,
            votes,
            input.idempotency_key.as_deref(),
        )
        .await?;
        Ok(Motion::new(m, KEEPER))
    }

    /// Starts the minutes of a held meeting (revision 1).
    async fn draft_minutes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting.")] meeting_id: ID,
        #[graphql(desc = "The text.")] text: String,
    ) -> Result<Minutes> {
        let id = id_of(&meeting_id, "Meeting", "meetingId")?;
        let m = minutes::draft(&state(ctx)?.db, actor(ctx)?, id, &text).await?;
        Ok(Minutes::new(m, KEEPER))
    }

    /// Saves a new revision of draft minutes.
    async fn revise_minutes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The revision.")] input: ReviseMinutesInput,
    ) -> Result<Minutes> {
        let id = id_of(&input.minutes_id, "Minutes", "input.minutesId")?;
        let m = minutes::revise(
            &state(ctx)?.db,
            actor(ctx)?,
            id,
            &input.text,
            input.base_revision,
        )
        .await?;
        Ok(Minutes::new(m, KEEPER))
    }

    /// Approves draft minutes by a passed motion made at a later meeting of
    /// the same body.
    async fn approve_minutes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The minutes.")] minutes_id: ID,
        #[graphql(desc = "The passed motion that approved them.")] motion_id: ID,
    ) -> Result<Minutes> {
        let id = id_of(&minutes_id, "Minutes", "minutesId")?;
        let motion = id_of(&motion_id, "Motion", "motionId")?;
        let m = minutes::approve(&state(ctx)?.db, actor(ctx)?, id, motion).await?;
        Ok(Minutes::new(m, KEEPER))
    }

    /// Publishes approved minutes: they, and their meeting's record, are final.
    async fn publish_minutes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The minutes.")] minutes_id: ID,
    ) -> Result<Minutes> {
        let id = id_of(&minutes_id, "Minutes", "minutesId")?;
        let m = minutes::publish(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(Minutes::new(m, KEEPER))
    }

    /// Drafts a correction of published minutes; it is approved and
    /// published like minutes, and both stay visible.
    async fn draft_minutes_correction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The published minutes to correct.")] minutes_id: ID,
        #[graphql(desc = "The text of the correction.")] text: String,
        #[graphql(
            desc = "Retry safely: the same key from the same caller within 24 hours returns the first result."
        )]
        idempotency_key: Option<String>,
    ) -> Result<Minutes> {
        let id = id_of(&minutes_id, "Minutes", "minutesId")?;
        let m = minutes::draft_correction(
            &state(ctx)?.db,
            actor(ctx)?,
            id,
            &text,
            idempotency_key.as_deref(),
        )
        .await?;
        Ok(Minutes::new(m, KEEPER))
    }

    /// Records an action item decided at a meeting.
    async fn create_action_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item.")] input: CreateActionItemInput,
    ) -> Result<ActionItem> {
        let key = input.idempotency_key.clone();
        let parsed = NewActionItem {
            meeting_id: id_of(&input.meeting_id, "Meeting", "input.meetingId")?,
            agenda_item_id: input
                .agenda_item_id
                .as_ref()
                .map(|id| id_of(id, "AgendaItem", "input.agendaItemId"))
                .transpose()?,
            assignee: assignee(&input)?,
            description: input.description,
            due_on: input.due_on,
        };
        let item =
            action_items::create(&state(ctx)?.db, actor(ctx)?, parsed, key.as_deref()).await?;
        Ok(ActionItem::new(item, KEEPER))
    }

    /// Records the review of an action item at a later meeting of its body.
    async fn review_action_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The review.")] input: ReviewActionItemInput,
    ) -> Result<ActionItem> {
        let id = id_of(&input.action_item_id, "ActionItem", "input.actionItemId")?;
        let parsed = NewReview {
            meeting_id: id_of(&input.meeting_id, "Meeting", "input.meetingId")?,
            update: input.update,
            status: input.status.map(Into::into),
            due_on: input.due_on,
        };
        let item = action_items::review(&state(ctx)?.db, actor(ctx)?, id, parsed).await?;
        Ok(ActionItem::new(item, KEEPER))
    }
}

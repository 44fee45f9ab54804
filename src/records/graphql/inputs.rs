//! The inputs of the records' mutations: one `input` argument each, whose
//! fields name the errors (`input.meetingId`).

use super::types::{
    ActionItemStatus, AgendaItemKind, AttendanceStatus, MeetingKind, VoteChoice, VotingRule,
};
use crate::error::{AppError, AppResult};
use crate::graphql::scalars::Date;
use crate::ids;
use crate::records::action_items::Assignee;
use crate::records::agenda::{AgendaItemDraft, DocumentDraft};
use crate::records::meetings::MeetingDraft;
use async_graphql::{ID, InputObject};
use uuid::Uuid;

/// The record an input's id names, or `BAD_USER_INPUT` naming `field`.
pub(super) fn id_of(id: &ID, type_name: &str, field: &str) -> AppResult<Uuid> {
    ids::decode_as(id, type_name, field)
}

/// A meeting's kind, title, times and place.
#[derive(InputObject)]
pub struct MeetingInput {
    /// What kind of meeting.
    pub kind: MeetingKind,
    /// Its title; defaults to the kind, e.g. "Regular meeting".
    pub title: Option<String>,
    /// Start: local to the body (`2026-12-10T18:00`) or with an offset (`2026-12-10T18:00:00-05:00`).
    pub starts_at: String,
    /// End, in the same forms; after the start, at most 24 hours later.
    pub ends_at: String,
    /// Where it meets in person (a location, a remote link, or both).
    pub location: Option<String>,
    /// Where it meets online (`https://...`).
    pub remote_url: Option<String>,
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
    pub meeting_id: ID,
    /// New start (local to the body, or with an offset); later than the old one.
    pub starts_at: String,
    /// New end.
    pub ends_at: String,
    /// Why, for the public.
    pub reason: String,
}

/// A link to a document.
#[derive(InputObject)]
pub struct DocumentLinkInput {
    /// What it is, e.g. "Draft language access plan".
    pub title: String,
    /// Where it is (`https://...`).
    pub url: String,
}

/// An agenda item's fields.
#[derive(InputObject)]
pub struct AgendaItemInput {
    /// Title.
    pub title: String,
    /// What it is about.
    pub description: Option<String>,
    /// What the body does with it; motions are made on `ACTION` items only.
    pub kind: AgendaItemKind,
    /// A presenter from the directory.
    pub presenter_id: Option<ID>,
    /// A presenter not in the directory (instead of `presenterId`).
    pub presenter_name: Option<String>,
    /// Attached documents, in order (replaces the item's documents).
    #[graphql(default)]
    pub documents: Vec<DocumentLinkInput>,
}

impl AgendaItemInput {
    pub(super) fn parse(self) -> AppResult<AgendaItemDraft> {
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
    pub person_id: ID,
    /// How they attended.
    pub status: AttendanceStatus,
}

/// Attendance at a meeting.
#[derive(InputObject)]
pub struct RecordAttendanceInput {
    /// The meeting.
    pub meeting_id: ID,
    /// Members' attendance; members not named keep what was recorded.
    #[graphql(default)]
    pub members: Vec<MemberAttendanceInput>,
    /// Names of the guests present; when given, replaces the list of guests.
    pub guests: Option<Vec<String>>,
}

/// A motion, or an amendment of one.
#[derive(InputObject)]
pub struct MakeMotionInput {
    /// The `ACTION` item of the published agenda it is made on.
    pub agenda_item_id: ID,
    /// For an amendment: the pending motion it amends (on the same item).
    pub amends_motion_id: Option<ID>,
    /// What is moved.
    pub text: String,
    /// Who moved it: a seat holder taking part in the meeting.
    pub mover_id: ID,
    /// Who seconded it, if someone did at once: another seat holder taking part.
    pub seconder_id: Option<ID>,
    /// What it takes to pass.
    #[graphql(default_with = "VotingRule::MajorityOfVotesCast")]
    pub voting_rule: VotingRule,
    /// Retry safely: the same key from the same caller within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// One member's vote.
#[derive(InputObject)]
pub struct VoteInput {
    /// The member: a seat holder taking part in the meeting.
    pub person_id: ID,
    /// Their answer.
    pub choice: VoteChoice,
}

/// Votes of a roll call.
#[derive(InputObject)]
pub struct RecordVotesInput {
    /// The motion.
    pub motion_id: ID,
    /// The votes (the whole call, or the members answering now).
    pub votes: Vec<VoteInput>,
    /// Retry safely: the same key from the same caller within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// A new revision of draft minutes.
#[derive(InputObject)]
pub struct ReviseMinutesInput {
    /// The draft minutes.
    pub minutes_id: ID,
    /// The full new text.
    pub text: String,
    /// The revision this text was written from; the save is refused
    /// (`CONFLICT`) if a later one was saved meanwhile.
    pub base_revision: Option<i32>,
}

/// A new action item.
#[derive(InputObject)]
pub struct CreateActionItemInput {
    /// The meeting that decided it.
    pub meeting_id: ID,
    /// The agenda item it comes from.
    pub agenda_item_id: Option<ID>,
    /// What is to be done.
    pub description: String,
    /// Assigned to this person (give a person or an organization).
    pub assignee_person_id: Option<ID>,
    /// Assigned to this organization.
    pub assignee_organization_id: Option<ID>,
    /// By when.
    pub due_on: Date,
    /// Retry safely: the same key from the same caller within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// A review of an action item at a later meeting.
#[derive(InputObject)]
pub struct ReviewActionItemInput {
    /// The item.
    pub action_item_id: ID,
    /// The later meeting of the same body where it was reviewed.
    pub meeting_id: ID,
    /// What was reported.
    pub update: String,
    /// The status it leaves the item in (unchanged when absent).
    pub status: Option<ActionItemStatus>,
    /// A new due date (unchanged when absent).
    pub due_on: Option<Date>,
}

pub(super) fn assignee(input: &CreateActionItemInput) -> AppResult<Assignee> {
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

/// A meeting to schedule.
#[derive(InputObject)]
pub struct ScheduleMeetingInput {
    /// The body that meets.
    pub body_id: ID,
    /// The meeting's kind, title, times and place.
    #[graphql(flatten)]
    pub meeting: MeetingInput,
    /// Retry safely: the same key from the same caller within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// A scheduled meeting's new fields.
#[derive(InputObject)]
pub struct UpdateMeetingInput {
    /// The scheduled meeting.
    pub meeting_id: ID,
    /// Its new kind, title, times and place (every field replaced).
    #[graphql(flatten)]
    pub meeting: MeetingInput,
}

/// A meeting whose agenda is published.
#[derive(InputObject)]
pub struct PublishAgendaInput {
    /// The scheduled meeting.
    pub meeting_id: ID,
}

/// A cancellation.
#[derive(InputObject)]
pub struct CancelMeetingInput {
    /// The scheduled meeting.
    pub meeting_id: ID,
    /// Why, for the public.
    pub reason: String,
}

/// A meeting that took place.
#[derive(InputObject)]
pub struct MarkMeetingHeldInput {
    /// The scheduled meeting.
    pub meeting_id: ID,
}

/// An item to add to a meeting's agenda.
#[derive(InputObject)]
pub struct AddAgendaItemInput {
    /// The meeting.
    pub meeting_id: ID,
    /// Place on the agenda, from 1; the end when absent.
    pub position: Option<i32>,
    /// The item's fields.
    #[graphql(flatten)]
    pub item: AgendaItemInput,
    /// Retry safely: the same key from the same caller within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// An agenda item's new fields.
#[derive(InputObject)]
pub struct UpdateAgendaItemInput {
    /// The item.
    pub item_id: ID,
    /// Its new fields and documents (every field replaced).
    #[graphql(flatten)]
    pub item: AgendaItemInput,
}

/// An agenda item to remove.
#[derive(InputObject)]
pub struct RemoveAgendaItemInput {
    /// The item.
    pub item_id: ID,
}

/// A meeting's agenda in a new order.
#[derive(InputObject)]
pub struct ReorderAgendaInput {
    /// The meeting.
    pub meeting_id: ID,
    /// Every item of the agenda, each exactly once, in the new order.
    pub item_ids: Vec<ID>,
}

/// Who seconded a motion made without a second.
#[derive(InputObject)]
pub struct SecondMotionInput {
    /// The motion.
    pub motion_id: ID,
    /// The seconder: a seat holder taking part.
    pub seconder_id: ID,
}

/// A pending motion laid on the table.
#[derive(InputObject)]
pub struct TableMotionInput {
    /// The motion.
    pub motion_id: ID,
}

/// A pending motion its mover withdrew.
#[derive(InputObject)]
pub struct WithdrawMotionInput {
    /// The motion.
    pub motion_id: ID,
}

/// The first draft of a held meeting's minutes.
#[derive(InputObject)]
pub struct DraftMinutesInput {
    /// The held meeting.
    pub meeting_id: ID,
    /// The text.
    pub text: String,
}

/// An approval of draft minutes.
#[derive(InputObject)]
pub struct ApproveMinutesInput {
    /// The draft minutes.
    pub minutes_id: ID,
    /// The passed motion, made at a later meeting of the same body, that approved them.
    pub motion_id: ID,
}

/// Approved minutes to publish.
#[derive(InputObject)]
pub struct PublishMinutesInput {
    /// The approved minutes.
    pub minutes_id: ID,
}

/// A correction of published minutes.
#[derive(InputObject)]
pub struct DraftMinutesCorrectionInput {
    /// The published minutes to correct.
    pub minutes_id: ID,
    /// The text of the correction.
    pub text: String,
    /// Retry safely: the same key from the same caller within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

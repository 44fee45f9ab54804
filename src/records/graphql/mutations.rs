//! Mutations of the records: the clerk's meeting cycle. Each returns the
//! record it changed, seen as its keeper sees it.

use super::inputs::{
    AddAgendaItemInput, ApproveMinutesInput, CancelMeetingInput, CreateActionItemInput,
    DraftMinutesCorrectionInput, DraftMinutesInput, MakeMotionInput, MarkMeetingHeldInput,
    PostponeMeetingInput, PublishAgendaInput, PublishMinutesInput, RecordAttendanceInput,
    RecordVotesInput, RemoveAgendaItemInput, ReorderAgendaInput, ReviewActionItemInput,
    ReviseMinutesInput, ScheduleMeetingInput, SecondMotionInput, TableMotionInput,
    UpdateAgendaItemInput, UpdateMeetingInput, WithdrawMotionInput, assignee, id_of,
};
use super::types::{ActionItem, AgendaItem, Meeting, Minutes, Motion};
use crate::error::AppResult;
use crate::graphql::context::{actor, state};
use crate::policy::RecordsAccess;
use crate::records::action_items::{self, NewActionItem, NewReview};
use crate::records::agenda;
use crate::records::attendance::{self, MemberAttendance};
use crate::records::meetings;
use crate::records::minutes;
use crate::records::motions::{self, CastVote, NewMotion};
use async_graphql::{Context, Object, Result};
use entity::motion::Disposition;

/// Whatever a mutation returns is seen by the one who keeps the records.
const KEEPER: RecordsAccess = RecordsAccess::Manage;

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
        #[graphql(desc = "The body and the meeting.")] input: ScheduleMeetingInput,
    ) -> Result<Meeting> {
        let body_id = id_of(&input.body_id, "Body", "input.bodyId")?;
        let m = meetings::schedule_meeting(
            &state(ctx)?.db,
            actor(ctx)?,
            body_id,
            input.meeting.into(),
            input.idempotency_key.as_deref(),
        )
        .await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Changes a scheduled meeting (replaces its kind, title, times and place).
    async fn update_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting and its new fields.")] input: UpdateMeetingInput,
    ) -> Result<Meeting> {
        let id = id_of(&input.meeting_id, "Meeting", "input.meetingId")?;
        let m = meetings::update_meeting(&state(ctx)?.db, actor(ctx)?, id, input.meeting.into())
            .await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Publishes a scheduled meeting's agenda: the public reads it, and the
    /// body may act on its items.
    async fn publish_agenda(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting.")] input: PublishAgendaInput,
    ) -> Result<Meeting> {
        let id = id_of(&input.meeting_id, "Meeting", "input.meetingId")?;
        let m = meetings::publish_agenda(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Cancels a scheduled meeting.
    async fn cancel_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting and why.")] input: CancelMeetingInput,
    ) -> Result<Meeting> {
        let id = id_of(&input.meeting_id, "Meeting", "input.meetingId")?;
        let m = meetings::cancel_meeting(&state(ctx)?.db, actor(ctx)?, id, &input.reason).await?;
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
        #[graphql(desc = "The meeting.")] input: MarkMeetingHeldInput,
    ) -> Result<Meeting> {
        let id = id_of(&input.meeting_id, "Meeting", "input.meetingId")?;
        let m = meetings::mark_held(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(Meeting::new(m, KEEPER))
    }

    /// Adds an item to a meeting's agenda, at `position` or at the end.
    async fn add_agenda_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting, the item and its place.")] input: AddAgendaItemInput,
    ) -> Result<AgendaItem> {
        let id = id_of(&input.meeting_id, "Meeting", "input.meetingId")?;
        let item = agenda::add_item(
            &state(ctx)?.db,
            actor(ctx)?,
            id,
            input.position,
            input.item.parse()?,
            input.idempotency_key.as_deref(),
        )
        .await?;
        Ok(AgendaItem::new(item, KEEPER))
    }

    /// Replaces an agenda item's fields and documents.
    async fn update_agenda_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item and its new fields.")] input: UpdateAgendaItemInput,
    ) -> Result<AgendaItem> {
        let id = id_of(&input.item_id, "AgendaItem", "input.itemId")?;
        let fields = input.item.parse()?;
        let item = agenda::update_item(&state(ctx)?.db, actor(ctx)?, id, fields).await?;
        Ok(AgendaItem::new(item, KEEPER))
    }

    /// Removes an agenda item no motion or action item refers to. Returns the meeting.
    async fn remove_agenda_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item.")] input: RemoveAgendaItemInput,
    ) -> Result<Meeting> {
        let id = id_of(&input.item_id, "AgendaItem", "input.itemId")?;
        let db = &state(ctx)?.db;
        let meeting_id = agenda::remove_item(db, actor(ctx)?, id).await?;
        Ok(meetings::meeting(db, actor(ctx)?, meeting_id).await?.into())
    }

    /// Puts a meeting's agenda in a new order in one change: `itemIds` names
    /// every item exactly once.
    async fn reorder_agenda(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting and its items in the new order.")] input: ReorderAgendaInput,
    ) -> Result<Meeting> {
        let id = id_of(&input.meeting_id, "Meeting", "input.meetingId")?;
        let items = input
            .item_ids
            .iter()
            .enumerate()
            .map(|(i, item)| id_of(item, "AgendaItem", &format!("input.itemIds.{i}")))
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
                    person_id: id_of(
                        &m.person_id,
                        "Person",
                        &format!("input.members.{i}.personId"),
                    )?,
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
        #[graphql(desc = "The motion and its seconder.")] input: SecondMotionInput,
    ) -> Result<Motion> {
        let id = id_of(&input.motion_id, "Motion", "input.motionId")?;
        let seconder = id_of(&input.seconder_id, "Person", "input.seconderId")?;
        let m = motions::second(&state(ctx)?.db, actor(ctx)?, id, seconder).await?;
        Ok(Motion::new(m, KEEPER))
    }

    /// Lays a pending motion on the table (no vote).
    async fn table_motion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The motion.")] input: TableMotionInput,
    ) -> Result<Motion> {
        let id = id_of(&input.motion_id, "Motion", "input.motionId")?;
        let m = motions::dispose(&state(ctx)?.db, actor(ctx)?, id, Disposition::Tabled).await?;
        Ok(Motion::new(m, KEEPER))
    }

    /// Records that the mover withdrew a pending motion.
    async fn withdraw_motion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The motion.")] input: WithdrawMotionInput,
    ) -> Result<Motion> {
        let id = id_of(&input.motion_id, "Motion", "input.motionId")?;
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
                    person_id: id_of(&v.person_id, "Person", &format!("input.votes.{i}.personId"))?,
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
        #[graphql(desc = "The meeting and the text.")] input: DraftMinutesInput,
    ) -> Result<Minutes> {
        let id = id_of(&input.meeting_id, "Meeting", "input.meetingId")?;
        let m = minutes::draft(&state(ctx)?.db, actor(ctx)?, id, &input.text).await?;
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
        #[graphql(desc = "The minutes and the motion that approved them.")]
        input: ApproveMinutesInput,
    ) -> Result<Minutes> {
        let id = id_of(&input.minutes_id, "Minutes", "input.minutesId")?;
        let motion = id_of(&input.motion_id, "Motion", "input.motionId")?;
        let m = minutes::approve(&state(ctx)?.db, actor(ctx)?, id, motion).await?;
        Ok(Minutes::new(m, KEEPER))
    }

    /// Publishes approved minutes: they, and their meeting's record, are final.
    async fn publish_minutes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The minutes.")] input: PublishMinutesInput,
    ) -> Result<Minutes> {
        let id = id_of(&input.minutes_id, "Minutes", "input.minutesId")?;
        let m = minutes::publish(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(Minutes::new(m, KEEPER))
    }

    /// Drafts a correction of published minutes; it is approved and
    /// published like minutes, and both stay visible.
    async fn draft_minutes_correction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The minutes and the correction.")] input: DraftMinutesCorrectionInput,
    ) -> Result<Minutes> {
        let id = id_of(&input.minutes_id, "Minutes", "input.minutesId")?;
        let m = minutes::draft_correction(
            &state(ctx)?.db,
            actor(ctx)?,
            id,
            &input.text,
            input.idempotency_key.as_deref(),
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
            due_on: input.due_on.into(),
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
            due_on: input.due_on.map(Into::into),
        };
        let item = action_items::review(&state(ctx)?.db, actor(ctx)?, id, parsed).await?;
        Ok(ActionItem::new(item, KEEPER))
    }
}

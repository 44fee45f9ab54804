//! The object types of the records: enums and loading helpers here, one
//! file per kind of record beside them.

/// Action items and their reviews.
mod action_items;
/// Meetings, attendance and agenda items.
mod meetings;
/// Minutes and their revisions.
mod minutes;
/// Motions and votes.
mod motions;

pub use action_items::*;
pub use meetings::*;
pub use minutes::*;
pub use motions::*;

use crate::directory::people::graphql::Person;
use crate::error::{AppError, AppResult};
use crate::graphql::context::loaders;
use crate::graphql::loaders::{list_of, record_of};
use crate::policy::RecordsAccess;
use crate::{connection, mirror_enum};
use async_graphql::{Context, Result};
use entity::motion;
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

//! Attendance and quorum. Who may attend as a member is decided by the
//! directory's memberships on the meeting's local date; guests are recorded
//! by name only. Quorum is computed, never stored: a majority of the body's
//! voting seats, counting seat holders present in the room, remotely or late.

use super::access;
use super::domain::local_date;
use super::meetings::{ensure_in_session, event};
use crate::auth::Actor;
use crate::change::Change;
use crate::db::now;
use crate::directory::people::seating::seated_for;
use crate::domain::required_text;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use entity::attendance_record::{self, AttendanceStatus};
use entity::{body, body_membership, meeting, motion, vote};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Most guests recorded at one meeting.
const MAX_GUESTS: usize = 200;

/// The memberships seated on each meeting's body on the meeting's local
/// date, officers first. Two statements whatever the number of meetings.
#[tracing::instrument(skip_all)]
pub async fn seated_at(
    db: &impl ConnectionTrait,
    meetings: &[meeting::Model],
) -> AppResult<HashMap<Uuid, Vec<body_membership::Model>>> {
    let bodies: HashMap<Uuid, body::Model> = body::Entity::find()
        .filter(body::Column::Id.is_in(meetings.iter().map(|m| m.body_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let asked: Vec<_> = meetings
        .iter()
        .filter_map(|m| {
            let body = bodies.get(&m.body_id)?;
            Some((m.id, body, local_date(m.starts_at, &m.time_zone)))
        })
        .collect();
    Ok(seated_for(db, &asked)
        .await?
        .into_iter()
        .map(|(meeting, views)| (meeting, views.into_iter().map(|v| v.membership).collect()))
        .collect())
}

/// The memberships seated on one meeting's body that day.
#[tracing::instrument(skip_all)]
pub async fn seated_at_meeting(
    db: &impl ConnectionTrait,
    m: &meeting::Model,
) -> AppResult<Vec<body_membership::Model>> {
    Ok(seated_at(db, std::slice::from_ref(m))
        .await?
        .remove(&m.id)
        .unwrap_or_default())
}

/// A meeting's quorum: what it takes and who counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quorum {
    /// The body's voting seats.
    pub seats: i32,
    /// Seat holders needed: a majority of the seats.
    pub required: i32,
    /// Seat holders taking part (present, remote or late).
    pub present: i32,
}

impl Quorum {
    /// Whether enough seat holders take part to do business.
    pub fn met(&self) -> bool {
        self.present >= self.required
    }
}

/// The seats a majority of `seats` needs.
pub fn majority_of(seats: i32) -> i32 {
    seats / 2 + 1
}

/// The quorum of a meeting of a body of `seats` seats, given who is seated
/// and the attendance recorded, not counting the people in `excluded`
/// (members recused from the matter at hand).
pub fn quorum(
    seats: i32,
    seated: &[body_membership::Model],
    records: &[attendance_record::Model],
    excluded: &HashSet<Uuid>,
) -> Quorum {
    let taking_part: HashSet<Uuid> = records
        .iter()
        .filter(|r| r.status.took_part())
        .filter_map(|r| r.person_id)
        .collect();
    let present = seated
        .iter()
        .filter(|m| m.post.holds_seat())
        .filter(|m| taking_part.contains(&m.person_id) && !excluded.contains(&m.person_id))
        .count();
    Quorum {
        seats,
        required: majority_of(seats),
        present: i32::try_from(present).unwrap_or(i32::MAX),
    }
}

/// The attendance recorded at a meeting, members and guests.
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn records_of(
    db: &impl ConnectionTrait,
    meeting_id: Uuid,
) -> AppResult<Vec<attendance_record::Model>> {
    Ok(attendance_record::Entity::find()
        .filter(attendance_record::Column::MeetingId.eq(meeting_id))
        .order_by_asc(attendance_record::Column::CreatedAt)
        .order_by_asc(attendance_record::Column::Id)
        .all(db)
        .await?)
}

/// One member's attendance as the clerk gives it.
#[derive(Clone, Copy, Debug)]
pub struct MemberAttendance {
    /// The member.
    pub person_id: Uuid,
    /// How they attended.
    pub status: AttendanceStatus,
}

/// Records how members attended a meeting (each line sets that member's
/// status; members not named keep theirs) and, when `guests` is given,
/// replaces the list of guests present. Only people seated on the body on
/// the meeting's date are members; a member who has voted at the meeting
/// cannot be marked excused or absent.
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn record(
    db: &DatabaseConnection,
    actor: &Actor,
    meeting_id: Uuid,
    members: Vec<MemberAttendance>,
    guests: Option<Vec<String>>,
) -> AppResult<meeting::Model> {
    let guests = guests
        .map(|names| {
            if names.len() > MAX_GUESTS {
                return Err(AppError::bad_input(
                    "input.guests",
                    format!("at most {MAX_GUESTS} guests"),
                ));
            }
            names
                .iter()
                .enumerate()
                .map(|(i, n)| required_text(n, &format!("input.guests.{i}"), 200))
                .collect::<AppResult<Vec<_>>>()
        })
        .transpose()?;
    let change = Change::begin(db, actor).await?;
    let found = access::meeting_to_change(change.txn(), actor, meeting_id).await?;
    ensure_in_session(change.txn(), &found.meeting).await?;
    let seated: HashMap<Uuid, body_membership::Model> =
        seated_at_meeting(change.txn(), &found.meeting)
            .await?
            .into_iter()
            .map(|m| (m.person_id, m))
            .collect();
    let date = local_date(found.meeting.starts_at, &found.meeting.time_zone);
    let mut named = HashSet::new();
    for (i, line) in members.iter().enumerate() {
        let field = format!("input.members.{i}.personId");
        if !seated.contains_key(&line.person_id) {
            return Err(AppError::bad_input(
                field,
                format!("is not a member of {} on {date}", found.body.body.name),
            ));
        }
        if !named.insert(line.person_id) {
            return Err(AppError::bad_input(field, "is named twice"));
        }
    }
    let voters = voters_at(change.txn(), meeting_id).await?;
    if let Some((i, _)) = members
        .iter()
        .enumerate()
        .find(|(_, l)| !l.status.took_part() && voters.contains(&l.person_id))
    {
        return Err(AppError::Conflict(format!(
            "members.{i}: this member voted at the meeting, so they were there"
        )));
    }
    let existing: HashMap<Uuid, attendance_record::Model> = records_of(change.txn(), meeting_id)
        .await?
        .into_iter()
        .filter_map(|r| r.person_id.map(|p| (p, r)))
        .collect();
    let at = now();
    for line in &members {
        match existing.get(&line.person_id) {
            Some(record) if record.status == line.status => {}
            Some(record) => {
                let mut row = record.clone().into_active_model();
                row.status = Set(line.status);
                row.updated_at = Set(at);
                row.update(change.txn()).await?;
            }
            None => {
                attendance_record::ActiveModel {
                    id: Set(new_id()),
                    meeting_id: Set(meeting_id),
                    person_id: Set(Some(line.person_id)),
                    membership_id: Set(seated.get(&line.person_id).map(|m| m.id)),
                    guest_name: Set(None),
                    status: Set(line.status),
                    created_at: Set(at),
                    updated_at: Set(at),
                }
                .insert(change.txn())
                .await?;
            }
        }
    }
    if let Some(guests) = &guests {
        attendance_record::Entity::delete_many()
            .filter(attendance_record::Column::MeetingId.eq(meeting_id))
            .filter(attendance_record::Column::PersonId.is_null())
            .exec(change.txn())
            .await?;
        for name in guests {
            attendance_record::ActiveModel {
                id: Set(new_id()),
                meeting_id: Set(meeting_id),
                person_id: Set(None),
                membership_id: Set(None),
                guest_name: Set(Some(name.clone())),
                status: Set(AttendanceStatus::Present),
                created_at: Set(at),
                updated_at: Set(at),
            }
            .insert(change.txn())
            .await?;
        }
    }
    let statuses: Vec<_> = members
        .iter()
        .map(|l| json!({ "person": l.person_id, "status": l.status }))
        .collect();
    change
        .commit(
            event(
                &found.body,
                "meeting.attendance_recorded",
                "Meeting",
                meeting_id,
                json!({ "members": statuses, "guests": guests.as_ref().map(Vec::len) }),
            ),
            found.meeting,
        )
        .await
}

/// The people who have voted on any motion of a meeting.
async fn voters_at(db: &impl ConnectionTrait, meeting_id: Uuid) -> AppResult<HashSet<Uuid>> {
    let motions: Vec<Uuid> = motion::Entity::find()
        .filter(motion::Column::MeetingId.eq(meeting_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    Ok(vote::Entity::find()
        .filter(vote::Column::MotionId.is_in(motions))
        .all(db)
        .await?
        .into_iter()
        .map(|v| v.person_id)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::body_membership::Post;

    fn member(post: Post) -> body_membership::Model {
        let at = now();
        body_membership::Model {
            id: Uuid::now_v7(),
            body_id: Uuid::nil(),
            person_id: Uuid::now_v7(),
            post,
            organization_id: None,
            start_date: at.date_naive(),
            end_date: None,
            ended_on: None,
            appointed_by: "Mayor".into(),
            replaces_membership_id: None,
            created_at: at,
            updated_at: at,
        }
    }

    fn attended(m: &body_membership::Model, status: AttendanceStatus) -> attendance_record::Model {
        let at = now();
        attendance_record::Model {
            id: Uuid::now_v7(),
            meeting_id: Uuid::nil(),
            person_id: Some(m.person_id),
            membership_id: Some(m.id),
            guest_name: None,
            status,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn quorum_is_a_majority_of_seats_counting_those_taking_part() {
        let seated: Vec<_> = (0..5).map(|_| member(Post::Member)).collect();
        let records = vec![
            attended(&seated[0], AttendanceStatus::Present),
            attended(&seated[1], AttendanceStatus::Remote),
            attended(&seated[2], AttendanceStatus::Excused),
            attended(&seated[3], AttendanceStatus::Absent),
        ];
        let q = quorum(5, &seated, &records, &HashSet::new());
        assert_eq!((q.required, q.present, q.met()), (3, 2, false));
        let mut records = records;
        records.push(attended(&seated[4], AttendanceStatus::Late));
        let q = quorum(5, &seated, &records, &HashSet::new());
        assert_eq!((q.present, q.met()), (3, true));
        let recused: HashSet<Uuid> = [seated[4].person_id].into();
        assert!(!quorum(5, &seated, &records, &recused).met());
    }

    #[test]
    fn members_without_a_seat_do_not_make_quorum() {
        let seated = vec![member(Post::Chair), member(Post::ExOfficio)];
        let records: Vec<_> = seated
            .iter()
            .map(|m| attended(m, AttendanceStatus::Present))
            .collect();
        let q = quorum(2, &seated, &records, &HashSet::new());
        assert_eq!((q.required, q.present, q.met()), (2, 1, false));
        assert_eq!(majority_of(11), 6);
        assert_eq!(majority_of(10), 6);
    }
}

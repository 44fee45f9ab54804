//! Reports across meetings: a person's voting record and attendance rate
//! over a period, from the meetings the actor may see.

use super::access;
use super::attendance::seated_at;
use crate::auth::Actor;
use crate::directory::people;
use crate::error::{AppError, AppResult};
use crate::pagination::{Cursor, Keyed, Page, PageRequest, paginate};
use crate::policy::{self, RecordsAccess};
use chrono::{DateTime, Utc};
use entity::attendance_record;
use entity::meeting::{self, MeetingStatus};
use entity::{body_membership, motion, person, vote};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

crate::pagination::keyed_by_creation!(vote::Model);

/// A period of time, `from` included, `to` excluded.
#[derive(Clone, Copy, Debug)]
pub struct Period {
    /// Start (included).
    pub from: DateTime<Utc>,
    /// End (excluded).
    pub to: DateTime<Utc>,
}

/// How often a person attended the meetings they were expected at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttendanceRate {
    /// Held meetings of bodies the person sat on that day.
    pub expected: i32,
    /// Of those, the ones they took part in (present, remote or late).
    pub attended: i32,
}

/// The person whose record is asked for: one the directory shows the actor,
/// or one who sat on a body whose records the actor reads (a former member's
/// votes stay part of the public record). `NOT_FOUND` otherwise.
#[tracing::instrument(skip_all, fields(person_id = %person_id))]
pub async fn person(
    db: &impl ConnectionTrait,
    actor: &Actor,
    person_id: Uuid,
) -> AppResult<person::Model> {
    match people::person(db, actor, person_id).await {
        Err(AppError::NotFound) => {}
        shown => return shown,
    }
    let bodies = access::visible_bodies(db, actor, None).await?;
    let sat = body_membership::Entity::find()
        .filter(body_membership::Column::PersonId.eq(person_id))
        .filter(body_membership::Column::BodyId.is_in(bodies.keys().copied()))
        .one(db)
        .await?;
    policy::reveal("sat_on_a_visible_body", sat.is_some())?;
    person::Entity::find_by_id(person_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The attendance rate of a person over a period, from the held meetings of
/// the bodies the actor may see, in a fixed number of statements whatever
/// the period.
#[tracing::instrument(skip_all, fields(person_id = %person_id))]
pub async fn attendance_rate(
    db: &impl ConnectionTrait,
    actor: &Actor,
    person_id: Uuid,
    period: Period,
) -> AppResult<AttendanceRate> {
    let bodies = access::visible_bodies(db, actor, None).await?;
    let sat_on: HashSet<Uuid> = body_membership::Entity::find()
        .filter(body_membership::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.body_id)
        .filter(|b| bodies.contains_key(b))
        .collect();
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::BodyId.is_in(sat_on))
        .filter(meeting::Column::Status.eq(MeetingStatus::Held))
        .filter(meeting::Column::StartsAt.gte(period.from))
        .filter(meeting::Column::StartsAt.lt(period.to))
        .all(db)
        .await?;
    let seated = seated_at(db, &meetings).await?;
    let expected: Vec<Uuid> = meetings
        .iter()
        .filter(|m| {
            seated
                .get(&m.id)
                .is_some_and(|s| s.iter().any(|r| r.person_id == person_id))
        })
        .map(|m| m.id)
        .collect();
    let attended = attendance_record::Entity::find()
        .filter(attendance_record::Column::PersonId.eq(person_id))
        .filter(attendance_record::Column::MeetingId.is_in(expected.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter(|r| r.status.took_part())
        .count();
    Ok(AttendanceRate {
        expected: i32::try_from(expected.len()).unwrap_or(i32::MAX),
        attended: i32::try_from(attended).unwrap_or(i32::MAX),
    })
}

/// A vote with the actor's reach into its body's records.
#[derive(Clone, Debug)]
pub struct VoteView {
    /// The vote.
    pub vote: vote::Model,
    /// The actor's reach.
    pub access: RecordsAccess,
}

impl Keyed for VoteView {
    fn cursor(&self) -> Cursor {
        self.vote.cursor()
    }
}

/// A page of a person's votes over a period, oldest first, from the meetings
/// of the bodies the actor may see, in a fixed number of statements
/// whatever the page size.
#[tracing::instrument(skip_all, fields(person_id = %person_id))]
pub async fn votes(
    db: &impl ConnectionTrait,
    actor: &Actor,
    person_id: Uuid,
    period: Period,
    page: &PageRequest,
) -> AppResult<Page<VoteView>> {
    let bodies = access::visible_bodies(db, actor, None).await?;
    let meetings = Query::select()
        .column(meeting::Column::Id)
        .from(meeting::Entity)
        .and_where(meeting::Column::BodyId.is_in(bodies.keys().copied()))
        .and_where(meeting::Column::StartsAt.gte(period.from))
        .and_where(meeting::Column::StartsAt.lt(period.to))
        .take();
    let motions = Query::select()
        .column(motion::Column::Id)
        .from(motion::Entity)
        .and_where(motion::Column::MeetingId.in_subquery(meetings))
        .take();
    let select = vote::Entity::find()
        .filter(vote::Column::PersonId.eq(person_id))
        .filter(vote::Column::MotionId.in_subquery(motions));
    let page = paginate(db, select, vote::Column::CreatedAt, vote::Column::Id, page).await?;
    let meeting_of: HashMap<Uuid, Uuid> = motion::Entity::find()
        .filter(motion::Column::Id.is_in(page.items.iter().map(|v| v.motion_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.meeting_id))
        .collect();
    let body_of: HashMap<Uuid, Uuid> = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(meeting_of.values().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.body_id))
        .collect();
    Ok(page.map(|vote| {
        let access = meeting_of
            .get(&vote.motion_id)
            .and_then(|m| body_of.get(m))
            .and_then(|b| bodies.get(b))
            .map_or(RecordsAccess::None, |b| b.access);
        VoteView { vote, access }
    }))
}

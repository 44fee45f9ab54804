//! How far the request's actor reaches into a body's records: the one place
//! that looks up whether the actor sits on a body, then asks
//! [`crate::policy::records_access`].

use crate::auth::Actor;
use crate::db::IdEntity;
use crate::db::now;
use crate::directory::people::seating as people;
use crate::error::{AppError, AppResult};
use crate::policy::{self, RecordsAccess};
use entity::{body, body_membership, meeting, person};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A body with the actor's reach into its records.
#[derive(Clone, Debug)]
pub struct BodyAccess {
    /// The body.
    pub body: body::Model,
    /// The actor's reach.
    pub access: RecordsAccess,
}

/// The bodies the actor's own person sits on today (in each body's time
/// zone): none for the anonymous, API keys and users not in the directory.
async fn bodies_sat_on(db: &impl ConnectionTrait, actor: &Actor) -> AppResult<HashSet<Uuid>> {
    let Some(user_id) = actor.user_id() else {
        return Ok(HashSet::new());
    };
    let rows = body_membership::Entity::find()
        .join(JoinType::InnerJoin, body_membership::Relation::Person.def())
        .filter(person::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    Ok(people::with_seating(db, rows)
        .await?
        .into_iter()
        .filter(|v| v.seating.seated)
        .map(|v| v.membership.body_id)
        .collect())
}

/// The actor's reach into each of `bodies`; the membership lookup runs only
/// when some body's answer depends on it.
#[tracing::instrument(skip_all)]
pub async fn accesses(
    db: &impl ConnectionTrait,
    actor: &Actor,
    bodies: Vec<body::Model>,
) -> AppResult<HashMap<Uuid, BodyAccess>> {
    let needs_lookup = bodies
        .iter()
        .any(|b| !policy::may_manage_records(actor, b.owning_organization_id));
    let sat_on = if needs_lookup {
        bodies_sat_on(db, actor).await?
    } else {
        HashSet::new()
    };
    Ok(bodies
        .into_iter()
        .map(|body| {
            let access = policy::records_access(
                actor,
                body.owning_organization_id,
                body.records_public,
                sat_on.contains(&body.id),
            );
            (body.id, BodyAccess { body, access })
        })
        .collect())
}

/// The actor's reach into every body (there are a handful per coalition).
async fn all_bodies(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> AppResult<HashMap<Uuid, BodyAccess>> {
    let bodies = body::Entity::find().all(db).await?;
    accesses(db, actor, bodies).await
}

/// The bodies whose records the actor sees, or only `only` among them
/// (`NOT_FOUND` when the actor does not see it, like a missing body).
#[tracing::instrument(skip_all)]
pub async fn visible_bodies(
    db: &impl ConnectionTrait,
    actor: &Actor,
    only: Option<Uuid>,
) -> AppResult<HashMap<Uuid, BodyAccess>> {
    let mut bodies = all_bodies(db, actor).await?;
    bodies.retain(|id, b| b.access.sees() && only.is_none_or(|only| only == *id));
    if let Some(only) = only {
        policy::reveal("sees_records", bodies.contains_key(&only))?;
    }
    Ok(bodies)
}

/// The actor's reach into one body; `NOT_FOUND` for a missing body.
#[tracing::instrument(skip_all, fields(body_id = %body_id))]
pub async fn body(
    db: &impl ConnectionTrait,
    actor: &Actor,
    body_id: Uuid,
) -> AppResult<BodyAccess> {
    let found = body::Entity::find_by_id(body_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    access_to(db, actor, found).await
}

async fn access_to(
    db: &impl ConnectionTrait,
    actor: &Actor,
    found: body::Model,
) -> AppResult<BodyAccess> {
    let id = found.id;
    accesses(db, actor, vec![found])
        .await?
        .remove(&id)
        .ok_or(AppError::NotFound)
}

/// The actor's reach into the body with this slug: `NOT_FOUND` alike for a
/// missing body and for one whose records the actor may not see.
#[tracing::instrument(skip_all)]
pub async fn body_by_slug(
    db: &impl ConnectionTrait,
    actor: &Actor,
    slug: &str,
) -> AppResult<BodyAccess> {
    let found = body::Entity::find()
        .filter(body::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let reach = access_to(db, actor, found).await?;
    policy::reveal("sees_records", reach.access.sees())?;
    Ok(reach)
}

/// A meeting with its body and the actor's reach into its records.
#[derive(Clone, Debug)]
pub struct MeetingAccess {
    /// The meeting.
    pub meeting: meeting::Model,
    /// Its body and the actor's reach.
    pub body: BodyAccess,
}

/// A meeting with the actor's reach into its body, whatever that reach.
async fn meeting_and_body(
    db: &impl ConnectionTrait,
    actor: &Actor,
    meeting_id: Uuid,
) -> AppResult<MeetingAccess> {
    let meeting = meeting::Entity::find_by_id(meeting_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = body(db, actor, meeting.body_id).await?;
    Ok(MeetingAccess { meeting, body })
}

/// A meeting the actor may see (`NOT_FOUND` otherwise, exactly like a
/// missing one).
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn meeting(
    db: &impl ConnectionTrait,
    actor: &Actor,
    meeting_id: Uuid,
) -> AppResult<MeetingAccess> {
    let found = meeting_and_body(db, actor, meeting_id).await?;
    policy::reveal("sees_records", found.body.access.sees())?;
    Ok(found)
}

/// A meeting whose records the actor keeps: `NOT_FOUND` when they may not
/// see it, `FORBIDDEN` (or `UNAUTHENTICATED`) when they only read it.
///
/// Call it first in the change's transaction: it touches the meeting row,
/// which makes concurrent changes of one meeting's records wait for each
/// other (a row lock on PostgreSQL, the write lock on SQLite), so checks
/// such as "nobody votes twice" or "no vote without quorum" see every
/// earlier change.
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn meeting_to_change(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    meeting_id: Uuid,
) -> AppResult<MeetingAccess> {
    let found = locked_meeting(txn, actor, meeting_id).await?;
    policy::authorize_records_change(actor, found.body.access)?;
    Ok(found)
}

/// Touches the meeting row (see [`meeting_to_change`]) and reads it with the
/// actor's reach, deciding nothing yet.
async fn locked_meeting(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    meeting_id: Uuid,
) -> AppResult<MeetingAccess> {
    meeting::Entity::update_many()
        .col_expr(meeting::Column::UpdatedAt, Expr::value(now()))
        .filter(meeting::Column::Id.eq(meeting_id))
        .exec(txn)
        .await?;
    meeting_and_body(txn, actor, meeting_id).await
}

/// A row kept as part of one meeting's record.
pub trait MeetingRecord: IdEntity {
    /// The meeting the row belongs to.
    fn meeting_of(model: &Self::Model) -> Uuid;

    /// Whether the actor, with the reach `found` gives, may know the row
    /// exists (unpublished agenda items and draft minutes are for members).
    fn readable(model: &Self::Model, found: &MeetingAccess) -> bool;
}

impl MeetingRecord for entity::agenda_item::Entity {
    fn meeting_of(model: &Self::Model) -> Uuid {
        model.meeting_id
    }
    fn readable(_: &Self::Model, found: &MeetingAccess) -> bool {
        policy::may_read_agenda(
            found.body.access,
            found.meeting.agenda_published_at.is_some(),
        )
    }
}

impl MeetingRecord for entity::minutes::Entity {
    fn meeting_of(model: &Self::Model) -> Uuid {
        model.meeting_id
    }
    fn readable(model: &Self::Model, found: &MeetingAccess) -> bool {
        policy::may_read_minutes(found.body.access, model.status)
    }
}

impl MeetingRecord for entity::motion::Entity {
    fn meeting_of(model: &Self::Model) -> Uuid {
        model.meeting_id
    }
    fn readable(_: &Self::Model, found: &MeetingAccess) -> bool {
        found.body.access.sees()
    }
}

/// A row of a meeting's record with its meeting, if the actor may see the
/// meeting (the caller then asks the policy about the row itself).
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn record<E: MeetingRecord>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<(E::Model, MeetingAccess)> {
    let row = crate::db::find::<E>(db, id).await?;
    let found = meeting(db, actor, E::meeting_of(&row)).await?;
    Ok((row, found))
}

/// A row of a meeting's record whose records the actor keeps, read again
/// once [`meeting_to_change`] holds the meeting, so that it reflects every
/// earlier change.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn record_to_change<E: MeetingRecord>(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<(E::Model, MeetingAccess)> {
    let meeting_id = E::meeting_of(&crate::db::find::<E>(txn, id).await?);
    let found = locked_meeting(txn, actor, meeting_id).await?;
    let row = crate::db::find::<E>(txn, id).await?;
    // A row the actor may not read does not exist for them, whatever they
    // may do to the rest of the record: `NOT_FOUND` before `FORBIDDEN`.
    policy::reveal(
        "sees_records",
        found.body.access.sees() && E::readable(&row, &found),
    )?;
    policy::authorize_records_change(actor, found.body.access)?;
    Ok((row, found))
}

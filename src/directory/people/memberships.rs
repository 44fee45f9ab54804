//! Memberships: a person's place on a body, in a post, for a term,
//! representing an organization. Memberships are history. Appointing a
//! successor adds a row that points at the one it replaces and sets the old
//! row's `ended_on` to the successor's start date, in the same change; ending
//! a term sets `ended_on`; only a current membership may be corrected. No row
//! is ever deleted. Coordinators and the owning organization's admins manage
//! them; who sees which is [`policy::may_see_membership`].

use super::bodies::{body, ensure_organization};
use super::persons::person;
use super::seating::{MembershipView, seated_by_body, today_at, vacancies, with_seating};
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::{self, now};
use crate::domain::Name;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy;
use chrono::NaiveDate;
use entity::body_membership::Post;
use entity::{body, body_membership};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// A membership the actor may see: its body must be visible, and the public
/// sees only memberships seating someone today.
#[tracing::instrument(skip_all, fields(membership = %id))]
pub async fn membership(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<MembershipView> {
    let found = db::find::<body_membership::Entity>(db, id).await?;
    let body = body(db, actor, found.body_id).await?;
    let view = single_view(db, found).await?;
    policy::reveal(
        "may_see_membership",
        policy::may_see_membership(actor, body.records_public, view.seating.seated),
    )?;
    Ok(view)
}

/// A person's memberships over time, oldest first, each with its seating
/// today; the caller filters them with [`visible_memberships`]. Three
/// statements whatever the number of people.
#[tracing::instrument(skip_all, fields(people = person_ids.len()))]
pub async fn memberships_of_people(
    db: &impl ConnectionTrait,
    person_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<MembershipView>>> {
    let rows = body_membership::Entity::find()
        .filter(body_membership::Column::PersonId.is_in(person_ids.iter().copied()))
        .order_by_asc(body_membership::Column::StartDate)
        .order_by_asc(body_membership::Column::Id)
        .all(db)
        .await?;
    let mut by_person: HashMap<Uuid, Vec<MembershipView>> = HashMap::new();
    for view in with_seating(db, rows).await? {
        by_person
            .entry(view.membership.person_id)
            .or_default()
            .push(view);
    }
    Ok(by_person)
}

/// The memberships among `memberships` (of one person) the actor may see
/// under [`policy::may_see_membership`], given which bodies `is_public`.
pub fn visible_memberships(
    actor: &Actor,
    memberships: Vec<MembershipView>,
    is_public: impl Fn(Uuid) -> bool,
) -> Vec<MembershipView> {
    memberships
        .into_iter()
        .filter(|m| {
            policy::may_see_membership(actor, is_public(m.membership.body_id), m.seating.seated)
        })
        .collect()
}

/// A page of a body's memberships over time, past ones included (coalition
/// members; the public sees current members only).
#[tracing::instrument(skip_all, fields(body = %body.id))]
pub async fn body_memberships(
    db: &impl ConnectionTrait,
    actor: &Actor,
    body: &body::Model,
    page: &PageRequest,
) -> AppResult<Page<MembershipView>> {
    policy::reveal(
        "may_see_body",
        policy::may_see_body(actor, body.records_public),
    )?;
    policy::authorize(
        actor,
        policy::is_coalition_member(actor),
        "see the membership history of bodies",
    )?;
    let mut found = paginate(
        db,
        body_membership::Entity::find().filter(body_membership::Column::BodyId.eq(body.id)),
        body_membership::Column::CreatedAt,
        body_membership::Column::Id,
        page,
    )
    .await?;
    let items = with_seating(db, std::mem::take(&mut found.items)).await?;
    Ok(found.map_items(|_| items))
}

/// A body whose memberships the actor may manage: hidden bodies are
/// `NOT_FOUND`, visible ones refused unless the actor is a coordinator or an
/// admin of the owning organization.
async fn managed_body(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<body::Model> {
    let found = body(db, actor, id).await?;
    policy::authorize(
        actor,
        policy::may_manage_body_memberships(actor, found.owning_organization_id),
        "manage the memberships of this body",
    )?;
    Ok(found)
}

/// Refuses a seat-holding post when every seat is taken on `on`, and a
/// person who already sits on the body then; `leaving` is the membership
/// that gives its place up (the one replaced or corrected).
async fn ensure_place(
    txn: &impl ConnectionTrait,
    body: &body::Model,
    person_id: Uuid,
    post: Post,
    on: NaiveDate,
    leaving: Option<Uuid>,
) -> AppResult<()> {
    let seated: Vec<MembershipView> = seated_by_body(txn, &[body.id], |_| on)
        .await?
        .remove(&body.id)
        .unwrap_or_default()
        .into_iter()
        .filter(|v| Some(v.membership.id) != leaving)
        .collect();
    if seated.iter().any(|v| v.membership.person_id == person_id) {
        return Err(AppError::Conflict(format!(
            "this person already sits on the body on {on}"
        )));
    }
    if post.holds_seat() && vacancies(body, &seated) == 0 {
        return Err(AppError::Conflict(format!(
            "every seat of the body is taken on {on}: replace a member instead"
        )));
    }
    Ok(())
}

/// An appointment to a body, validated.
pub struct NewAppointment {
    /// The body.
    pub body_id: Uuid,
    /// The person appointed.
    pub person_id: Uuid,
    /// The post.
    pub post: Post,
    /// The organization the person represents.
    pub organization_id: Option<Uuid>,
    /// First day of the term.
    pub start_date: NaiveDate,
    /// Scheduled last day of the term.
    pub end_date: Option<NaiveDate>,
    /// Who appointed them; the body's appointing authority when not given.
    pub appointed_by: Option<Name>,
    /// The membership this one succeeds, which ends on `start_date`.
    pub replaces_membership_id: Option<Uuid>,
}

fn ensure_term(start: NaiveDate, end: Option<NaiveDate>) -> AppResult<()> {
    if end.is_some_and(|end| end < start) {
        return Err(AppError::bad_input(
            "input.endDate",
            "must not be before the start date",
        ));
    }
    Ok(())
}

fn membership_details(m: &body_membership::Model) -> Value {
    json!({
        "body": m.body_id,
        "person": m.person_id,
        "post": m.post,
        "organization": m.organization_id,
        "startDate": m.start_date,
        "endDate": m.end_date,
        "replaces": m.replaces_membership_id,
    })
}

/// Appoints a person to a body (coordinators, admins of the body's owning
/// organization). With `replaces_membership_id` the predecessor's membership
/// ends on the new start date; its row is kept as history.
#[tracing::instrument(skip_all, fields(body = %input.body_id, person = %input.person_id))]
pub async fn appoint_member(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewAppointment,
) -> AppResult<MembershipView> {
    let body = managed_body(db, actor, input.body_id).await?;
    person(db, actor, input.person_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound => {
                AppError::bad_input("input.personId", "is not a person of the directory")
            }
            other => other,
        })?;
    ensure_organization(db, input.organization_id, "input.organizationId").await?;
    ensure_term(input.start_date, input.end_date)?;
    let change = Change::begin(db, actor).await?;
    // Serialises appointments to one body on PostgreSQL, so two of them
    // cannot both take the last seat.
    db::find_locked::<body::Entity>(change.txn(), body.id).await?;
    let predecessor = match input.replaces_membership_id {
        None => None,
        Some(old_id) => {
            let old = body_membership::Entity::find_by_id(old_id)
                .one(change.txn())
                .await?
                .filter(|old| old.body_id == body.id)
                .ok_or_else(|| {
                    AppError::bad_input(
                        "input.replacesMembershipId",
                        "is not a membership of this body",
                    )
                })?;
            if let Some(ended) = old.ended_on {
                return Err(AppError::Conflict(format!(
                    "the membership to replace already ended on {ended}"
                )));
            }
            if old.start_date > input.start_date {
                return Err(AppError::bad_input(
                    "input.startDate",
                    "must not be before the start of the membership it replaces",
                ));
            }
            Some(old)
        }
    };
    ensure_place(
        change.txn(),
        &body,
        input.person_id,
        input.post,
        input.start_date,
        predecessor.as_ref().map(|p| p.id),
    )
    .await?;
    let at = now();
    if let Some(old) = &predecessor {
        let mut ending = old.clone().into_active_model();
        ending.ended_on = Set(Some(input.start_date));
        ending.updated_at = Set(at);
        ending.update(change.txn()).await?;
    }
    let appointed_by = input
        .appointed_by
        .map(|n| n.as_str().to_owned())
        .unwrap_or_else(|| body.appointing_authority.clone());
    let created = body_membership::ActiveModel {
        id: Set(new_id()),
        body_id: Set(body.id),
        person_id: Set(input.person_id),
        post: Set(input.post),
        organization_id: Set(input.organization_id),
        start_date: Set(input.start_date),
        end_date: Set(input.end_date),
        ended_on: Set(None),
        appointed_by: Set(appointed_by),
        replaces_membership_id: Set(predecessor.as_ref().map(|p| p.id)),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(change.txn())
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "this membership has already been replaced"))?;
    let event = AuditEvent {
        organization_id: body.owning_organization_id,
        action: "body_membership.appointed",
        record_type: "BodyMembership",
        record_id: Some(created.id),
        details: Some(membership_details(&created)),
    };
    let created = change.commit(event, created).await?;
    single_view(db, created).await
}

async fn single_view(
    db: &impl ConnectionTrait,
    m: body_membership::Model,
) -> AppResult<MembershipView> {
    with_seating(db, vec![m])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("membership lost its seating".into()))
}

/// A membership whose body the actor may manage.
async fn managed_membership(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<(body::Model, body_membership::Model)> {
    let view = membership(db, actor, id).await?;
    let body = managed_body(db, actor, view.membership.body_id).await?;
    Ok((body, view.membership))
}

/// Ends a membership on `ended_on` (today in the body's time zone when not
/// given): the person resigned or was removed. Same rights as [`appoint_member`].
#[tracing::instrument(skip_all, fields(membership = %id))]
pub async fn end_membership(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    ended_on: Option<NaiveDate>,
) -> AppResult<MembershipView> {
    let (body, current) = managed_membership(db, actor, id).await?;
    if let Some(ended) = current.ended_on {
        return Err(AppError::Conflict(format!(
            "this membership already ended on {ended}"
        )));
    }
    let ended_on = ended_on.unwrap_or_else(|| today_at(&body));
    if ended_on < current.start_date {
        return Err(AppError::bad_input(
            "input.endedOn",
            "must not be before the start of the membership",
        ));
    }
    let change = Change::begin(db, actor).await?;
    let mut active = current.clone().into_active_model();
    active.ended_on = Set(Some(ended_on));
    active.updated_at = Set(now());
    let ended = active.update(change.txn()).await?;
    let event = AuditEvent {
        organization_id: body.owning_organization_id,
        action: "body_membership.ended",
        record_type: "BodyMembership",
        record_id: Some(id),
        details: Some(json!({ "endedOn": ended_on })),
    };
    let ended = change.commit(event, ended).await?;
    single_view(db, ended).await
}

/// Corrections to a current membership; `None` leaves a field as it is.
#[derive(Default)]
pub struct MembershipPatch {
    /// The right post.
    pub post: Option<Post>,
    /// The right first day.
    pub start_date: Option<NaiveDate>,
    /// The right scheduled end, or `Some(None)` for an open term.
    pub end_date: Option<Option<NaiveDate>>,
}

/// Corrects the post or dates of a membership while it is current (seated
/// today or not yet started, and not ended). Past memberships are history
/// and cannot be changed. The audit entry holds old and new values. Same
/// rights as [`appoint_member`].
#[tracing::instrument(skip_all, fields(membership = %id))]
pub async fn correct_membership(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    correction: MembershipPatch,
) -> AppResult<MembershipView> {
    let (body, current) = managed_membership(db, actor, id).await?;
    let view = single_view(db, current.clone()).await?;
    let upcoming = current.start_date > today_at(&body);
    if current.ended_on.is_some() || !(view.seating.seated || upcoming) {
        return Err(AppError::Conflict(
            "only a current membership can be corrected; past memberships are history".into(),
        ));
    }
    let post = correction.post.unwrap_or(current.post);
    let start_date = correction.start_date.unwrap_or(current.start_date);
    let end_date = correction.end_date.unwrap_or(current.end_date);
    ensure_term(start_date, end_date)?;
    if post == current.post && start_date == current.start_date && end_date == current.end_date {
        return Ok(view);
    }
    let change = Change::begin(db, actor).await?;
    // Serialises changes of seats on one body, as appointments are.
    db::find_locked::<body::Entity>(change.txn(), body.id).await?;
    if post.holds_seat() && !current.post.holds_seat() {
        ensure_place(
            change.txn(),
            &body,
            current.person_id,
            post,
            start_date,
            Some(id),
        )
        .await?;
    }
    let at = now();
    if start_date != current.start_date
        && let Some(old_id) = current.replaces_membership_id
    {
        // The handover moves with the successor's start, keeping the
        // predecessor's end equal to it.
        let old = body_membership::Entity::find_by_id(old_id)
            .one(change.txn())
            .await?
            .ok_or_else(|| AppError::Internal("replaced membership vanished".into()))?;
        if start_date < old.start_date {
            return Err(AppError::bad_input(
                "input.startDate",
                "must not be before the start of the membership it replaces",
            ));
        }
        let mut moving = old.into_active_model();
        moving.ended_on = Set(Some(start_date));
        moving.updated_at = Set(at);
        moving.update(change.txn()).await?;
    }
    let mut active = current.clone().into_active_model();
    active.post = Set(post);
    active.start_date = Set(start_date);
    active.end_date = Set(end_date);
    active.updated_at = Set(at);
    let corrected = active.update(change.txn()).await?;
    let event = AuditEvent {
        organization_id: body.owning_organization_id,
        action: "body_membership.corrected",
        record_type: "BodyMembership",
        record_id: Some(id),
        details: Some(json!({
            "from": { "post": current.post, "startDate": current.start_date, "endDate": current.end_date },
            "to": { "post": post, "startDate": start_date, "endDate": end_date },
        })),
    };
    let corrected = change.commit(event, corrected).await?;
    single_view(db, corrected).await
}

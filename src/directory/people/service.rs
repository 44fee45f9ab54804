//! The rules of bodies, people and their memberships. Every public function
//! except [`seated_on`] takes the request's [`Actor`], asks [`crate::policy`]
//! before reading or writing, and writes changes with their audit entries in
//! one transaction.
//!
//! Memberships are history. Appointing a successor adds a row that points at
//! the one it replaces and sets the old row's `ended_on` to the successor's
//! start date, in the same transaction; ending a term sets `ended_on`; only a
//! current membership may be corrected. No row is ever deleted.

use super::domain::{ContactValue, ExpertiseTerm, LanguageTag, Seats, Text, TimeZone};
use crate::audit::service::{self as audit, AuditEvent};
use crate::auth::Actor;
use crate::db::now;
use crate::domain::{Name, Slug};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Cursor, Keyed, Page, PageRequest, paginate};
use crate::policy;
use chrono::{NaiveDate, Utc};
use entity::body::BodyKind;
use entity::body_membership::Post;
use entity::enums::{ContactKind, ContactVisibility};
use entity::{
    body, body_membership, organization, person, person_contact, person_expertise, person_language,
    user,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

crate::pagination::keyed_by_creation!(body::Model, person::Model, body_membership::Model);

// ---------------------------------------------------------------- seating

/// Whether a membership holds its place on a given date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Seating {
    /// The person sits on the body that day.
    pub seated: bool,
    /// Seated although the term has ended: a holdover until replaced.
    pub holdover: bool,
}

/// The seating of membership `m` on date `on`, for a body that does or does
/// not allow holdovers, given when the membership replacing it (if any) starts.
///
/// Seated when it has started, has not been vacated by `on`, and either its
/// term runs through `on` or, the term being over, the body keeps members
/// until they are replaced and no successor has started.
pub fn seating(
    m: &body_membership::Model,
    holdovers_allowed: bool,
    successor_start: Option<NaiveDate>,
    on: NaiveDate,
) -> Seating {
    let started = m.start_date <= on;
    let vacated = m.ended_on.is_some_and(|ended| ended <= on);
    if !started || vacated {
        return Seating::default();
    }
    match m.end_date {
        Some(end) if end < on => {
            let replaced = successor_start.is_some_and(|start| start <= on);
            let holdover = holdovers_allowed && !replaced;
            Seating {
                seated: holdover,
                holdover,
            }
        }
        _ => Seating {
            seated: true,
            holdover: false,
        },
    }
}

/// Today's date where the body meets: a term ending "on the 30th" ends at
/// midnight in the body's time zone, not in UTC.
pub fn today_at(body: &body::Model) -> NaiveDate {
    match body.time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => Utc::now().with_timezone(&tz).date_naive(),
        // Names are validated on the way in; a name the tz database later
        // dropped falls back to UTC rather than failing every read.
        Err(_) => Utc::now().date_naive(),
    }
}

/// A membership with where it stands today.
#[derive(Clone, Debug, PartialEq)]
pub struct MembershipView {
    /// The stored row.
    pub membership: body_membership::Model,
    /// Its seating today, in the body's time zone.
    pub seating: Seating,
}

impl Keyed for MembershipView {
    fn cursor(&self) -> Cursor {
        self.membership.cursor()
    }
}

/// One person sitting on a body on a given date.
#[derive(Clone, Debug, PartialEq)]
pub struct SeatedMember {
    /// The membership that seats them.
    pub membership: body_membership::Model,
    /// The person.
    pub person: person::Model,
    /// Whether they sit as a holdover (term over, not yet replaced).
    pub holdover: bool,
}

/// Order of posts in a roster: officers first, non-voting places last.
fn post_rank(post: Post) -> u8 {
    match post {
        Post::Chair => 0,
        Post::ViceChair => 1,
        Post::Secretary => 2,
        Post::Member => 3,
        Post::ExOfficio => 4,
        Post::StaffLiaison => 5,
    }
}

/// The memberships seated on each of `bodies`, each body on its own date
/// (`on(body)`), in roster order. Two statements whatever the number of bodies.
pub async fn seated_by_body(
    db: &impl ConnectionTrait,
    body_ids: &[Uuid],
    on: impl Fn(&body::Model) -> NaiveDate,
) -> AppResult<HashMap<Uuid, Vec<MembershipView>>> {
    let bodies = body::Entity::find()
        .filter(body::Column::Id.is_in(body_ids.iter().copied()))
        .all(db)
        .await?;
    let asked: Vec<(Uuid, &body::Model, NaiveDate)> =
        bodies.iter().map(|b| (b.id, b, on(b))).collect();
    seated_for(db, &asked).await
}

/// For each `(key, body, date)` asked, the memberships seated on that body
/// that day, in roster order (officers first), under the key. One statement
/// whatever the number asked: a body asked about on several dates (its
/// meetings) costs no more than one date.
pub async fn seated_for(
    db: &impl ConnectionTrait,
    asked: &[(Uuid, &body::Model, NaiveDate)],
) -> AppResult<HashMap<Uuid, Vec<MembershipView>>> {
    let Some(latest) = asked.iter().map(|(_, _, date)| *date).max() else {
        return Ok(HashMap::new());
    };
    // Every row that started by the latest date: the candidates and the
    // successors that may have replaced them.
    let body_ids: HashSet<Uuid> = asked.iter().map(|(_, b, _)| b.id).collect();
    let rows = body_membership::Entity::find()
        .filter(body_membership::Column::BodyId.is_in(body_ids))
        .filter(body_membership::Column::StartDate.lte(latest))
        .order_by_asc(body_membership::Column::StartDate)
        .order_by_asc(body_membership::Column::Id)
        .all(db)
        .await?;
    let successors: HashMap<Uuid, NaiveDate> = rows
        .iter()
        .filter_map(|r| r.replaces_membership_id.map(|old| (old, r.start_date)))
        .collect();
    Ok(asked
        .iter()
        .map(|(key, body, date)| {
            let mut seated: Vec<MembershipView> = rows
                .iter()
                .filter(|r| r.body_id == body.id)
                .filter_map(|r| {
                    let seating = seating(
                        r,
                        body.holdovers_allowed,
                        successors.get(&r.id).copied(),
                        *date,
                    );
                    seating.seated.then(|| MembershipView {
                        membership: r.clone(),
                        seating,
                    })
                })
                .collect();
            seated.sort_by_key(|v| (post_rank(v.membership.post), v.membership.start_date));
            (*key, seated)
        })
        .collect())
}

/// Who sits on body `body_id` on date `on`, with their person and whether
/// they sit as a holdover, officers first.
///
/// **No policy check**: for other services (meeting attendance, quorum) to
/// call once they have checked that their actor may see the body.
pub async fn seated_on(
    db: &impl ConnectionTrait,
    body_id: Uuid,
    on: NaiveDate,
) -> AppResult<Vec<SeatedMember>> {
    let views = seated_by_body(db, &[body_id], |_| on)
        .await?
        .remove(&body_id)
        .unwrap_or_default();
    let people: HashMap<Uuid, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(views.iter().map(|v| v.membership.person_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    views
        .into_iter()
        .map(|v| {
            let person = people
                .get(&v.membership.person_id)
                .cloned()
                .ok_or_else(|| AppError::Internal("membership without person".into()));
            person.map(|person| SeatedMember {
                holdover: v.seating.holdover,
                membership: v.membership,
                person,
            })
        })
        .collect()
}

/// Vacant voting seats of a body given who sits today: never below zero
/// (a body whose seats were reduced can briefly hold more members).
pub fn vacancies(body: &body::Model, seated: &[MembershipView]) -> i32 {
    let held = seated
        .iter()
        .filter(|v| v.membership.post.holds_seat())
        .count();
    Ord::max(body.seats - i32::try_from(held).unwrap_or(i32::MAX), 0)
}

/// The memberships with their seating today, each in its body's time zone.
/// Two statements whatever the number of memberships.
pub async fn with_seating(
    db: &impl ConnectionTrait,
    memberships: Vec<body_membership::Model>,
) -> AppResult<Vec<MembershipView>> {
    if memberships.is_empty() {
        return Ok(Vec::new());
    }
    let body_ids: HashSet<Uuid> = memberships.iter().map(|m| m.body_id).collect();
    let bodies: HashMap<Uuid, body::Model> = body::Entity::find()
        .filter(body::Column::Id.is_in(body_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let successors: HashMap<Uuid, NaiveDate> = body_membership::Entity::find()
        .filter(
            body_membership::Column::ReplacesMembershipId.is_in(memberships.iter().map(|m| m.id)),
        )
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| s.replaces_membership_id.map(|old| (old, s.start_date)))
        .collect();
    memberships
        .into_iter()
        .map(|m| {
            let body = bodies
                .get(&m.body_id)
                .ok_or_else(|| AppError::Internal("membership without body".into()))?;
            let seating = seating(
                &m,
                body.holdovers_allowed,
                successors.get(&m.id).copied(),
                today_at(body),
            );
            Ok(MembershipView {
                membership: m,
                seating,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- bodies

/// A new body, validated.
pub struct NewBody {
    /// Unique URL identifier.
    pub slug: Slug,
    /// Display name.
    pub name: Name,
    /// What kind of body.
    pub kind: BodyKind,
    /// What the body does.
    pub description: Text,
    /// The organization that runs it, if any.
    pub owning_organization_id: Option<Uuid>,
    /// Voting seats.
    pub seats: Seats,
    /// Who appoints its members.
    pub appointing_authority: Name,
    /// Whether the public may read it.
    pub records_public: bool,
    /// Whether members stay seated after their term until replaced.
    pub holdovers_allowed: bool,
    /// Where it meets.
    pub time_zone: TimeZone,
}

/// Changes to a body; `None` leaves a field as it is.
#[derive(Default)]
pub struct BodyPatch {
    /// New slug.
    pub slug: Option<Slug>,
    /// New name.
    pub name: Option<Name>,
    /// New kind.
    pub kind: Option<BodyKind>,
    /// New description.
    pub description: Option<Text>,
    /// New owner; `Some(None)` makes it the coalition's own.
    pub owning_organization_id: Option<Option<Uuid>>,
    /// New number of seats.
    pub seats: Option<Seats>,
    /// New appointing authority.
    pub appointing_authority: Option<Name>,
    /// Whether the public may read it.
    pub records_public: Option<bool>,
    /// Whether holdovers stay seated.
    pub holdovers_allowed: Option<bool>,
    /// New time zone.
    pub time_zone: Option<TimeZone>,
}

async fn ensure_organization(
    db: &impl ConnectionTrait,
    id: Option<Uuid>,
    field: &str,
) -> AppResult<()> {
    if let Some(id) = id
        && organization::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_none()
    {
        return Err(AppError::bad_input(field, "is not a member organization"));
    }
    Ok(())
}

/// Creates a body (coordinators).
pub async fn create_body(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewBody,
) -> AppResult<body::Model> {
    policy::authorize(actor, policy::may_manage_directory(actor), "create bodies")?;
    ensure_organization(
        db,
        input.owning_organization_id,
        "input.owningOrganizationId",
    )
    .await?;
    let at = now();
    let txn = db.begin().await?;
    let created = body::ActiveModel {
        id: Set(new_id()),
        slug: Set(input.slug.as_str().to_owned()),
        name: Set(input.name.as_str().to_owned()),
        kind: Set(input.kind),
        description: Set(input.description.into_string()),
        owning_organization_id: Set(input.owning_organization_id),
        seats: Set(input.seats.get()),
        appointing_authority: Set(input.appointing_authority.as_str().to_owned()),
        records_public: Set(input.records_public),
        holdovers_allowed: Set(input.holdovers_allowed),
        time_zone: Set(input.time_zone.name().to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "a body with this slug already exists"))?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: created.owning_organization_id,
            action: "body.created",
            record_type: "Body",
            record_id: Some(created.id),
            details: Some(
                json!({ "slug": created.slug, "kind": created.kind, "seats": created.seats }),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a body (coordinators). The audit entry holds old and new values.
pub async fn update_body(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    patch: BodyPatch,
) -> AppResult<body::Model> {
    let current = body(db, actor, id).await?;
    policy::authorize(actor, policy::may_manage_directory(actor), "change bodies")?;
    if let Some(owner) = patch.owning_organization_id {
        ensure_organization(db, owner, "input.owningOrganizationId").await?;
    }
    let mut changes = serde_json::Map::new();
    let mut change = |field: &str, from: Value, to: Value| {
        if from != to {
            changes.insert(field.to_owned(), json!({ "from": from, "to": to }));
        }
    };
    let mut active = current.clone().into_active_model();
    if let Some(slug) = patch.slug {
        change("slug", json!(current.slug), json!(slug.as_str()));
        active.slug = Set(slug.as_str().to_owned());
    }
    if let Some(name) = patch.name {
        change("name", json!(current.name), json!(name.as_str()));
        active.name = Set(name.as_str().to_owned());
    }
    if let Some(kind) = patch.kind {
        change("kind", json!(current.kind), json!(kind));
        active.kind = Set(kind);
    }
    if let Some(description) = patch.description {
        let description = description.into_string();
        change(
            "description",
            json!(current.description),
            json!(description),
        );
        active.description = Set(description);
    }
    if let Some(owner) = patch.owning_organization_id {
        change(
            "owningOrganizationId",
            json!(current.owning_organization_id),
            json!(owner),
        );
        active.owning_organization_id = Set(owner);
    }
    if let Some(seats) = patch.seats {
        change("seats", json!(current.seats), json!(seats.get()));
        active.seats = Set(seats.get());
    }
    if let Some(authority) = patch.appointing_authority {
        change(
            "appointingAuthority",
            json!(current.appointing_authority),
            json!(authority.as_str()),
        );
        active.appointing_authority = Set(authority.as_str().to_owned());
    }
    if let Some(public) = patch.records_public {
        change(
            "recordsPublic",
            json!(current.records_public),
            json!(public),
        );
        active.records_public = Set(public);
    }
    if let Some(holdovers) = patch.holdovers_allowed {
        change(
            "holdoversAllowed",
            json!(current.holdovers_allowed),
            json!(holdovers),
        );
        active.holdovers_allowed = Set(holdovers);
    }
    if let Some(tz) = patch.time_zone {
        change("timeZone", json!(current.time_zone), json!(tz.name()));
        active.time_zone = Set(tz.name().to_owned());
    }
    if changes.is_empty() {
        return Ok(current);
    }
    active.updated_at = Set(now());
    let txn = db.begin().await?;
    let updated = active
        .update(&txn)
        .await
        .map_err(|e| AppError::conflict_on_unique(e, "a body with this slug already exists"))?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: updated.owning_organization_id,
            action: "body.updated",
            record_type: "Body",
            record_id: Some(updated.id),
            details: Some(Value::Object(changes)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// A body the actor may see: public bodies for everyone, the others for
/// coalition members; `NOT_FOUND` otherwise, exactly like a missing body.
pub async fn body(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> AppResult<body::Model> {
    let found = body::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_see_body",
        policy::may_see_body(actor, found.records_public),
    )?;
    Ok(found)
}

/// A body by slug, under the same rule as [`body`].
pub async fn body_by_slug(
    db: &impl ConnectionTrait,
    actor: &Actor,
    slug: &str,
) -> AppResult<body::Model> {
    let found = body::Entity::find()
        .filter(body::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_see_body",
        policy::may_see_body(actor, found.records_public),
    )?;
    Ok(found)
}

/// A page of the bodies the actor may see, optionally of one kind.
pub async fn bodies(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kind: Option<BodyKind>,
    page: &PageRequest,
) -> AppResult<Page<body::Model>> {
    let mut select = body::Entity::find();
    if let Some(kind) = kind {
        select = select.filter(body::Column::Kind.eq(kind));
    }
    if !policy::may_see_body(actor, false) {
        select = select.filter(body::Column::RecordsPublic.eq(true));
    }
    paginate(db, select, body::Column::CreatedAt, body::Column::Id, page).await
}

/// A page of a body's memberships over time, past ones included (coalition
/// members; the public sees current members only).
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
    let found = paginate(
        db,
        body_membership::Entity::find().filter(body_membership::Column::BodyId.eq(body.id)),
        body_membership::Column::CreatedAt,
        body_membership::Column::Id,
        page,
    )
    .await?;
    let Page {
        items,
        has_previous_page,
        has_next_page,
        total_count,
    } = found;
    Ok(Page {
        items: with_seating(db, items).await?,
        has_previous_page,
        has_next_page,
        total_count,
    })
}

// ---------------------------------------------------------------- people

/// Whether a person sits today on a body the public may see: the only people
/// the public may look up.
async fn sits_on_a_public_body(db: &impl ConnectionTrait, person_id: Uuid) -> AppResult<bool> {
    let public_bodies = Query::select()
        .column(body::Column::Id)
        .from(body::Entity)
        .and_where(Expr::col(body::Column::RecordsPublic).eq(true))
        .to_owned();
    let rows = body_membership::Entity::find()
        .filter(body_membership::Column::PersonId.eq(person_id))
        .filter(body_membership::Column::BodyId.in_subquery(public_bodies))
        .all(db)
        .await?;
    Ok(with_seating(db, rows)
        .await?
        .iter()
        .any(|v| v.seating.seated))
}

/// Whether the actor may know that person `p` exists: coalition members see
/// everyone, the public only people sitting today on a public body, and
/// whoever may edit the profile (its own linked account) sees it.
async fn may_see_person(
    db: &impl ConnectionTrait,
    actor: &Actor,
    p: &person::Model,
) -> AppResult<bool> {
    Ok(policy::is_coalition_member(actor)
        || policy::may_edit_person(actor, p.user_id)
        || sits_on_a_public_body(db, p.id).await?)
}

/// A person the actor may see; `NOT_FOUND` otherwise.
pub async fn person(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<person::Model> {
    let found = person::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal("may_see_person", may_see_person(db, actor, &found).await?)?;
    Ok(found)
}

/// What to look for among people; every given criterion must match.
#[derive(Default)]
pub struct PeopleFilter {
    /// Speaks this language; `pt` also finds `pt-BR`.
    pub language: Option<LanguageTag>,
    /// Knows an area whose name contains this text, ignoring case.
    pub expertise: Option<ExpertiseTerm>,
    /// Sits on this body today.
    pub body_id: Option<Uuid>,
}

/// Escapes `%`, `_` and `\` for a `LIKE` pattern with `\` as escape.
fn like_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A page of people matching `filter`: "who in the network speaks this
/// language and knows this area" (coalition members).
pub async fn people(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: PeopleFilter,
    page: &PageRequest,
) -> AppResult<Page<person::Model>> {
    policy::authorize(
        actor,
        policy::is_coalition_member(actor),
        "search the people of the directory",
    )?;
    let mut select = person::Entity::find();
    if let Some(language) = filter.language {
        let speakers = Query::select()
            .column(person_language::Column::PersonId)
            .from(person_language::Entity)
            .cond_where(
                Condition::any()
                    .add(Expr::col(person_language::Column::Tag).eq(language.as_str()))
                    .add(Expr::col(person_language::Column::Tag).like(
                        LikeExpr::new(format!("{}-%", like_escape(language.as_str()))).escape('\\'),
                    )),
            )
            .to_owned();
        select = select.filter(person::Column::Id.in_subquery(speakers));
    }
    if let Some(term) = filter.expertise {
        let pattern = format!("%{}%", like_escape(&term.as_str().to_lowercase()));
        let knowers = Query::select()
            .column(person_expertise::Column::PersonId)
            .from(person_expertise::Entity)
            .and_where(
                Expr::expr(Func::lower(Expr::col(person_expertise::Column::Term)))
                    .like(LikeExpr::new(pattern).escape('\\')),
            )
            .to_owned();
        select = select.filter(person::Column::Id.in_subquery(knowers));
    }
    if let Some(body_id) = filter.body_id {
        let body = body(db, actor, body_id).await?;
        let seated: Vec<Uuid> = seated_by_body(db, &[body.id], today_at)
            .await?
            .remove(&body.id)
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.membership.person_id)
            .collect();
        select = select.filter(person::Column::Id.is_in(seated));
    }
    paginate(
        db,
        select,
        person::Column::CreatedAt,
        person::Column::Id,
        page,
    )
    .await
}

/// The contacts among `contacts` the actor may see; the others are simply absent.
pub fn visible_contacts(
    actor: &Actor,
    contacts: Vec<person_contact::Model>,
) -> Vec<person_contact::Model> {
    contacts
        .into_iter()
        .filter(|c| policy::may_see_contact(actor, c.visibility))
        .collect()
}

/// The memberships among `memberships` (of one person) the actor may see:
/// all of them for coalition members, for the public those seating the
/// person today on a body for which `is_public` holds.
pub fn visible_memberships(
    actor: &Actor,
    memberships: Vec<MembershipView>,
    is_public: impl Fn(Uuid) -> bool,
) -> Vec<MembershipView> {
    if policy::is_coalition_member(actor) {
        return memberships;
    }
    memberships
        .into_iter()
        .filter(|m| m.seating.seated && is_public(m.membership.body_id))
        .collect()
}

/// Whether the actor may edit this person's profile and contacts.
pub fn may_edit(actor: &Actor, p: &person::Model) -> bool {
    policy::may_edit_person(actor, p.user_id)
}

/// A new person, validated.
pub struct NewPerson {
    /// Full name.
    pub name: Name,
    /// Pronouns, e.g. "she/her".
    pub pronouns: Option<Name>,
    /// A short bio.
    pub bio: Option<Text>,
    /// Languages spoken.
    pub languages: Vec<LanguageTag>,
    /// Areas of expertise.
    pub expertise: Vec<ExpertiseTerm>,
    /// The user account of the person, who may then edit the profile.
    pub user_id: Option<Uuid>,
}

/// Changes to a person; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Default)]
pub struct PersonPatch {
    /// New name.
    pub name: Option<Name>,
    /// New or cleared pronouns.
    pub pronouns: Option<Option<Name>>,
    /// New or cleared bio.
    pub bio: Option<Option<Text>>,
    /// The complete new list of languages.
    pub languages: Option<Vec<LanguageTag>>,
    /// The complete new list of areas of expertise.
    pub expertise: Option<Vec<ExpertiseTerm>>,
    /// Link to a user account, or unlink (coordinators only).
    pub user_id: Option<Option<Uuid>>,
}

async fn ensure_user(db: &impl ConnectionTrait, id: Option<Uuid>) -> AppResult<()> {
    if let Some(id) = id
        && user::Entity::find_by_id(id).one(db).await?.is_none()
    {
        return Err(AppError::bad_input("input.userId", "is not a user account"));
    }
    Ok(())
}

async fn replace_languages(
    txn: &impl ConnectionTrait,
    person_id: Uuid,
    tags: &[LanguageTag],
) -> AppResult<()> {
    person_language::Entity::delete_many()
        .filter(person_language::Column::PersonId.eq(person_id))
        .exec(txn)
        .await?;
    person_language::Entity::insert_many(tags.iter().map(|t| person_language::ActiveModel {
        person_id: Set(person_id),
        tag: Set(t.as_str().to_owned()),
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

async fn replace_expertise(
    txn: &impl ConnectionTrait,
    person_id: Uuid,
    terms: &[ExpertiseTerm],
) -> AppResult<()> {
    person_expertise::Entity::delete_many()
        .filter(person_expertise::Column::PersonId.eq(person_id))
        .exec(txn)
        .await?;
    person_expertise::Entity::insert_many(terms.iter().map(|t| person_expertise::ActiveModel {
        person_id: Set(person_id),
        term: Set(t.as_str().to_owned()),
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

const LINKED_ELSEWHERE: &str = "this user account is already linked to another person";

/// Adds a person to the directory (coordinators).
pub async fn create_person(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewPerson,
) -> AppResult<person::Model> {
    policy::authorize(
        actor,
        policy::may_manage_directory(actor),
        "add people to the directory",
    )?;
    ensure_user(db, input.user_id).await?;
    let at = now();
    let txn = db.begin().await?;
    let created = person::ActiveModel {
        id: Set(new_id()),
        name: Set(input.name.as_str().to_owned()),
        pronouns: Set(input.pronouns.map(|p| p.as_str().to_owned())),
        bio: Set(input.bio.and_then(Text::non_empty)),
        user_id: Set(input.user_id),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::conflict_on_unique(e, LINKED_ELSEWHERE))?;
    replace_languages(&txn, created.id, &input.languages).await?;
    replace_expertise(&txn, created.id, &input.expertise).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: None,
            action: "person.created",
            record_type: "Person",
            record_id: Some(created.id),
            details: Some(json!({ "linkedToUser": created.user_id.is_some() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// A person the actor may see and edit: `NOT_FOUND` when hidden, refused
/// when visible but not theirs to edit.
async fn editable_person(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<person::Model> {
    let found = person(db, actor, id).await?;
    policy::authorize(actor, may_edit(actor, &found), "edit this person's profile")?;
    Ok(found)
}

/// Changes a person's profile (coordinators, or the person through their
/// linked account). The audit entry names the fields changed, not their
/// values: a profile is personal data.
pub async fn update_person(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    patch: PersonPatch,
) -> AppResult<person::Model> {
    let current = editable_person(db, actor, id).await?;
    if let Some(user_id) = patch.user_id {
        policy::authorize(
            actor,
            policy::may_manage_directory(actor),
            "link a person to a user account",
        )?;
        ensure_user(db, user_id).await?;
    }
    let mut fields = Vec::new();
    let mut active = current.clone().into_active_model();
    if let Some(name) = patch.name {
        fields.push("name");
        active.name = Set(name.as_str().to_owned());
    }
    if let Some(pronouns) = patch.pronouns {
        fields.push("pronouns");
        active.pronouns = Set(pronouns.map(|p| p.as_str().to_owned()));
    }
    if let Some(bio) = patch.bio {
        fields.push("bio");
        active.bio = Set(bio.and_then(Text::non_empty));
    }
    if let Some(user_id) = patch.user_id {
        fields.push("userId");
        active.user_id = Set(user_id);
    }
    if patch.languages.is_some() {
        fields.push("languages");
    }
    if patch.expertise.is_some() {
        fields.push("expertise");
    }
    if fields.is_empty() {
        return Ok(current);
    }
    active.updated_at = Set(now());
    let txn = db.begin().await?;
    let updated = active
        .update(&txn)
        .await
        .map_err(|e| AppError::conflict_on_unique(e, LINKED_ELSEWHERE))?;
    if let Some(tags) = &patch.languages {
        replace_languages(&txn, id, tags).await?;
    }
    if let Some(terms) = &patch.expertise {
        replace_expertise(&txn, id, terms).await?;
    }
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: None,
            action: "person.updated",
            record_type: "Person",
            record_id: Some(id),
            details: Some(json!({ "fields": fields })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// A new contact detail, validated against its kind.
pub struct NewContact {
    /// What it is.
    pub kind: ContactKind,
    /// The address or number.
    pub value: ContactValue,
    /// E.g. "Office".
    pub label: Option<Name>,
    /// Who may see it.
    pub visibility: ContactVisibility,
}

/// Adds a contact detail to a person (same rights as [`update_person`]).
pub async fn add_person_contact(
    db: &DatabaseConnection,
    actor: &Actor,
    person_id: Uuid,
    input: NewContact,
) -> AppResult<person_contact::Model> {
    editable_person(db, actor, person_id).await?;
    let txn = db.begin().await?;
    let created = person_contact::ActiveModel {
        id: Set(new_id()),
        person_id: Set(person_id),
        kind: Set(input.kind),
        value: Set(input.value.into_string()),
        label: Set(input.label.map(|l| l.as_str().to_owned())),
        visibility: Set(input.visibility),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: None,
            action: "person.contact_added",
            record_type: "Person",
            record_id: Some(person_id),
            details: Some(json!({ "contact": created.id, "kind": created.kind, "visibility": created.visibility })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Removes a contact detail (same rights as [`update_person`]). A contact the
/// actor may not see is `NOT_FOUND`, like a missing one.
pub async fn remove_person_contact(
    db: &DatabaseConnection,
    actor: &Actor,
    contact_id: Uuid,
) -> AppResult<person_contact::Model> {
    let found = person_contact::Entity::find_by_id(contact_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_see_contact",
        policy::may_see_contact(actor, found.visibility),
    )?;
    editable_person(db, actor, found.person_id).await?;
    let txn = db.begin().await?;
    person_contact::Entity::delete_by_id(found.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: None,
            action: "person.contact_removed",
            record_type: "Person",
            record_id: Some(found.person_id),
            details: Some(json!({ "contact": found.id, "kind": found.kind })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(found)
}

// ---------------------------------------------------------------- memberships

/// A membership the actor may see: its body must be visible, and the public
/// sees only memberships seating someone today.
pub async fn membership(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<MembershipView> {
    let found = body_membership::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = body(db, actor, found.body_id).await?;
    let view = with_seating(db, vec![found])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("membership lost its seating".into()))?;
    policy::reveal(
        "is_coalition_member",
        policy::is_coalition_member(actor) || (body.records_public && view.seating.seated),
    )?;
    Ok(view)
}

/// A person's memberships over time, oldest first, each with its seating
/// today; the caller filters them with [`visible_memberships`]. Three
/// statements whatever the number of people.
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

/// Serialises appointments to one body on PostgreSQL (SQLite already runs
/// one writer at a time), so two appointments cannot both take the last seat.
async fn lock_body(txn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    body::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(())
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
pub struct Appointment {
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
pub async fn appoint_member(
    db: &DatabaseConnection,
    actor: &Actor,
    input: Appointment,
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
    let txn = db.begin().await?;
    lock_body(&txn, body.id).await?;
    let predecessor = match input.replaces_membership_id {
        None => None,
        Some(old_id) => {
            let old = body_membership::Entity::find_by_id(old_id)
                .one(&txn)
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
        &txn,
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
        ending.update(&txn).await?;
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
    .insert(&txn)
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "this membership has already been replaced"))?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: body.owning_organization_id,
            action: "body_membership.appointed",
            record_type: "BodyMembership",
            record_id: Some(created.id),
            details: Some(membership_details(&created)),
        },
    )
    .await?;
    txn.commit().await?;
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
    let txn = db.begin().await?;
    let mut active = current.clone().into_active_model();
    active.ended_on = Set(Some(ended_on));
    active.updated_at = Set(now());
    let ended = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: body.owning_organization_id,
            action: "body_membership.ended",
            record_type: "BodyMembership",
            record_id: Some(id),
            details: Some(json!({ "endedOn": ended_on })),
        },
    )
    .await?;
    txn.commit().await?;
    single_view(db, ended).await
}

/// Corrections to a current membership; `None` leaves a field as it is.
#[derive(Default)]
pub struct MembershipCorrection {
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
pub async fn correct_membership(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    correction: MembershipCorrection,
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
    let txn = db.begin().await?;
    lock_body(&txn, body.id).await?;
    if post.holds_seat() && !current.post.holds_seat() {
        ensure_place(&txn, &body, current.person_id, post, start_date, Some(id)).await?;
    }
    let at = now();
    if start_date != current.start_date
        && let Some(old_id) = current.replaces_membership_id
    {
        // The handover moves with the successor's start, keeping the
        // predecessor's end equal to it.
        let old = body_membership::Entity::find_by_id(old_id)
            .one(&txn)
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
        moving.update(&txn).await?;
    }
    let mut active = current.clone().into_active_model();
    active.post = Set(post);
    active.start_date = Set(start_date);
    active.end_date = Set(end_date);
    active.updated_at = Set(at);
    let corrected = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: body.owning_organization_id,
            action: "body_membership.corrected",
            record_type: "BodyMembership",
            record_id: Some(id),
            details: Some(json!({
                "from": { "post": current.post, "startDate": current.start_date, "endDate": current.end_date },
                "to": { "post": post, "startDate": start_date, "endDate": end_date },
            })),
        },
    )
    .await?;
    txn.commit().await?;
    single_view(db, corrected).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn term(start: &str, end: Option<&str>, ended_on: Option<&str>) -> body_membership::Model {
        body_membership::Model {
            id: Uuid::now_v7(),
            body_id: Uuid::now_v7(),
            person_id: Uuid::now_v7(),
            post: Post::Member,
            organization_id: None,
            start_date: date(start),
            end_date: end.map(date),
            ended_on: ended_on.map(date),
            appointed_by: "Mayor".into(),
            replaces_membership_id: None,
            created_at: now(),
            updated_at: now(),
        }
    }

    #[test]
    fn a_term_seats_its_member_from_its_first_to_its_last_day() {
        let m = term("2025-01-01", Some("2025-12-31"), None);
        assert!(!seating(&m, false, None, date("2024-12-31")).seated);
        assert!(seating(&m, false, None, date("2025-01-01")).seated);
        assert!(seating(&m, false, None, date("2025-12-31")).seated);
        assert!(!seating(&m, false, None, date("2026-01-01")).seated);
    }

    #[test]
    fn an_ended_term_holds_over_until_a_successor_starts_when_the_body_allows() {
        let m = term("2022-01-01", Some("2024-12-31"), None);
        let on = date("2025-06-01");
        assert_eq!(
            seating(&m, true, None, on),
            Seating {
                seated: true,
                holdover: true
            }
        );
        assert!(seating(&m, true, Some(date("2025-07-01")), on).holdover);
        assert!(!seating(&m, true, Some(date("2025-05-01")), on).seated);
        assert!(!seating(&m, false, None, on).seated);
    }

    #[test]
    fn a_vacated_seat_is_empty_from_the_day_it_was_vacated() {
        let m = term("2025-01-01", None, Some("2025-03-01"));
        assert!(seating(&m, true, None, date("2025-02-28")).seated);
        assert!(!seating(&m, true, None, date("2025-03-01")).seated);
    }

    #[test]
    fn ex_officio_and_staff_liaisons_take_no_seat() {
        assert!(Post::Chair.holds_seat());
        assert!(Post::Secretary.holds_seat());
        assert!(!Post::ExOfficio.holds_seat());
        assert!(!Post::StaffLiaison.holds_seat());
    }

    #[test]
    fn like_wildcards_in_search_text_are_escaped() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}

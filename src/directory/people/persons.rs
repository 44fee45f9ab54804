//! People of the directory: their profiles (name, pronouns, bio, languages,
//! expertise) and the account linked to them. Coalition members see
//! everyone; the public sees people sitting today on a public body; the
//! person edits their own profile through the linked account, coordinators
//! any profile. The rule is [`policy::may_see_person`], over the facts
//! gathered here.

use super::domain::{ExpertiseTerm, LanguageTag, Text};
use super::seating::with_seating;
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::{self, now};
use crate::domain::Name;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::policy::{self, PersonFacts};
use entity::{body, body_membership, person, person_expertise, person_language, user};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

crate::pagination::keyed_by_creation!(person::Model);

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

/// What [`policy::may_see_person`] decides on for `p`. Where the person sits
/// is read only when it decides: members and the person themselves see the
/// profile anyway, and a lookup of theirs costs no statements for it.
async fn person_facts(
    db: &impl ConnectionTrait,
    actor: &Actor,
    p: &person::Model,
) -> AppResult<PersonFacts> {
    let sits = !policy::may_see_person_whatever_their_seats(actor, p.user_id)
        && sits_on_a_public_body(db, p.id).await?;
    Ok(PersonFacts {
        linked_user: p.user_id,
        sits_on_a_public_body: sits,
    })
}

/// A person the actor may see; `NOT_FOUND` otherwise.
#[tracing::instrument(skip_all, fields(person = %id))]
pub async fn person(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<person::Model> {
    let found = db::find::<person::Entity>(db, id).await?;
    let facts = person_facts(db, actor, &found).await?;
    policy::reveal("may_see_person", policy::may_see_person(actor, &facts))?;
    Ok(found)
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
#[tracing::instrument(skip_all)]
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
    let change = Change::begin(db, actor).await?;
    let created = person::ActiveModel {
        id: Set(new_id()),
        name: Set(input.name.as_str().to_owned()),
        pronouns: Set(input.pronouns.map(|p| p.as_str().to_owned())),
        bio: Set(input.bio.and_then(Text::non_empty)),
        user_id: Set(input.user_id),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(change.txn())
    .await
    .map_err(|e| AppError::conflict_on_unique(e, LINKED_ELSEWHERE))?;
    replace_languages(change.txn(), created.id, &input.languages).await?;
    replace_expertise(change.txn(), created.id, &input.expertise).await?;
    let event = AuditEvent {
        organization_id: None,
        action: "person.created",
        record_type: "Person",
        record_id: Some(created.id),
        details: Some(json!({ "linkedToUser": created.user_id.is_some() })),
    };
    change.commit(event, created).await
}

/// A person the actor may see and edit: `NOT_FOUND` when hidden, refused
/// when visible but not theirs to edit.
pub(super) async fn editable_person(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<person::Model> {
    let found = person(db, actor, id).await?;
    policy::authorize(
        actor,
        policy::may_edit_person(actor, found.user_id),
        "edit this person's profile",
    )?;
    Ok(found)
}

/// Changes a person's profile (coordinators, or the person through their
/// linked account). The audit entry names the fields changed, not their
/// values: a profile is personal data.
#[tracing::instrument(skip_all, fields(person = %id))]
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
    let change = Change::begin(db, actor).await?;
    let updated = active
        .update(change.txn())
        .await
        .map_err(|e| AppError::conflict_on_unique(e, LINKED_ELSEWHERE))?;
    if let Some(tags) = &patch.languages {
        replace_languages(change.txn(), id, tags).await?;
    }
    if let Some(terms) = &patch.expertise {
        replace_expertise(change.txn(), id, terms).await?;
    }
    let event = AuditEvent {
        organization_id: None,
        action: "person.updated",
        record_type: "Person",
        record_id: Some(id),
        details: Some(json!({ "fields": fields })),
    };
    change.commit(event, updated).await
}

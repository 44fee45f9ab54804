//! Bodies: the advisory group, committees, welcoming committees and the
//! commission, their seats, appointing authority and time zone. Public
//! bodies are for everyone, the others for coalition members; coordinators
//! create and change them.

use super::domain::{Seats, Text, TimeZone};
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::{self, now};
use crate::domain::{Name, Slug};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy;
use entity::body::BodyKind;
use entity::{body, organization};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use uuid::Uuid;

crate::pagination::keyed_by_creation!(body::Model);

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

/// Refuses an organization id that names no member organization, as bad
/// input on `field`.
pub(super) async fn ensure_organization(
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
#[tracing::instrument(skip_all)]
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
    let change = Change::begin(db, actor).await?;
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
    .insert(change.txn())
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "a body with this slug already exists"))?;
    let event = AuditEvent {
        organization_id: created.owning_organization_id,
        action: "body.created",
        record_type: "Body",
        record_id: Some(created.id),
        details: Some(
            json!({ "slug": created.slug, "kind": created.kind, "seats": created.seats }),
        ),
    };
    change.commit(event, created).await
}

/// Changes a body (coordinators). The audit entry holds old and new values.
#[tracing::instrument(skip_all, fields(body = %id))]
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
    let mut note = |field: &str, from: Value, to: Value| {
        if from != to {
            changes.insert(field.to_owned(), json!({ "from": from, "to": to }));
        }
    };
    let mut active = current.clone().into_active_model();
    if let Some(slug) = patch.slug {
        note("slug", json!(current.slug), json!(slug.as_str()));
        active.slug = Set(slug.as_str().to_owned());
    }
    if let Some(name) = patch.name {
        note("name", json!(current.name), json!(name.as_str()));
        active.name = Set(name.as_str().to_owned());
    }
    if let Some(kind) = patch.kind {
        note("kind", json!(current.kind), json!(kind));
        active.kind = Set(kind);
    }
    if let Some(description) = patch.description {
        let description = description.into_string();
        note(
            "description",
            json!(current.description),
            json!(description),
        );
        active.description = Set(description);
    }
    if let Some(owner) = patch.owning_organization_id {
        note(
            "owningOrganizationId",
            json!(current.owning_organization_id),
            json!(owner),
        );
        active.owning_organization_id = Set(owner);
    }
    if let Some(seats) = patch.seats {
        note("seats", json!(current.seats), json!(seats.get()));
        active.seats = Set(seats.get());
    }
    if let Some(authority) = patch.appointing_authority {
        note(
            "appointingAuthority",
            json!(current.appointing_authority),
            json!(authority.as_str()),
        );
        active.appointing_authority = Set(authority.as_str().to_owned());
    }
    if let Some(public) = patch.records_public {
        note(
            "recordsPublic",
            json!(current.records_public),
            json!(public),
        );
        active.records_public = Set(public);
    }
    if let Some(holdovers) = patch.holdovers_allowed {
        note(
            "holdoversAllowed",
            json!(current.holdovers_allowed),
            json!(holdovers),
        );
        active.holdovers_allowed = Set(holdovers);
    }
    if let Some(tz) = patch.time_zone {
        note("timeZone", json!(current.time_zone), json!(tz.name()));
        active.time_zone = Set(tz.name().to_owned());
    }
    if changes.is_empty() {
        return Ok(current);
    }
    active.updated_at = Set(now());
    let change = Change::begin(db, actor).await?;
    let updated = active
        .update(change.txn())
        .await
        .map_err(|e| AppError::conflict_on_unique(e, "a body with this slug already exists"))?;
    let event = AuditEvent {
        organization_id: updated.owning_organization_id,
        action: "body.updated",
        record_type: "Body",
        record_id: Some(updated.id),
        details: Some(Value::Object(changes)),
    };
    change.commit(event, updated).await
}

/// A body the actor may see: public bodies for everyone, the others for
/// coalition members; `NOT_FOUND` otherwise, exactly like a missing body.
#[tracing::instrument(skip_all, fields(body = %id))]
pub async fn body(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> AppResult<body::Model> {
    let found = db::find::<body::Entity>(db, id).await?;
    policy::reveal(
        "may_see_body",
        policy::may_see_body(actor, found.records_public),
    )?;
    Ok(found)
}

/// A body by slug, under the same rule as [`body`].
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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

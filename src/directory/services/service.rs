//! Adding, replacing and reading services. A service is replaced as a whole
//! with its parts (see [`super::draft`]).

use super::draft::{ServiceDraft, Valid, validate};
use super::search_text::search_document;
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::now;
use crate::error::AppResult;
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy;
use entity::enums::ServiceStatus;
use entity::{
    location, service, service_category, service_exception, service_hours, service_language,
    translation,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

crate::pagination::keyed_by_creation!(service::Model);

/// Adds a service to an organization (its admins and staff, its STAFF API keys, coordinators).
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn create_service(
    db: &DatabaseConnection,
    actor: &Actor,
    organization_id: Uuid,
    draft: ServiceDraft,
) -> AppResult<service::Model> {
    let (id, valid) = check_new_service(db, actor, organization_id, draft).await?;
    let change = Change::begin(db, actor).await?;
    let (created, event) = insert_service(change.txn(), actor, organization_id, id, valid).await?;
    change.commit(event, created).await
}

/// The work of [`create_service`] inside a change that records many (an
/// import): the service, and the audit entry to record for it.
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn add_service(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    draft: ServiceDraft,
) -> AppResult<(service::Model, AuditEvent<'static>)> {
    let (id, valid) = check_new_service(txn, actor, organization_id, draft).await?;
    insert_service(txn, actor, organization_id, id, valid).await
}

/// The organization exists, the actor may edit its entries, and the draft is valid.
async fn check_new_service(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    draft: ServiceDraft,
) -> AppResult<(Uuid, Valid)> {
    crate::accounts::organization(db, organization_id).await?;
    policy::authorize(
        actor,
        policy::may_edit_directory_entry(actor, organization_id),
        "edit this organization's directory entries",
    )?;
    let id = draft.id.unwrap_or_else(new_id);
    Ok((id, validate(db, draft).await?))
}

async fn insert_service(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    id: Uuid,
    valid: Valid,
) -> AppResult<(service::Model, AuditEvent<'static>)> {
    let at = now();
    let mut row = valid.row.clone();
    row.id = Set(id);
    row.organization_id = Set(organization_id);
    row.last_verified_at = Set(Some(at));
    row.last_verified_by = Set(actor.user_id());
    row.search_document = Set(String::new());
    row.created_at = Set(at);
    row.updated_at = Set(at);
    let created = row.insert(txn).await?;
    replace_parts(txn, id, &valid).await?;
    let document = search_document(
        txn,
        id,
        &created.name,
        &created.description,
        organization_id,
    )
    .await?;
    let mut active = created.into_active_model();
    active.search_document = Set(document);
    let created = active.update(txn).await?;
    let event = AuditEvent {
        organization_id: Some(organization_id),
        action: "service.created",
        record_type: "Service",
        record_id: Some(id),
        details: Some(json!({ "name": created.name })),
    };
    Ok((created, event))
}

/// Replaces a service's details. An edit is not a verification: the
/// verification date stays as it was.
#[tracing::instrument(skip_all, fields(service = %id))]
pub async fn update_service(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    draft: ServiceDraft,
) -> AppResult<service::Model> {
    let current = service(db, actor, id).await?;
    policy::authorize(
        actor,
        policy::may_edit_directory_entry(actor, current.organization_id),
        "edit this organization's directory entries",
    )?;
    let valid = validate(db, draft).await?;
    let change = Change::begin(db, actor).await?;
    let mut row = valid.row.clone();
    row.id = Set(id);
    row.updated_at = Set(now());
    let updated = row.update(change.txn()).await?;
    replace_parts(change.txn(), id, &valid).await?;
    let document = search_document(
        change.txn(),
        id,
        &updated.name,
        &updated.description,
        updated.organization_id,
    )
    .await?;
    let mut active = updated.into_active_model();
    active.search_document = Set(document);
    let updated = active.update(change.txn()).await?;
    let event = AuditEvent {
        organization_id: Some(current.organization_id),
        action: "service.updated",
        record_type: "Service",
        record_id: Some(id),
        details: Some(json!({ "statusFrom": current.status, "statusTo": updated.status })),
    };
    change.commit(event, updated).await
}

/// One service, if the actor may see it.
#[tracing::instrument(skip_all, fields(service = %id))]
pub async fn service(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<service::Model> {
    let found = crate::db::find::<service::Entity>(db, id).await?;
    policy::reveal(
        "may_see_service",
        policy::may_see_service(actor, found.status),
    )?;
    Ok(found)
}

/// A page of an organization's services the actor may see.
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn organization_services(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<service::Model>> {
    let mut select =
        service::Entity::find().filter(service::Column::OrganizationId.eq(organization_id));
    if !policy::is_coalition_member(actor) {
        select = select.filter(service::Column::Status.eq(ServiceStatus::Active));
    }
    paginate(
        db,
        select,
        service::Column::CreatedAt,
        service::Column::Id,
        page,
    )
    .await
}

/// Writes the parts of a service that are replaced as a whole.
async fn replace_parts(
    txn: &impl ConnectionTrait,
    service_id: Uuid,
    valid: &Valid,
) -> AppResult<()> {
    service_category::Entity::delete_many()
        .filter(service_category::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    service_language::Entity::delete_many()
        .filter(service_language::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    service_hours::Entity::delete_many()
        .filter(service_hours::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    service_exception::Entity::delete_many()
        .filter(service_exception::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    location::Entity::delete_many()
        .filter(location::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    translation::Entity::delete_many()
        .filter(translation::Column::RecordId.eq(service_id))
        .exec(txn)
        .await?;
    if !valid.categories.is_empty() {
        service_category::Entity::insert_many(valid.categories.iter().map(|term| {
            service_category::ActiveModel {
                service_id: Set(service_id),
                term_id: Set(*term),
            }
        }))
        .exec(txn)
        .await?;
    }
    if !valid.languages.is_empty() {
        service_language::Entity::insert_many(valid.languages.iter().map(|tag| {
            service_language::ActiveModel {
                service_id: Set(service_id),
                tag: Set(tag.as_str().to_owned()),
            }
        }))
        .exec(txn)
        .await?;
    }
    if !valid.hours.is_empty() {
        service_hours::Entity::insert_many(valid.hours.iter().map(|(weekday, opens, closes)| {
            service_hours::ActiveModel {
                id: Set(new_id()),
                service_id: Set(service_id),
                weekday: Set(*weekday),
                opens_at: Set(opens.clone()),
                closes_at: Set(closes.clone()),
            }
        }))
        .exec(txn)
        .await?;
    }
    if !valid.exceptions.is_empty() {
        service_exception::Entity::insert_many(valid.exceptions.iter().map(
            |(date, opens, closes, note)| service_exception::ActiveModel {
                id: Set(new_id()),
                service_id: Set(service_id),
                date: Set(*date),
                opens_at: Set(opens.clone()),
                closes_at: Set(closes.clone()),
                note: Set(note.clone()),
            },
        ))
        .exec(txn)
        .await?;
    }
    let at = now();
    if !valid.locations.is_empty() {
        location::Entity::insert_many(valid.locations.iter().map(|l| location::ActiveModel {
            id: Set(new_id()),
            service_id: Set(service_id),
            name: Set(l.name.clone()),
            address: Set(l.address.clone()),
            city: Set(l.city.clone()),
            state_province: Set(l.state_province.clone()),
            postal_code: Set(l.postal_code.clone()),
            country: Set(l.country.clone()),
            neighborhood: Set(l.neighborhood.clone()),
            latitude: Set(l.latitude),
            longitude: Set(l.longitude),
            accessibility: Set(l.accessibility.clone()),
            remote: Set(l.remote),
            contact_route: Set(l.contact_route.clone()),
            visibility: Set(l.visibility),
            created_at: Set(at),
        }))
        .exec(txn)
        .await?;
    }
    if !valid.translations.is_empty() {
        translation::Entity::insert_many(valid.translations.iter().map(|(field, locale, text)| {
            translation::ActiveModel {
                id: Set(new_id()),
                record_id: Set(service_id),
                field: Set(field.clone()),
                locale: Set(locale.clone()),
                text: Set(text.clone()),
                created_at: Set(at),
            }
        }))
        .exec(txn)
        .await?;
    }
    Ok(())
}

//! A person's contact details: email addresses, phone numbers and postal
//! addresses, each `PUBLIC` or for the coalition only
//! ([`policy::may_see_contact`]). They are added and removed by whoever may
//! edit the person's profile.

use super::domain::ContactValue;
use super::persons::editable_person;
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::now;
use crate::domain::Name;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::policy;
use entity::enums::{ContactKind, ContactVisibility};
use entity::person_contact;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde_json::json;
use uuid::Uuid;

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

/// Adds a contact detail to a person (same rights as
/// [`update_person`](super::persons::update_person)).
#[tracing::instrument(skip_all, fields(person = %person_id))]
pub async fn add_person_contact(
    db: &DatabaseConnection,
    actor: &Actor,
    person_id: Uuid,
    input: NewContact,
) -> AppResult<person_contact::Model> {
    editable_person(db, actor, person_id).await?;
    let change = Change::begin(db, actor).await?;
    let created = person_contact::ActiveModel {
        id: Set(new_id()),
        person_id: Set(person_id),
        kind: Set(input.kind),
        value: Set(input.value.into_string()),
        label: Set(input.label.map(|l| l.as_str().to_owned())),
        visibility: Set(input.visibility),
        created_at: Set(now()),
    }
    .insert(change.txn())
    .await?;
    let event = AuditEvent {
        organization_id: None,
        action: "person.contact_added",
        record_type: "Person",
        record_id: Some(person_id),
        details: Some(
            json!({ "contact": created.id, "kind": created.kind, "visibility": created.visibility }),
        ),
    };
    change.commit(event, created).await
}

/// Removes a contact detail (same rights as
/// [`update_person`](super::persons::update_person)). A contact the actor may
/// not see is `NOT_FOUND`, like a missing one.
#[tracing::instrument(skip_all, fields(contact = %contact_id))]
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
    let change = Change::begin(db, actor).await?;
    person_contact::Entity::delete_by_id(found.id)
        .exec(change.txn())
        .await?;
    let event = AuditEvent {
        organization_id: None,
        action: "person.contact_removed",
        record_type: "Person",
        record_id: Some(found.person_id),
        details: Some(json!({ "contact": found.id, "kind": found.kind })),
    };
    change.commit(event, found).await
}

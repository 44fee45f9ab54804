//! Agenda items of a meeting, in order, with their documents. The agenda can
//! change until the meeting's minutes are published, and not at all once the
//! meeting was cancelled or postponed (its agenda moved with it).

use super::access::{self, MeetingAccess};
use super::meetings::{ensure_record_open, event};
use crate::auth::Actor;
use crate::change::{Change, IdempotencyKey};
use crate::db::now;
use crate::domain::{optional_text, required_text, web_address};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::policy;
use entity::agenda_item::{self, AgendaItemKind};
use entity::{action_item, agenda_document, motion, person};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use std::collections::HashSet;
use uuid::Uuid;

/// Most items on one agenda.
pub const MAX_ITEMS: usize = 100;
/// Most documents on one item.
const MAX_DOCUMENTS: usize = 20;

/// A document link as the client gave it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DocumentDraft {
    /// What it is, e.g. "Draft language access plan".
    pub title: String,
    /// Where it is.
    pub url: String,
}

/// An agenda item as the client gave it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AgendaItemDraft {
    /// Title.
    pub title: String,
    /// What it is about.
    pub description: Option<String>,
    /// What the body does with it.
    pub kind: AgendaItemKind,
    /// A presenter from the directory.
    pub presenter_person_id: Option<Uuid>,
    /// A presenter not in the directory.
    pub presenter_name: Option<String>,
    /// Attached documents, in order.
    pub documents: Vec<DocumentDraft>,
}

struct ItemFields {
    title: String,
    description: String,
    kind: AgendaItemKind,
    presenter_person_id: Option<Uuid>,
    presenter_name: Option<String>,
    documents: Vec<(String, String)>,
}

async fn parse(db: &impl ConnectionTrait, input: AgendaItemDraft) -> AppResult<ItemFields> {
    let title = required_text(&input.title, "input.title", 300)?;
    let description = optional_text(input.description.as_deref(), "input.description", 20_000)?
        .unwrap_or_default();
    let presenter_name =
        optional_text(input.presenter_name.as_deref(), "input.presenterName", 200)?;
    if input.presenter_person_id.is_some() && presenter_name.is_some() {
        return Err(AppError::bad_input(
            "input.presenterName",
            "give a presenter from the directory or a name, not both",
        ));
    }
    if let Some(id) = input.presenter_person_id {
        person::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::bad_input("input.presenterId", "no such person"))?;
    }
    if input.documents.len() > MAX_DOCUMENTS {
        return Err(AppError::bad_input(
            "input.documents",
            format!("at most {MAX_DOCUMENTS} documents per item"),
        ));
    }
    let mut documents = Vec::with_capacity(input.documents.len());
    for (i, d) in input.documents.into_iter().enumerate() {
        let title = required_text(&d.title, &format!("input.documents.{i}.title"), 300)?;
        let url =
            web_address(Some(&d.url), &format!("input.documents.{i}.url"))?.ok_or_else(|| {
                AppError::bad_input(format!("input.documents.{i}.url"), "must not be empty")
            })?;
        documents.push((title, url));
    }
    Ok(ItemFields {
        title,
        description,
        kind: input.kind,
        presenter_person_id: input.presenter_person_id,
        presenter_name,
        documents,
    })
}

async fn items_of(
    db: &impl ConnectionTrait,
    meeting_id: Uuid,
) -> AppResult<Vec<agenda_item::Model>> {
    Ok(agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.eq(meeting_id))
        .order_by_asc(agenda_item::Column::Position)
        .order_by_asc(agenda_item::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Writes positions 1..n in the given order, touching only rows that move.
async fn renumber(txn: &impl ConnectionTrait, items: Vec<agenda_item::Model>) -> AppResult<()> {
    let at = now();
    for (index, item) in items.into_iter().enumerate() {
        let position = i32::try_from(index + 1).unwrap_or(i32::MAX);
        if item.position != position {
            let mut row = item.into_active_model();
            row.position = Set(position);
            row.updated_at = Set(at);
            row.update(txn).await?;
        }
    }
    Ok(())
}

async fn write_documents(
    txn: &impl ConnectionTrait,
    item_id: Uuid,
    documents: Vec<(String, String)>,
) -> AppResult<()> {
    agenda_document::Entity::delete_many()
        .filter(agenda_document::Column::AgendaItemId.eq(item_id))
        .exec(txn)
        .await?;
    let at = now();
    for (index, (title, url)) in documents.into_iter().enumerate() {
        agenda_document::ActiveModel {
            id: Set(new_id()),
            agenda_item_id: Set(item_id),
            position: Set(i32::try_from(index + 1).unwrap_or(i32::MAX)),
            title: Set(title),
            url: Set(url),
            created_at: Set(at),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Adds an item to a meeting's agenda, at `position` (1-based) or at the end.
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn add_item(
    db: &DatabaseConnection,
    actor: &Actor,
    meeting_id: Uuid,
    position: Option<i32>,
    input: AgendaItemDraft,
    key: Option<&str>,
) -> AppResult<agenda_item::Model> {
    let key = IdempotencyKey::parse(
        key,
        "input.idempotencyKey",
        "agenda_item.add",
        &(meeting_id, position, &input),
    )?;
    let fields = parse(db, input).await?;
    let change = Change::begin_keyed(db, actor, key).await?;
    let found = access::meeting_to_change(change.txn(), actor, meeting_id).await?;
    if let Some(done) = change.replayed::<agenda_item::Entity>().await? {
        return Ok(done);
    }
    ensure_record_open(change.txn(), &found.meeting).await?;
    let mut items = items_of(change.txn(), meeting_id).await?;
    if items.len() >= MAX_ITEMS {
        return Err(AppError::Conflict(format!(
            "an agenda holds at most {MAX_ITEMS} items"
        )));
    }
    let last = i32::try_from(items.len() + 1).unwrap_or(i32::MAX);
    let position = match position {
        None => last,
        Some(p) if (1..=last).contains(&p) => p,
        Some(_) => {
            return Err(AppError::bad_input(
                "input.position",
                format!("must be between 1 and {last}"),
            ));
        }
    };
    let at = now();
    let created = agenda_item::ActiveModel {
        id: Set(new_id()),
        meeting_id: Set(meeting_id),
        position: Set(position),
        title: Set(fields.title),
        description: Set(fields.description),
        kind: Set(fields.kind),
        presenter_person_id: Set(fields.presenter_person_id),
        presenter_name: Set(fields.presenter_name),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(change.txn())
    .await?;
    write_documents(change.txn(), created.id, fields.documents).await?;
    let index = usize::try_from(position - 1).unwrap_or(0);
    items.insert(index, created.clone());
    renumber(change.txn(), items).await?;
    change
        .commit(
            event(
                &found.body,
                "agenda_item.added",
                "AgendaItem",
                created.id,
                json!({ "meeting": meeting_id, "position": position, "title": created.title }),
            ),
            created,
        )
        .await
}

async fn item_to_change(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    item_id: Uuid,
) -> AppResult<(agenda_item::Model, MeetingAccess)> {
    let (item, found) =
        access::record_to_change::<agenda_item::Entity>(txn, actor, item_id).await?;
    ensure_record_open(txn, &found.meeting).await?;
    Ok((item, found))
}

/// Replaces an agenda item's fields and documents; its place stays.
#[tracing::instrument(skip_all, fields(item_id = %item_id))]
pub async fn update_item(
    db: &DatabaseConnection,
    actor: &Actor,
    item_id: Uuid,
    input: AgendaItemDraft,
) -> AppResult<agenda_item::Model> {
    let fields = parse(db, input).await?;
    let change = Change::begin(db, actor).await?;
    let (item, found) = item_to_change(change.txn(), actor, item_id).await?;
    let mut row = item.into_active_model();
    row.title = Set(fields.title);
    row.description = Set(fields.description);
    row.kind = Set(fields.kind);
    row.presenter_person_id = Set(fields.presenter_person_id);
    row.presenter_name = Set(fields.presenter_name);
    row.updated_at = Set(now());
    let updated = row.update(change.txn()).await?;
    write_documents(change.txn(), updated.id, fields.documents).await?;
    change.commit(event(
            &found.body,
            "agenda_item.updated",
            "AgendaItem",
            updated.id,
            json!({ "title": updated.title, "agendaPublished": found.meeting.agenda_published_at.is_some() }),
        ), updated).await
}

/// Removes an agenda item nothing refers to (no motion, no action item);
/// the items after it move up.
#[tracing::instrument(skip_all, fields(item_id = %item_id))]
pub async fn remove_item(db: &DatabaseConnection, actor: &Actor, item_id: Uuid) -> AppResult<Uuid> {
    let change = Change::begin(db, actor).await?;
    let (item, found) = item_to_change(change.txn(), actor, item_id).await?;
    let motions = motion::Entity::find()
        .filter(motion::Column::AgendaItemId.eq(item_id))
        .count(change.txn())
        .await?;
    let actions = action_item::Entity::find()
        .filter(action_item::Column::AgendaItemId.eq(item_id))
        .count(change.txn())
        .await?;
    if motions + actions > 0 {
        return Err(AppError::Conflict(
            "motions or action items refer to this item: it stays on the record".into(),
        ));
    }
    agenda_item::Entity::delete_by_id(item_id)
        .exec(change.txn())
        .await?;
    renumber(change.txn(), items_of(change.txn(), item.meeting_id).await?).await?;
    change
        .commit(
            event(
                &found.body,
                "agenda_item.removed",
                "AgendaItem",
                item_id,
                json!({ "meeting": item.meeting_id, "title": item.title }),
            ),
            item.meeting_id,
        )
        .await
}

/// Puts a meeting's agenda in the given order, in one change: `item_ids`
/// must name every item of the agenda exactly once.
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn reorder(
    db: &DatabaseConnection,
    actor: &Actor,
    meeting_id: Uuid,
    item_ids: Vec<Uuid>,
) -> AppResult<()> {
    let change = Change::begin(db, actor).await?;
    let found = access::meeting_to_change(change.txn(), actor, meeting_id).await?;
    ensure_record_open(change.txn(), &found.meeting).await?;
    let mut items = items_of(change.txn(), meeting_id).await?;
    let unique: HashSet<Uuid> = item_ids.iter().copied().collect();
    let known: HashSet<Uuid> = items.iter().map(|i| i.id).collect();
    if unique.len() != item_ids.len() {
        return Err(AppError::bad_input("input.itemIds", "names an item twice"));
    }
    if unique != known {
        return Err(AppError::bad_input(
            "input.itemIds",
            format!(
                "must list each of the meeting's {} items exactly once",
                items.len()
            ),
        ));
    }
    items.sort_by_key(|i| item_ids.iter().position(|id| *id == i.id));
    renumber(change.txn(), items).await?;
    change
        .commit(
            event(
                &found.body,
                "agenda.reordered",
                "Meeting",
                meeting_id,
                json!({ "order": item_ids }),
            ),
            (),
        )
        .await
}

/// An agenda item the actor may see: its meeting's records are visible and,
/// for the public, the agenda is published.
#[tracing::instrument(skip_all, fields(item_id = %item_id))]
pub async fn item(
    db: &impl ConnectionTrait,
    actor: &Actor,
    item_id: Uuid,
) -> AppResult<(agenda_item::Model, MeetingAccess)> {
    let (item, found) = access::record::<agenda_item::Entity>(db, actor, item_id).await?;
    policy::reveal(
        "may_read_agenda",
        policy::may_read_agenda(
            found.body.access,
            found.meeting.agenda_published_at.is_some(),
        ),
    )?;
    Ok((item, found))
}

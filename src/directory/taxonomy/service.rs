//! Reading and managing taxonomy terms. Everyone reads the taxonomy;
//! coordinators manage it.

use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::now;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::policy;
use entity::taxonomy_term;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The terms a new coalition starts with: `(code, parent code, name, description)`.
pub const DEFAULT_TERMS: &[(&str, Option<&str>, &str, &str)] = &[
    (
        "legal",
        None,
        "Legal help",
        "Legal advice and representation.",
    ),
    (
        "immigration-legal-help",
        Some("legal"),
        "Immigration legal help",
        "Advice and representation on immigration matters by accredited representatives or attorneys.",
    ),
    (
        "citizenship-preparation",
        Some("legal"),
        "Citizenship preparation",
        "Help preparing for naturalization: classes, interview practice, application help.",
    ),
    (
        "education",
        None,
        "Education",
        "Learning for adults and young people.",
    ),
    (
        "esl",
        Some("education"),
        "English as a second language",
        "English classes and conversation groups.",
    ),
    (
        "youth-tutoring",
        Some("education"),
        "Youth tutoring",
        "Homework help and tutoring for children and teenagers.",
    ),
    (
        "job-training",
        None,
        "Job training and employment",
        "Job readiness, training programs and placement.",
    ),
    (
        "food",
        None,
        "Food",
        "Food pantries, meals and nutrition programs such as WIC.",
    ),
    (
        "housing",
        None,
        "Housing and shelter",
        "Emergency shelter, housing search and tenant help.",
    ),
    (
        "health",
        None,
        "Health and clinics",
        "Primary care, clinics, hospitals and health insurance help.",
    ),
    (
        "mental-health",
        Some("health"),
        "Mental health",
        "Counselling, trauma care and support groups.",
    ),
    (
        "public-benefits",
        None,
        "Public benefits",
        "Help applying for government benefits.",
    ),
    (
        "interpretation",
        None,
        "Interpretation and translation",
        "Interpreters and document translation.",
    ),
    (
        "community",
        None,
        "Cultural and community groups",
        "Cultural organizations, faith communities and welcoming groups.",
    ),
];

/// Inserts the default terms that are missing (by code). Run at start, so a
/// new coalition has a taxonomy and renamed terms are left alone.
#[tracing::instrument(skip_all)]
pub async fn ensure_default_terms(db: &DatabaseConnection) -> AppResult<()> {
    let existing: HashMap<String, Uuid> = taxonomy_term::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.code, t.id))
        .collect();
    if DEFAULT_TERMS
        .iter()
        .all(|(code, ..)| existing.contains_key(*code))
    {
        return Ok(());
    }
    let system = Actor::system();
    let change = Change::begin(db, &system).await?;
    let mut ids = existing;
    for (code, parent, name, description) in DEFAULT_TERMS {
        if ids.contains_key(*code) {
            continue;
        }
        let at = now();
        let term = taxonomy_term::ActiveModel {
            id: Set(new_id()),
            parent_id: Set(parent.and_then(|p| ids.get(p).copied())),
            code: Set((*code).to_owned()),
            name: Set((*name).to_owned()),
            description: Set((*description).to_owned()),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(change.txn())
        .await?;
        ids.insert(term.code, term.id);
    }
    change.commit_setup().await
}

/// Every term, parents before children, then by name.
#[tracing::instrument(skip_all)]
pub async fn terms(db: &impl ConnectionTrait) -> AppResult<Vec<taxonomy_term::Model>> {
    let all = taxonomy_term::Entity::find()
        .order_by_asc(taxonomy_term::Column::Name)
        .all(db)
        .await?;
    let mut ordered = Vec::with_capacity(all.len());
    let mut placed: HashSet<Uuid> = HashSet::new();
    // Terms nest a few levels deep at most: place roots, then their children.
    while ordered.len() < all.len() {
        let before = ordered.len();
        for term in &all {
            let ready = term.parent_id.is_none_or(|p| placed.contains(&p));
            if !placed.contains(&term.id) && ready {
                placed.insert(term.id);
                ordered.push(term.clone());
            }
        }
        if ordered.len() == before {
            break;
        }
    }
    Ok(ordered)
}

/// The ids of `roots` and of every term nested under them.
pub fn with_descendants(all: &[taxonomy_term::Model], roots: &[Uuid]) -> Vec<Uuid> {
    let mut found: Vec<Uuid> = roots.to_vec();
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        for term in all.iter().filter(|t| t.parent_id == Some(parent)) {
            if !found.contains(&term.id) {
                found.push(term.id);
            }
        }
        i += 1;
    }
    found
}

/// A term by id.
#[tracing::instrument(skip_all, fields(term = %id))]
pub async fn term(db: &impl ConnectionTrait, id: Uuid) -> AppResult<taxonomy_term::Model> {
    crate::db::find::<taxonomy_term::Entity>(db, id).await
}

/// A term's content, validated; it replaces the current content.
pub struct TermPatch {
    /// Unique code, a slug.
    pub code: String,
    /// The broader term, if any.
    pub parent_id: Option<Uuid>,
    /// Display name.
    pub name: String,
    /// What belongs under it.
    pub description: String,
}

/// A new term, validated.
pub struct NewTerm {
    /// Keep this id (imports); a new one when `None`.
    pub id: Option<Uuid>,
    /// Its content.
    pub term: TermPatch,
}

/// Adds a term (coordinators).
#[tracing::instrument(skip_all)]
pub async fn create_term(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewTerm,
) -> AppResult<taxonomy_term::Model> {
    check_new_term(db, actor, &input).await?;
    let change = Change::begin(db, actor).await?;
    let (created, event) = insert_term(change.txn(), input).await?;
    change.commit(event, created).await
}

/// The work of [`create_term`] inside a change that records many (an
/// import): the term, and the audit entry to record for it.
#[tracing::instrument(skip_all)]
pub async fn add_term(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    input: NewTerm,
) -> AppResult<(taxonomy_term::Model, AuditEvent<'static>)> {
    check_new_term(txn, actor, &input).await?;
    insert_term(txn, input).await
}

async fn check_new_term(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: &NewTerm,
) -> AppResult<()> {
    policy::authorize(
        actor,
        policy::may_manage_directory(actor),
        "manage the taxonomy",
    )?;
    if let Some(parent) = input.term.parent_id {
        term(db, parent)
            .await
            .map_err(|_| AppError::bad_input("input.parentId", "no such term"))?;
    }
    Ok(())
}

async fn insert_term(
    txn: &impl ConnectionTrait,
    input: NewTerm,
) -> AppResult<(taxonomy_term::Model, AuditEvent<'static>)> {
    let at = now();
    let created = taxonomy_term::ActiveModel {
        id: Set(input.id.unwrap_or_else(new_id)),
        parent_id: Set(input.term.parent_id),
        code: Set(input.term.code),
        name: Set(input.term.name),
        description: Set(input.term.description),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(txn)
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "a term with this code already exists"))?;
    let event = AuditEvent {
        organization_id: None,
        action: "taxonomy_term.created",
        record_type: "TaxonomyTerm",
        record_id: Some(created.id),
        details: Some(json!({ "code": created.code })),
    };
    Ok((created, event))
}

/// Renames, redescribes or moves a term (coordinators). A term cannot be moved
/// under itself or one of its own descendants.
#[tracing::instrument(skip_all, fields(term = %id))]
pub async fn update_term(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    input: TermPatch,
) -> AppResult<taxonomy_term::Model> {
    policy::authorize(
        actor,
        policy::may_manage_directory(actor),
        "manage the taxonomy",
    )?;
    let current = term(db, id).await?;
    if let Some(parent) = input.parent_id {
        let all = terms(db).await?;
        if with_descendants(&all, &[id]).contains(&parent) {
            return Err(AppError::bad_input(
                "input.parentId",
                "a term cannot be nested under itself",
            ));
        }
        term(db, parent)
            .await
            .map_err(|_| AppError::bad_input("input.parentId", "no such term"))?;
    }
    let change = Change::begin(db, actor).await?;
    let mut active = current.clone().into_active_model();
    active.code = Set(input.code);
    active.parent_id = Set(input.parent_id);
    active.name = Set(input.name);
    active.description = Set(input.description);
    active.updated_at = Set(now());
    let updated = active
        .update(change.txn())
        .await
        .map_err(|e| AppError::conflict_on_unique(e, "a term with this code already exists"))?;
    let event = AuditEvent {
        organization_id: None,
        action: "taxonomy_term.updated",
        record_type: "TaxonomyTerm",
        record_id: Some(id),
        details: Some(json!({ "from": current.code, "to": updated.code })),
    };
    change.commit(event, updated).await
}

/// The terms with these codes; unknown codes are an error naming `field`.
#[tracing::instrument(skip_all)]
pub async fn ids_for_codes(
    db: &impl ConnectionTrait,
    codes: &[String],
    field: &str,
) -> AppResult<Vec<Uuid>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let found = taxonomy_term::Entity::find()
        .filter(taxonomy_term::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?;
    for (i, code) in codes.iter().enumerate() {
        if !found.iter().any(|t| &t.code == code) {
            return Err(AppError::bad_input(
                format!("{field}.{i}"),
                format!("no taxonomy term has the code {code:?}"),
            ));
        }
    }
    Ok(found.into_iter().map(|t| t.id).collect())
}

//! The coalition's taxonomy as HSDS: one taxonomy, `coalition`, holding
//! every term of the directory's classification, all of it public.

use super::query::{HsdsQuery, compact};
use crate::error::{AppError, AppResult};
use entity::taxonomy_term;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

/// The `taxonomy` named on exported terms.
pub const TAXONOMY_NAME: &str = "coalition";
const TAXONOMY_DESCRIPTION: &str =
    "The coalition's classification of services, by need (housing, food, legal help, ...).";

/// The taxonomy's id: name-based, so that it is the same in every export
/// and every deployment.
pub fn taxonomy_id() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, b"coalition:hsds:taxonomy")
}

fn taxonomy_object() -> Value {
    json!({
        "id": taxonomy_id(),
        "name": TAXONOMY_NAME,
        "description": TAXONOMY_DESCRIPTION,
    })
}

/// A term as HSDS writes it, naming its taxonomy.
pub fn term_object(term: &taxonomy_term::Model) -> Value {
    compact(json!({
        "id": term.id,
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "parent_id": term.parent_id,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": taxonomy_id(),
    }))
}

/// The page of taxonomies: the one there is, if it matches the search.
pub fn taxonomies(query: &HsdsQuery) -> Value {
    let all = [taxonomy_object()]
        .into_iter()
        .filter(|t| query.matches(&format!("{} {}", t["name"], t["description"])))
        .collect();
    query.page.slice(all)
}

/// The taxonomy `id`.
pub fn taxonomy(id: Uuid) -> AppResult<Value> {
    if id == taxonomy_id() {
        Ok(taxonomy_object())
    } else {
        Err(AppError::NotFound)
    }
}

/// A page of the taxonomy's terms, parents before children.
#[tracing::instrument(skip_all)]
pub async fn taxonomy_terms(db: &impl ConnectionTrait, query: &HsdsQuery) -> AppResult<Value> {
    let in_taxonomy = query.taxonomy_id.is_none_or(|t| t == taxonomy_id());
    let all = crate::directory::taxonomy::service::terms(db)
        .await?
        .iter()
        .filter(|_| in_taxonomy)
        .filter(|t| !query.top_only || t.parent_id.is_none())
        .filter(|t| query.parent_id.is_none() || t.parent_id == query.parent_id)
        .filter(|t| query.matches(&format!("{} {} {}", t.code, t.name, t.description)))
        .map(term_object)
        .collect();
    Ok(query.page.slice(all))
}

/// The term `id`.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn taxonomy_term(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Value> {
    let term = crate::directory::taxonomy::service::term(db, id).await?;
    Ok(term_object(&term))
}

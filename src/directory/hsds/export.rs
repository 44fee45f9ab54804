//! HSDS 3.0 objects built from the directory as the public sees it: active
//! services, public contacts, public locations; a confidential location
//! appears only as its contact route, a members-only one not at all.
//! Rows without an id of their own (a service's language, a location's
//! address) get a name-based UUID (v5), so ids are stable between exports.

use super::query::{HsdsQuery, compact, flat};
use super::taxonomy::{taxonomy_id, term_object};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::policy::{self, LocationView};
use entity::enums::{ContactKind, CostKind, ServiceStatus};
use entity::{
    location, organization, organization_contact, organization_profile, service, service_category,
    service_hours, service_language, taxonomy_term,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn status(value: ServiceStatus) -> &'static str {
    match value {
        ServiceStatus::Active => "active",
        ServiceStatus::Inactive => "inactive",
        ServiceStatus::TemporarilyClosed => "temporarily closed",
        ServiceStatus::Defunct => "defunct",
    }
}

fn cost_option(value: CostKind) -> &'static str {
    match value {
        CostKind::Free => "free",
        CostKind::SlidingScale => "sliding scale",
        CostKind::Fee => "fee",
    }
}

fn derived_id(parent: Uuid, what: &str) -> String {
    Uuid::new_v5(&parent, what.as_bytes()).to_string()
}

fn location_object(l: &location::Model, view: LocationView) -> Option<Value> {
    match view {
        LocationView::Hidden => None,
        LocationView::ContactOnly => Some(json!({
            "id": l.id,
            "location_type": "physical",
            "description": l.contact_route,
        })),
        LocationView::Full => {
            let complete_address = l.address.is_some()
                && l.city.is_some()
                && l.state_province.is_some()
                && l.postal_code.is_some()
                && l.country.is_some();
            let addresses = if complete_address {
                json!([{
                    "id": derived_id(l.id, "address"),
                    "location_id": l.id,
                    "address_1": l.address,
                    "city": l.city,
                    "state_province": l.state_province,
                    "postal_code": l.postal_code,
                    "country": l.country,
                    "address_type": "physical",
                }])
            } else {
                json!([])
            };
            let accessibility = match &l.accessibility {
                Some(text) => {
                    json!([{ "id": derived_id(l.id, "accessibility"), "location_id": l.id, "description": text }])
                }
                None => json!([]),
            };
            Some(json!({
                "id": l.id,
                "location_type": if l.remote { "virtual" } else { "physical" },
                "name": l.name,
                "description": l.contact_route,
                "alternate_name": l.neighborhood,
                "latitude": l.latitude,
                "longitude": l.longitude,
                "addresses": addresses,
                "accessibility": accessibility,
            }))
        }
    }
}

/// HSDS service objects for `rows`, loading their parts in one query per kind.
pub(super) async fn service_objects(
    db: &impl ConnectionTrait,
    rows: Vec<service::Model>,
    time_zone: &str,
) -> AppResult<Vec<Value>> {
    let public = Actor::anonymous(None);
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let mut languages: HashMap<Uuid, Vec<String>> = HashMap::new();
    for l in service_language::Entity::find()
        .filter(service_language::Column::ServiceId.is_in(ids.clone()))
        .order_by_asc(service_language::Column::Tag)
        .all(db)
        .await?
    {
        languages.entry(l.service_id).or_default().push(l.tag);
    }
    let mut hours: HashMap<Uuid, Vec<service_hours::Model>> = HashMap::new();
    for h in service_hours::Entity::find()
        .filter(service_hours::Column::ServiceId.is_in(ids.clone()))
        .order_by_asc(service_hours::Column::Weekday)
        .order_by_asc(service_hours::Column::OpensAt)
        .all(db)
        .await?
    {
        hours.entry(h.service_id).or_default().push(h);
    }
    let mut locations: HashMap<Uuid, Vec<location::Model>> = HashMap::new();
    for l in location::Entity::find()
        .filter(location::Column::ServiceId.is_in(ids.clone()))
        .order_by_asc(location::Column::CreatedAt)
        .order_by_asc(location::Column::Id)
        .all(db)
        .await?
    {
        locations.entry(l.service_id).or_default().push(l);
    }
    let links = service_category::Entity::find()
        .filter(service_category::Column::ServiceId.is_in(ids.clone()))
        .all(db)
        .await?;
    let terms: HashMap<Uuid, taxonomy_term::Model> = taxonomy_term::Entity::find()
        .filter(taxonomy_term::Column::Id.is_in(links.iter().map(|l| l.term_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut categories: HashMap<Uuid, Vec<&taxonomy_term::Model>> = HashMap::new();
    for link in &links {
        if let Some(term) = terms.get(&link.term_id) {
            categories.entry(link.service_id).or_default().push(term);
        }
    }
    Ok(rows
        .into_iter()
        .map(|s| {
            let mut cats = categories.remove(&s.id).unwrap_or_default();
            cats.sort_by(|a, b| a.code.cmp(&b.code));
            compact(json!({
                "id": s.id,
                "organization_id": s.organization_id,
                "name": s.name,
                "description": s.description,
                "status": status(s.status),
                "eligibility_description": s.eligibility,
                "minimum_age": s.minimum_age,
                "maximum_age": s.maximum_age,
                "application_process": s.how_to_apply,
                "fees_description": s.cost_description,
                "cost_options": [{ "id": derived_id(s.id, "cost"), "service_id": s.id, "option": cost_option(s.cost), "amount_description": s.cost_description }],
                "assured_date": s.last_verified_at.map(|d| d.date_naive().to_string()),
                "last_modified": s.updated_at.to_rfc3339(),
                "languages": languages.remove(&s.id).unwrap_or_default().into_iter().map(|tag| json!({
                    "id": derived_id(s.id, &format!("language:{tag}")),
                    "service_id": s.id,
                    "code": tag,
                })).collect::<Vec<_>>(),
                "schedules": hours.remove(&s.id).unwrap_or_default().into_iter().map(|h| json!({
                    "id": h.id,
                    "service_id": s.id,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": WEEKDAYS.get((h.weekday - 1) as usize).copied().unwrap_or("MO"),
                    "opens_at": h.opens_at,
                    "closes_at": h.closes_at,
                    "notes": format!("Local time ({time_zone})"),
                })).collect::<Vec<_>>(),
                "service_at_locations": locations.remove(&s.id).unwrap_or_default().iter().filter_map(|l| {
                    location_object(l, policy::location_view(&public, l.visibility)).map(|location| json!({
                        "id": derived_id(l.id, "service_at_location"),
                        "service_id": s.id,
                        "location_id": l.id,
                        "location": location,
                    }))
                }).collect::<Vec<_>>(),
                "attributes": cats.into_iter().map(|t| json!({
                    "id": derived_id(s.id, &format!("attribute:{}", t.id)),
                    "link_id": s.id,
                    "link_entity": "service",
                    "link_type": "category",
                    "taxonomy_term_id": t.id,
                    "taxonomy_term": term_object(t),
                })).collect::<Vec<_>>(),
            }))
        })
        .collect())
}

async fn organization_objects(
    db: &impl ConnectionTrait,
    rows: Vec<organization::Model>,
    services: Option<HashMap<Uuid, Vec<Value>>>,
) -> AppResult<Vec<Value>> {
    let public = Actor::anonymous(None);
    let ids: Vec<Uuid> = rows.iter().map(|o| o.id).collect();
    let profiles: HashMap<Uuid, organization_profile::Model> = organization_profile::Entity::find()
        .filter(organization_profile::Column::OrganizationId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.organization_id, p))
        .collect();
    let mut contacts_of: HashMap<Uuid, Vec<organization_contact::Model>> = HashMap::new();
    for contact in organization_contact::Entity::find()
        .filter(organization_contact::Column::OrganizationId.is_in(ids.clone()))
        .order_by_asc(organization_contact::Column::CreatedAt)
        .order_by_asc(organization_contact::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|c| policy::may_see_contact(&public, c.visibility))
    {
        contacts_of
            .entry(contact.organization_id)
            .or_default()
            .push(contact);
    }
    let mut services = services;
    let mut objects = Vec::with_capacity(rows.len());
    for org in rows {
        let profile = profiles.get(&org.id);
        let contacts = contacts_of.remove(&org.id).unwrap_or_default();
        let email = contacts
            .iter()
            .find(|c| c.kind == ContactKind::Email)
            .map(|c| c.value.clone());
        let phones: Vec<Value> = contacts
            .iter()
            .filter(|c| c.kind == ContactKind::Phone)
            .map(|c| json!({ "id": c.id, "organization_id": org.id, "number": c.value, "description": c.label }))
            .collect();
        let mut object = json!({
            "id": org.id,
            "name": org.name,
            "description": profile.and_then(|p| p.description.clone()).unwrap_or_else(|| org.name.clone()),
            "email": email,
            "website": profile.and_then(|p| p.website.clone()),
            "year_incorporated": profile.and_then(|p| p.year_founded),
            "phones": phones,
        });
        if let Some(map) = services.as_mut() {
            object["services"] = json!(map.remove(&org.id).unwrap_or_default());
        }
        objects.push(compact(object));
    }
    Ok(objects)
}

/// The services the public may see ([`policy::may_see_service`]); any other
/// is `NOT_FOUND` here.
fn public_services() -> sea_orm::Select<service::Entity> {
    let statuses = policy::visible_service_statuses(&Actor::anonymous(None));
    service::Entity::find().filter(service::Column::Status.is_in(statuses))
}

/// The public services that pass every filter of `query` but its search.
pub(super) fn filtered_services(query: &HsdsQuery) -> sea_orm::Select<service::Entity> {
    let mut select = public_services();
    if let Some(org) = query.organization_id {
        select = select.filter(service::Column::OrganizationId.eq(org));
    }
    if let Some(term) = query.taxonomy_term_id {
        let classified = service_category::Entity::find()
            .filter(service_category::Column::TermId.eq(term))
            .select_only()
            .column(service_category::Column::ServiceId)
            .into_query();
        select = select.filter(service::Column::Id.in_subquery(classified));
    }
    if let Some(taxonomy) = query.taxonomy_id {
        // Every term is the one taxonomy's: any other id has no services.
        let classified = service_category::Entity::find()
            .select_only()
            .column(service_category::Column::ServiceId)
            .into_query();
        select = select.filter(service::Column::Id.in_subquery(classified));
        if taxonomy != taxonomy_id() {
            select = select.filter(service::Column::Id.is_null());
        }
    }
    if let Some(after) = query.modified_after {
        select = select.filter(service::Column::UpdatedAt.gte(after));
    }
    select
}

/// Words are letters and digits only, so they hold no `LIKE` wildcard; the
/// search document is lowercased like them.
fn searched(
    select: sea_orm::Select<service::Entity>,
    query: &HsdsQuery,
) -> sea_orm::Select<service::Entity> {
    query.search.iter().fold(select, |s, word| {
        s.filter(service::Column::SearchDocument.contains(word.as_str()))
    })
}

fn ordered(select: sea_orm::Select<service::Entity>) -> sea_orm::Select<service::Entity> {
    select
        .order_by_asc(service::Column::CreatedAt)
        .order_by_asc(service::Column::Id)
}

/// A service as a list shows it: fully nested when asked `full`, else its
/// one-to-one fields. `minimal` asks for just the id and modification time,
/// but the schema of a service requires its name and status too, so those
/// stay.
fn listed_service(object: Value, query: &HsdsQuery) -> Value {
    if query.minimal {
        let keep = ["id", "name", "status", "last_modified"];
        match object {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(k, _)| keep.contains(&k.as_str()))
                    .collect(),
            ),
            other => other,
        }
    } else if query.full {
        object
    } else {
        flat(object)
    }
}

/// A page of organizations: one-to-one fields, their phones and services
/// when asked `full` (the services fully nested with `full_service`).
/// `modified_after` keeps those changed since (their profile, or one of
/// their public services).
#[tracing::instrument(skip_all)]
pub async fn organizations(
    db: &impl ConnectionTrait,
    query: &HsdsQuery,
    time_zone: &str,
) -> AppResult<Value> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let mut select = organization::Entity::find();
    if let Some(after) = query.modified_after {
        let changed_services = public_services()
            .filter(service::Column::UpdatedAt.gte(after))
            .select_only()
            .column(service::Column::OrganizationId)
            .into_query();
        let changed_profiles = organization_profile::Entity::find()
            .filter(organization_profile::Column::UpdatedAt.gte(after))
            .select_only()
            .column(organization_profile::Column::OrganizationId)
            .into_query();
        select = select.filter(
            sea_orm::Condition::any()
                .add(organization::Column::UpdatedAt.gte(after))
                .add(organization::Column::Id.in_subquery(changed_services))
                .add(organization::Column::Id.in_subquery(changed_profiles)),
        );
    }
    for word in &query.search {
        let pattern = format!("%{word}%");
        let described = organization_profile::Entity::find()
            .filter(
                Expr::expr(Func::lower(Expr::col(
                    organization_profile::Column::Description,
                )))
                .like(pattern.clone()),
            )
            .select_only()
            .column(organization_profile::Column::OrganizationId)
            .into_query();
        select = select.filter(
            sea_orm::Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(organization::Column::Name))).like(pattern))
                .add(organization::Column::Id.in_subquery(described)),
        );
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_asc(organization::Column::CreatedAt)
        .order_by_asc(organization::Column::Id)
        .offset(query.page.offset())
        .limit(query.page.per_page)
        .all(db)
        .await?;
    let services = if query.full || query.full_service {
        let ids: Vec<Uuid> = rows.iter().map(|o| o.id).collect();
        let services =
            ordered(public_services().filter(service::Column::OrganizationId.is_in(ids)))
                .all(db)
                .await?;
        Some(by_organization(
            service_objects(db, services, time_zone).await?,
            query.full_service,
        ))
    } else {
        None
    };
    let mut objects = organization_objects(db, rows, services).await?;
    if !(query.full || query.full_service) {
        objects = objects.into_iter().map(flat).collect();
    }
    Ok(super::query::page_of(query.page, total, objects))
}

/// Services grouped by their organization, fully nested or one-to-one.
fn by_organization(services: Vec<Value>, full: bool) -> HashMap<Uuid, Vec<Value>> {
    let mut by_org: HashMap<Uuid, Vec<Value>> = HashMap::new();
    for object in services {
        let org = object["organization_id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .unwrap_or_default();
        by_org
            .entry(org)
            .or_default()
            .push(if full { object } else { flat(object) });
    }
    by_org
}

/// One organization, fully nested, with its public services: their
/// one-to-one fields, or fully nested with `full_service`.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn organization(
    db: &impl ConnectionTrait,
    id: Uuid,
    full_service: bool,
    time_zone: &str,
) -> AppResult<Value> {
    let org = organization::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = ordered(public_services().filter(service::Column::OrganizationId.eq(id)))
        .all(db)
        .await?;
    let services = by_organization(service_objects(db, rows, time_zone).await?, full_service);
    let mut found = organization_objects(db, vec![org], Some(services)).await?;
    found.pop().ok_or(AppError::NotFound)
}

/// A page of public services passing every filter of `query`.
#[tracing::instrument(skip_all)]
pub async fn services(
    db: &impl ConnectionTrait,
    query: &HsdsQuery,
    time_zone: &str,
) -> AppResult<Value> {
    let select = searched(filtered_services(query), query);
    let total = select.clone().count(db).await?;
    let rows = ordered(select)
        .offset(query.page.offset())
        .limit(query.page.per_page)
        .all(db)
        .await?;
    let contents = service_objects(db, rows, time_zone)
        .await?
        .into_iter()
        .map(|s| listed_service(s, query))
        .collect();
    Ok(super::query::page_of(query.page, total, contents))
}

/// One public service, fully nested.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn service(db: &impl ConnectionTrait, id: Uuid, time_zone: &str) -> AppResult<Value> {
    let row = public_services()
        .filter(service::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut found = service_objects(db, vec![row], time_zone).await?;
    found.pop().ok_or(AppError::NotFound)
}

/// The whole public directory in one document: organizations with their
/// services, and the taxonomy. What `coalition export-hsds` writes and
/// `coalition import-hsds` reads.
#[tracing::instrument(skip_all)]
pub async fn dump(db: &impl ConnectionTrait, time_zone: &str) -> AppResult<Value> {
    let orgs = organization::Entity::find()
        .order_by_asc(organization::Column::CreatedAt)
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?;
    let rows = ordered(public_services()).all(db).await?;
    let by_org = by_organization(service_objects(db, rows, time_zone).await?, true);
    let terms = crate::directory::taxonomy::service::terms(db).await?;
    Ok(json!({
        "organizations": organization_objects(db, orgs, Some(by_org)).await?,
        "taxonomy_terms": terms.iter().map(term_object).collect::<Vec<_>>(),
    }))
}

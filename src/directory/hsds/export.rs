//! HSDS 3.0 objects built from the directory as the public sees it: active
//! services, public contacts, public locations; a confidential location
//! appears only as its contact route, a members-only one not at all.
//! Rows without an id of their own (a service's language, a location's
//! address) get a name-based UUID (v5), so ids are stable between exports.

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::policy::{self, LocationView};
use chrono::{DateTime, Utc};
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

/// Largest `per_page` accepted.
pub const MAX_PER_PAGE: u64 = 100;
/// The `taxonomy` named on exported terms.
pub const TAXONOMY_NAME: &str = "coalition";
const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// Which page of a list, HSDS style (`page` from 1, `per_page`).
#[derive(Clone, Copy, Debug)]
pub struct HsdsPageRequest {
    /// 1-based page number.
    pub page: u64,
    /// Items per page.
    pub per_page: u64,
}

impl HsdsPageRequest {
    /// Validates the query parameters (`page` ≥ 1, `per_page` 1 to 100; defaults 1 and 50).
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> AppResult<Self> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(50);
        if page == 0 {
            return Err(AppError::bad_input("page", "pages are numbered from 1"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(AppError::bad_input(
                "per_page",
                format!("must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        Ok(HsdsPageRequest { page, per_page })
    }
}

/// An HSDS page of results.
fn page_of(request: HsdsPageRequest, total: u64, contents: Vec<Value>) -> Value {
    let total_pages = total.div_ceil(request.per_page).max(1);
    json!({
        "total_items": total,
        "total_pages": total_pages,
        "page_number": request.page,
        "size": contents.len(),
        "first_page": request.page == 1,
        "last_page": request.page >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

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

fn term_object(term: &taxonomy_term::Model) -> Value {
    json!({
        "id": term.id,
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "parent_id": term.parent_id,
        "taxonomy": TAXONOMY_NAME,
    })
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
async fn service_objects(
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
            json!({
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
            })
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
        objects.push(object);
    }
    Ok(objects)
}

/// The services the public may see ([`policy::may_see_service`]); any other
/// is `NOT_FOUND` here.
fn public_services() -> sea_orm::Select<service::Entity> {
    let statuses = policy::visible_service_statuses(&Actor::anonymous(None));
    service::Entity::find().filter(service::Column::Status.is_in(statuses))
}

/// A page of organizations, optionally only those changed after an instant
/// (their profile, or one of their public services).
#[tracing::instrument(skip_all)]
pub async fn organizations(
    db: &impl ConnectionTrait,
    request: HsdsPageRequest,
    modified_after: Option<DateTime<Utc>>,
) -> AppResult<Value> {
    let mut select = organization::Entity::find();
    if let Some(after) = modified_after {
        let changed_services = public_services()
            .filter(service::Column::UpdatedAt.gt(after))
            .select_only()
            .column(service::Column::OrganizationId)
            .into_query();
        let changed_profiles = organization_profile::Entity::find()
            .filter(organization_profile::Column::UpdatedAt.gt(after))
            .select_only()
            .column(organization_profile::Column::OrganizationId)
            .into_query();
        select = select.filter(
            sea_orm::Condition::any()
                .add(organization::Column::UpdatedAt.gt(after))
                .add(organization::Column::Id.in_subquery(changed_services))
                .add(organization::Column::Id.in_subquery(changed_profiles)),
        );
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_asc(organization::Column::CreatedAt)
        .order_by_asc(organization::Column::Id)
        .offset((request.page - 1) * request.per_page)
        .limit(request.per_page)
        .all(db)
        .await?;
    Ok(page_of(
        request,
        total,
        organization_objects(db, rows, None).await?,
    ))
}

/// One organization with its public services.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn organization(
    db: &impl ConnectionTrait,
    id: Uuid,
    time_zone: &str,
) -> AppResult<Value> {
    let org = organization::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = public_services()
        .filter(service::Column::OrganizationId.eq(id))
        .order_by_asc(service::Column::CreatedAt)
        .order_by_asc(service::Column::Id)
        .all(db)
        .await?;
    let services = HashMap::from([(id, service_objects(db, rows, time_zone).await?)]);
    let mut found = organization_objects(db, vec![org], Some(services)).await?;
    found.pop().ok_or(AppError::NotFound)
}

/// A page of public services, optionally only those changed after an instant.
#[tracing::instrument(skip_all)]
pub async fn services(
    db: &impl ConnectionTrait,
    request: HsdsPageRequest,
    modified_after: Option<DateTime<Utc>>,
    time_zone: &str,
) -> AppResult<Value> {
    let mut select = public_services();
    if let Some(after) = modified_after {
        select = select.filter(service::Column::UpdatedAt.gt(after));
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_asc(service::Column::CreatedAt)
        .order_by_asc(service::Column::Id)
        .offset((request.page - 1) * request.per_page)
        .limit(request.per_page)
        .all(db)
        .await?;
    Ok(page_of(
        request,
        total,
        service_objects(db, rows, time_zone).await?,
    ))
}

/// One public service.
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

/// A page of the taxonomy.
#[tracing::instrument(skip_all)]
pub async fn taxonomy_terms(
    db: &impl ConnectionTrait,
    request: HsdsPageRequest,
) -> AppResult<Value> {
    let all = crate::directory::taxonomy::service::terms(db).await?;
    let total = all.len() as u64;
    let contents = all
        .iter()
        .skip(((request.page - 1) * request.per_page) as usize)
        .take(request.per_page as usize)
        .map(term_object)
        .collect();
    Ok(page_of(request, total, contents))
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
    let rows = public_services()
        .order_by_asc(service::Column::CreatedAt)
        .order_by_asc(service::Column::Id)
        .all(db)
        .await?;
    let mut by_org: HashMap<Uuid, Vec<Value>> = HashMap::new();
    for object in service_objects(db, rows, time_zone).await? {
        let org = object["organization_id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .unwrap_or_default();
        by_org.entry(org).or_default().push(object);
    }
    let terms = crate::directory::taxonomy::service::terms(db).await?;
    Ok(json!({
        "organizations": organization_objects(db, orgs, Some(by_org)).await?,
        "taxonomy_terms": terms.iter().map(term_object).collect::<Vec<_>>(),
    }))
}

//! Service at locations: each public service at each of its locations the
//! public may know of, as the services' own export shows them (so a
//! confidential location is only its contact route, and is never found by
//! its postcode).

use super::export::{filtered_services, service_objects};
use super::query::{Endpoint, HsdsQuery, flat};
use crate::error::{AppError, AppResult};
use entity::service;
use sea_orm::{ConnectionTrait, QueryOrder};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// Every service at location passing `query`'s filters but its page, nested.
async fn all(
    db: &impl ConnectionTrait,
    query: &HsdsQuery,
    time_zone: &str,
) -> AppResult<Vec<Value>> {
    let rows = filtered_services(query)
        .order_by_asc(service::Column::CreatedAt)
        .order_by_asc(service::Column::Id)
        .all(db)
        .await?;
    let documents: HashMap<Uuid, String> = rows
        .iter()
        .map(|s| (s.id, s.search_document.clone()))
        .collect();
    let mut found = Vec::new();
    for mut service in service_objects(db, rows, time_zone).await? {
        let document = service["id"]
            .as_str()
            .and_then(|id| Uuid::parse_str(id).ok())
            .and_then(|id| documents.get(&id))
            .cloned()
            .unwrap_or_default();
        let links = match service.get_mut("service_at_locations").map(Value::take) {
            Some(Value::Array(links)) => links,
            _ => Vec::new(),
        };
        for link in links {
            let location = &link["location"];
            let at_postcode = query.postcode.as_deref().is_none_or(|wanted| {
                location["addresses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|a| {
                        a["postal_code"]
                            .as_str()
                            .is_some_and(|p| p.eq_ignore_ascii_case(wanted))
                    })
            });
            let text = format!(
                "{document} {} {}",
                location["name"].as_str().unwrap_or_default(),
                location["description"].as_str().unwrap_or_default()
            );
            if at_postcode && query.matches(&text) {
                found.push(link);
            }
        }
    }
    Ok(found)
}

/// A page of service at locations: their one-to-one fields, or with their
/// location nested when asked `full`.
#[tracing::instrument(skip_all)]
pub async fn service_at_locations(
    db: &impl ConnectionTrait,
    query: &HsdsQuery,
    time_zone: &str,
) -> AppResult<Value> {
    let found = all(db, query, time_zone).await?;
    let shaped = if query.full {
        found
    } else {
        found.into_iter().map(flat).collect()
    };
    Ok(query.page.slice(shaped))
}

/// One service at location, its location nested.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn service_at_location(
    db: &impl ConnectionTrait,
    id: Uuid,
    time_zone: &str,
) -> AppResult<Value> {
    let wanted = id.to_string();
    // Their ids are derived from their locations', so the one asked for is
    // found among all rather than looked up.
    let everything = HsdsQuery::parse(Endpoint::ServiceAtLocations, &HashMap::new())?;
    all(db, &everything, time_zone)
        .await?
        .into_iter()
        .find(|link| link["id"].as_str() == Some(wanted.as_str()))
        .ok_or(AppError::NotFound)
}

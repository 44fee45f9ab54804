//! Loading an HSDS dump (the document `coalition export-hsds` writes:
//! `{"organizations": [... with "services"], "taxonomy_terms": [...]}`).
//!
//! The whole load is one change, made by the system, and each record its own
//! savepoint ([`Change::attempt`]): a record that fails validation is reported
//! with its reason and left out, the others load; a file that is not such a
//! document changes nothing. Each record loaded keeps its own audit entry, and
//! the import as a whole writes one more (`directory.imported`).

use crate::accounts::organizations::{self as accounts, NewOrganization};
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::directory::profiles::service::{self as profiles, ContactPatch, ProfilePatch};
use crate::directory::services::draft::{HoursDraft, LocationDraft, ServiceDraft};
use crate::directory::services::service as services;
use crate::directory::taxonomy::service::{self as taxonomy, NewTerm, TermPatch};
use crate::domain::{Name, Slug};
use crate::error::{AppError, AppResult};
use entity::enums::{
    ContactKind, ContactVisibility, CostKind, LocationVisibility, OrganizationKind, ServiceStatus,
};
use entity::{organization, taxonomy_term};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// One record left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Where it is in the file, e.g. `organizations[2].services[0] (id …)`.
    pub record: String,
    /// What is wrong with it.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Organizations loaded.
    pub organizations: usize,
    /// Services loaded.
    pub services: usize,
    /// Taxonomy terms added (terms whose code exists are matched, not added).
    pub taxonomy_terms: usize,
    /// Records left out.
    pub rejected: Vec<Rejection>,
}

fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|s| !s.trim().is_empty())
}

fn uuid_of(value: &Value, key: &str) -> Result<Uuid, String> {
    let raw = value
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{key} is required"))?;
    Uuid::parse_str(raw).map_err(|_| format!("{key} {raw:?} is not a UUID"))
}

fn describe(error: AppError) -> String {
    match error {
        AppError::BadInput { field, message } => format!("{field}: {message}"),
        other => other.to_string(),
    }
}

fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(56).collect();
    if slug.len() < 2 {
        "organization".into()
    } else {
        slug
    }
}

async fn free_slug(conn: &impl ConnectionTrait, name: &str) -> AppResult<String> {
    let base = slugify(name);
    for n in 1..1000 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let taken = organization::Entity::find()
            .filter(organization::Column::Slug.eq(candidate.as_str()))
            .one(conn)
            .await?
            .is_some();
        if !taken {
            return Ok(candidate);
        }
    }
    Err(AppError::Conflict(format!("no free slug for {name:?}")))
}

fn status(raw: Option<&str>) -> Result<ServiceStatus, String> {
    match raw {
        Some("active") => Ok(ServiceStatus::Active),
        Some("inactive") => Ok(ServiceStatus::Inactive),
        Some("temporarily closed") => Ok(ServiceStatus::TemporarilyClosed),
        Some("defunct") => Ok(ServiceStatus::Defunct),
        Some(other) => Err(format!(
            "status {other:?} is not one of active, inactive, temporarily closed, defunct"
        )),
        None => Err("status is required".into()),
    }
}

fn weekday(code: &str) -> Option<i32> {
    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        .iter()
        .position(|d| d.eq_ignore_ascii_case(code.trim()))
        .map(|i| i as i32 + 1)
}

/// `09:00`, `09:00Z` or `09:00-05:00` → `09:00`: hours are kept in local time.
fn clock(raw: &str) -> String {
    raw.chars().take(5).collect()
}

fn service_draft(object: &Value, codes: &HashMap<Uuid, String>) -> Result<ServiceDraft, String> {
    let id = uuid_of(object, "id")?;
    let name = text(object, "name").ok_or("name is required")?;
    let status = status(object.get("status").and_then(Value::as_str))?;
    let cost_option = object
        .get("cost_options")
        .and_then(Value::as_array)
        .and_then(|o| o.first())
        .and_then(|o| o.get("option"))
        .and_then(Value::as_str);
    let cost = match cost_option {
        Some("sliding scale") => CostKind::SlidingScale,
        Some("fee") => CostKind::Fee,
        Some("free") | None
            if text(object, "fees_description").is_none() || cost_option == Some("free") =>
        {
            CostKind::Free
        }
        _ => CostKind::Fee,
    };
    let age = |key: &str| object.get(key).and_then(Value::as_f64).map(|a| a as i32);
    let mut hours = Vec::new();
    for schedule in object
        .get("schedules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if schedule
            .get("freq")
            .and_then(Value::as_str)
            .is_some_and(|f| !f.eq_ignore_ascii_case("WEEKLY"))
        {
            continue;
        }
        let (Some(opens), Some(closes)) = (text(schedule, "opens_at"), text(schedule, "closes_at"))
        else {
            continue;
        };
        for day in text(schedule, "byday")
            .unwrap_or_default()
            .split(',')
            .filter_map(weekday)
        {
            hours.push(HoursDraft {
                weekday: day,
                opens_at: clock(&opens),
                closes_at: clock(&closes),
            });
        }
    }
    let mut locations = Vec::new();
    for link in object
        .get("service_at_locations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(location) = link.get("location") else {
            continue;
        };
        let address = location
            .get("addresses")
            .and_then(Value::as_array)
            .and_then(|a| a.first());
        let latitude = location.get("latitude").and_then(Value::as_f64);
        let longitude = location.get("longitude").and_then(Value::as_f64);
        let contact_route = text(location, "description");
        let placed = address.is_some() || latitude.is_some();
        // An exported confidential location carries only its contact route.
        let visibility = if !placed && contact_route.is_some() {
            LocationVisibility::Confidential
        } else {
            LocationVisibility::Public
        };
        let field = |key: &str| address.and_then(|a| text(a, key));
        locations.push(LocationDraft {
            name: text(location, "name"),
            address: field("address_1"),
            city: field("city"),
            state_province: field("state_province"),
            postal_code: field("postal_code"),
            country: field("country"),
            neighborhood: text(location, "alternate_name"),
            latitude,
            longitude,
            accessibility: location
                .get("accessibility")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(|a| text(a, "description")),
            remote: location.get("location_type").and_then(Value::as_str) == Some("virtual"),
            contact_route,
            visibility,
        });
    }
    let mut categories = Vec::new();
    for attribute in object
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let code = attribute
            .get("taxonomy_term")
            .and_then(|t| text(t, "code"))
            .or_else(|| {
                uuid_of(attribute, "taxonomy_term_id")
                    .ok()
                    .and_then(|id| codes.get(&id).cloned())
            });
        match code {
            Some(code) if !categories.contains(&code) => categories.push(code),
            Some(_) => {}
            None => return Err("an attribute names no known taxonomy term".into()),
        }
    }
    Ok(ServiceDraft {
        id: Some(id),
        description: text(object, "description").unwrap_or_else(|| name.clone()),
        name,
        default_locale: "en".into(),
        status,
        eligibility: text(object, "eligibility_description"),
        minimum_age: age("minimum_age"),
        maximum_age: age("maximum_age"),
        cost,
        cost_description: text(object, "fees_description"),
        how_to_apply: text(object, "application_process"),
        accepting_referrals: false,
        response_window_days: None,
        categories,
        languages: object
            .get("languages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| text(l, "code"))
            .collect(),
        hours,
        exceptions: Vec::new(),
        locations,
        translations: Vec::new(),
    })
}

fn profile_patch(object: &Value) -> ProfilePatch {
    let mut contacts = Vec::new();
    if let Some(email) = text(object, "email") {
        contacts.push(ContactPatch {
            kind: ContactKind::Email,
            value: email,
            label: None,
            visibility: ContactVisibility::Public,
        });
    }
    for phone in object
        .get("phones")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(number) = text(phone, "number") {
            contacts.push(ContactPatch {
                kind: ContactKind::Phone,
                value: number,
                label: text(phone, "description"),
                visibility: ContactVisibility::Public,
            });
        }
    }
    ProfilePatch {
        description: text(object, "description"),
        default_locale: Some("en".into()),
        website: text(object, "website"),
        year_founded: object
            .get("year_incorporated")
            .and_then(Value::as_f64)
            .map(|y| y as i32),
        languages: Vec::new(),
        neighborhoods: Vec::new(),
        contacts,
        translations: Vec::new(),
    }
}

/// Runs `work` in a savepoint of `change`: kept, with the audit entries it
/// returns, when it succeeds; undone and reported when it is refused.
async fn record<T>(
    change: &Change<'_>,
    work: impl AsyncFnOnce(&DatabaseTransaction) -> AppResult<(T, Vec<AuditEvent<'static>>)>,
) -> AppResult<Result<T, String>> {
    match change.attempt(work).await? {
        Ok((value, events)) => {
            for event in events {
                change.record(event).await?;
            }
            Ok(Ok(value))
        }
        Err(refused) => Ok(Err(describe(refused))),
    }
}

/// Loads an HSDS dump. A document that cannot be read is a `BAD_USER_INPUT`
/// and changes nothing.
pub async fn import(db: &DatabaseConnection, document: &str) -> AppResult<ImportReport> {
    import_with_progress(db, document, &mut |_, _| {}).await
}

/// [`import`], calling `progress(done, total)` after each organization so a
/// long import can be followed.
#[tracing::instrument(skip_all)]
pub async fn import_with_progress(
    db: &DatabaseConnection,
    document: &str,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> AppResult<ImportReport> {
    let parsed: Value = serde_json::from_str(document)
        .map_err(|e| AppError::bad_input("file", format!("is not valid JSON: {e}")))?;
    let organizations = parsed
        .get("organizations")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            AppError::bad_input("file", "must be an object with an \"organizations\" array")
        })?;
    let terms = match parsed.get("taxonomy_terms") {
        None => Vec::new(),
        Some(Value::Array(terms)) => terms.clone(),
        Some(_) => {
            return Err(AppError::bad_input(
                "file",
                "\"taxonomy_terms\" must be an array",
            ));
        }
    };
    let system = Actor::system();
    let mut report = ImportReport::default();
    let change = Change::begin(db, &system).await?;

    // Terms first, parents before children; a code already present is matched.
    let mut codes: HashMap<Uuid, String> = HashMap::new();
    let mut ids: HashMap<String, Uuid> = taxonomy_term::Entity::find()
        .all(change.txn())
        .await?
        .into_iter()
        .map(|t| (t.code, t.id))
        .collect();
    let mut pending: Vec<(usize, &Value)> = terms.iter().enumerate().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut waiting = Vec::new();
        for (i, term) in pending {
            let place = format!("taxonomy_terms[{i}]");
            let (Ok(id), Some(code), Some(name)) =
                (uuid_of(term, "id"), text(term, "code"), text(term, "name"))
            else {
                report.rejected.push(Rejection {
                    record: place,
                    reason: "id, code and name are required".into(),
                });
                continue;
            };
            codes.insert(id, code.clone());
            if ids.contains_key(&code) {
                continue;
            }
            let parent = match uuid_of(term, "parent_id") {
                Ok(parent) => match codes.get(&parent).and_then(|c| ids.get(c)) {
                    Some(existing) => Some(*existing),
                    None => {
                        waiting.push((i, term));
                        continue;
                    }
                },
                Err(_) => None,
            };
            let input = NewTerm {
                id: Some(id),
                term: TermPatch {
                    code: code.clone(),
                    parent_id: parent,
                    name,
                    description: text(term, "description").unwrap_or_default(),
                },
            };
            let checked = Slug::parse(&code, "code").map(|_| ());
            match record(&change, async |t| {
                checked?;
                let (created, event) = taxonomy::add_term(t, &system, input).await?;
                Ok((created, vec![event]))
            })
            .await?
            {
                Ok(created) => {
                    ids.insert(created.code, created.id);
                    report.taxonomy_terms += 1;
                }
                Err(reason) => report.rejected.push(Rejection {
                    record: format!("{place} ({id})"),
                    reason,
                }),
            }
        }
        if waiting.len() == before {
            for (i, _) in waiting {
                report.rejected.push(Rejection {
                    record: format!("taxonomy_terms[{i}]"),
                    reason: "its parent_id names no term of the file or the directory".into(),
                });
            }
            break;
        }
        pending = waiting;
    }

    for (i, object) in organizations.iter().enumerate() {
        progress(i, organizations.len());
        let place = format!("organizations[{i}]");
        let (id, name) = match (uuid_of(object, "id"), text(object, "name")) {
            (Ok(id), Some(name)) => (id, name),
            (Err(reason), _) => {
                report.rejected.push(Rejection {
                    record: place,
                    reason,
                });
                continue;
            }
            (_, None) => {
                report.rejected.push(Rejection {
                    record: place,
                    reason: "name is required".into(),
                });
                continue;
            }
        };
        let place = format!("{place} ({id})");
        if text(object, "description").is_none() {
            report.rejected.push(Rejection {
                record: place,
                reason: "description is required by HSDS".into(),
            });
            continue;
        }
        if organization::Entity::find_by_id(id)
            .one(change.txn())
            .await?
            .is_some()
        {
            report.rejected.push(Rejection {
                record: place,
                reason: "an organization with this id already exists".into(),
            });
            continue;
        }
        let profile = profile_patch(object);
        let loaded = record(&change, async |t| {
            let slug = free_slug(t, &name).await?;
            let (org, created) = accounts::add_organization(
                t,
                &system,
                NewOrganization {
                    id: Some(id),
                    name: Name::parse(&name, "name")?,
                    slug: Slug::parse(&slug, "slug")?,
                    kind: OrganizationKind::Other,
                },
            )
            .await?;
            let (_, profiled) = profiles::replace_profile(t, &system, org.id, profile).await?;
            Ok((org.id, vec![created, profiled]))
        })
        .await?;
        let org_id = match loaded {
            Ok(org_id) => org_id,
            Err(reason) => {
                report.rejected.push(Rejection {
                    record: place,
                    reason,
                });
                continue;
            }
        };
        report.organizations += 1;
        for (j, service) in object
            .get("services")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let service_place = format!("organizations[{i}].services[{j}]");
            let draft = match service_draft(service, &codes) {
                Ok(draft) => draft,
                Err(reason) => {
                    report.rejected.push(Rejection {
                        record: service_place,
                        reason,
                    });
                    continue;
                }
            };
            let service_place = format!("{service_place} ({})", draft.id.unwrap_or_default());
            match record(&change, async |t| {
                let (created, event) = services::add_service(t, &system, org_id, draft).await?;
                Ok((created.id, vec![event]))
            })
            .await?
            {
                Ok(_) => report.services += 1,
                Err(reason) => report.rejected.push(Rejection {
                    record: service_place,
                    reason,
                }),
            }
        }
    }
    progress(organizations.len(), organizations.len());
    let counts = json!({
        "organizations": report.organizations,
        "services": report.services,
        "taxonomyTerms": report.taxonomy_terms,
        "rejected": report.rejected.len(),
    });
    change
        .commit(
            AuditEvent {
                organization_id: None,
                action: "directory.imported",
                record_type: "Directory",
                record_id: None,
                details: Some(counts),
            },
            report,
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_slugs() {
        assert_eq!(
            slugify("Riverside Public Library"),
            "riverside-public-library"
        );
        assert_eq!(slugify("  Café & Co. "), "caf-co");
        assert_eq!(slugify("!"), "organization");
    }

    #[test]
    fn hsds_statuses_map_and_unknown_ones_are_refused() {
        assert_eq!(
            status(Some("temporarily closed")),
            Ok(ServiceStatus::TemporarilyClosed)
        );
        assert!(status(Some("open")).is_err());
        assert!(status(None).is_err());
    }
}

//! Finding services: words in names and descriptions (ranked), category
//! (narrower terms included), language, neighborhood, distance, cost, age,
//! referrals, opening hours and organization kind.
//!
//! One statement selects the matching ids with their rank and distance, the
//! ordering happens here, and a second statement loads the page: the count of
//! statements is the same for any page size. Cursors carry the sort key, so
//! pages stay stable while services are added. A coalition's directory holds
//! hundreds to a few thousand services; candidates are capped at
//! [`MAX_CANDIDATES`].

use crate::auth::Actor;
use crate::directory::taxonomy::service as taxonomy;
use crate::domain::LanguageTag;
use crate::error::{AppError, AppResult};
use crate::policy::{self, LocationView};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use entity::enums::{CostKind, LocationVisibility, OrganizationKind, ServiceStatus};
use entity::{location, organization, service, service_category, service_language};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Value,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Most services one search considers.
pub const MAX_CANDIDATES: u64 = 5_000;
/// Kilometres per degree of latitude.
const KM_PER_DEGREE: f64 = 111.32;
/// Most words of a text query that are used.
const MAX_WORDS: usize = 8;

/// A point and a radius.
#[derive(Clone, Copy, Debug)]
pub struct Near {
    /// Latitude in degrees.
    pub latitude: f64,
    /// Longitude in degrees.
    pub longitude: f64,
    /// Radius in kilometres.
    pub radius_km: f64,
}

/// What to look for; every part given must hold.
#[derive(Clone, Debug, Default)]
pub struct ServiceFilter {
    /// Words to find in names and descriptions.
    pub text: Option<String>,
    /// Taxonomy codes; a service filed under a narrower term matches too.
    pub categories: Vec<String>,
    /// Languages; a service offered in any of them matches (by primary language).
    pub languages: Vec<String>,
    /// A neighborhood where the service has a location the actor may see.
    pub neighborhood: Option<String>,
    /// Within this distance of a point; results are then ordered by distance.
    pub near: Option<Near>,
    /// Any of these costs.
    pub costs: Vec<CostKind>,
    /// Serves a person of this age.
    pub age: Option<i32>,
    /// Takes referrals now (or does not).
    pub accepting_referrals: Option<bool>,
    /// Open at this instant (regular hours, holidays and special hours applied).
    pub open_at: Option<DateTime<Utc>>,
    /// Offered by organizations of any of these kinds.
    pub organization_kinds: Vec<OrganizationKind>,
    /// Offered by this organization.
    pub organization_id: Option<Uuid>,
    /// Any of these statuses (members only; the public sees active services).
    pub statuses: Vec<ServiceStatus>,
}

/// One found service.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The service.
    pub service: service::Model,
    /// Relevance to the words searched (higher is better; 0 without words).
    pub rank: f64,
    /// Distance to the nearest location the actor may see, with `near`.
    pub distance_km: Option<f64>,
}

/// A page of found services.
#[derive(Debug)]
pub struct SearchPage {
    /// Hits with their cursors, best first.
    pub hits: Vec<(String, Hit)>,
    /// Whether hits exist before this page.
    pub has_previous_page: bool,
    /// Whether hits exist after this page.
    pub has_next_page: bool,
    /// How many services match.
    pub total_count: u64,
}

/// A matching service id with its rank and squared distance in degrees.
type Candidate = (Uuid, f64, Option<f64>);

/// Position in the result order: compared as a tuple, smaller first.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
struct SortKey(f64, f64, u128);

impl SortKey {
    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("s:{}:{}:{}", self.0, self.1, self.2))
    }

    fn decode(raw: &str, field: &str) -> AppResult<Self> {
        let invalid = || AppError::bad_input(field, "is not a cursor returned by this search");
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?)
            .map_err(|_| invalid())?;
        let mut parts = text.strip_prefix("s:").ok_or_else(invalid)?.split(':');
        let mut next = || parts.next().ok_or_else(invalid);
        let a = next()?.parse().map_err(|_| invalid())?;
        let b = next()?.parse().map_err(|_| invalid())?;
        let c = next()?.parse().map_err(|_| invalid())?;
        Ok(SortKey(a, b, c))
    }
}

/// Relay arguments of a search, validated like every connection's.
pub struct SearchPageRequest {
    limit: usize,
    after: Option<SortKey>,
    before: Option<SortKey>,
    backward: bool,
}

impl SearchPageRequest {
    /// Validates `first`/`after`/`last`/`before` (at most 100 per page).
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<Self> {
        // Sizes follow the rules of every connection; the cursors are this search's own.
        let sizes = crate::pagination::PageRequest::new(first, None, last, None)?;
        Ok(SearchPageRequest {
            limit: sizes.limit() as usize,
            backward: sizes.is_backward()
                || (first.is_none() && last.is_none() && before.is_some()),
            after: after.map(|c| SortKey::decode(&c, "after")).transpose()?,
            before: before.map(|c| SortKey::decode(&c, "before")).transpose()?,
        })
    }
}

/// Custom SQL of this module is written with `?` placeholders; sea-query
/// expects `$1`, `$2`… on PostgreSQL.
fn placeholders(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_owned();
    }
    let mut numbered = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            numbered.push_str(&format!("${n}"));
        } else {
            numbered.push(c);
        }
    }
    numbered
}

fn words(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().take(50).collect())
        .collect();
    found.dedup();
    found.truncate(MAX_WORDS);
    found
}

/// Location visibilities whose place (neighborhood, coordinates) `actor` may use.
fn placeable(actor: &Actor) -> Vec<LocationVisibility> {
    [
        LocationVisibility::Public,
        LocationVisibility::Coalition,
        LocationVisibility::Confidential,
    ]
    .into_iter()
    .filter(|v| policy::location_view(actor, *v) == LocationView::Full)
    .collect()
}

fn visibility_list(visibilities: &[LocationVisibility]) -> String {
    // Values are our own enum's fixed strings, never client input.
    visibilities
        .iter()
        .map(|v| match v {
            LocationVisibility::Public => "'public'",
            LocationVisibility::Coalition => "'coalition'",
            LocationVisibility::Confidential => "'confidential'",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds services for `actor`. `time_zone` is the coalition's, in which hours are kept.
#[tracing::instrument(skip_all)]
pub async fn search(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ServiceFilter,
    time_zone: Tz,
    page: &SearchPageRequest,
) -> AppResult<SearchPage> {
    let backend = db.get_database_backend();
    let mut query = service::Entity::find();

    policy::authorize(
        actor,
        policy::may_list_services_with_status(actor, &filter.statuses),
        "see services that are not active",
    )?;
    let statuses = if policy::is_coalition_member(actor) {
        filter.statuses.clone()
    } else {
        vec![ServiceStatus::Active]
    };
    if !statuses.is_empty() {
        query = query.filter(service::Column::Status.is_in(statuses));
    }
    if let Some(org) = filter.organization_id {
        query = query.filter(service::Column::OrganizationId.eq(org));
    }
    if !filter.categories.is_empty() {
        let roots = taxonomy::ids_for_codes(db, &filter.categories, "filter.categories").await?;
        let all = taxonomy::terms(db).await?;
        let terms = taxonomy::with_descendants(&all, &roots);
        query = query.filter(
            service::Column::Id.in_subquery(
                Query::select()
                    .column(service_category::Column::ServiceId)
                    .from(service_category::Entity)
                    .and_where(service_category::Column::TermId.is_in(terms))
                    .to_owned(),
            ),
        );
    }
    if !filter.languages.is_empty() {
        let mut any = sea_orm::Condition::any();
        for (i, raw) in filter.languages.iter().enumerate() {
            let tag = LanguageTag::parse(raw, &format!("filter.languages.{i}"))?;
            let primary = tag.primary().to_owned();
            any = any
                .add(
                    Expr::expr(Func::lower(Expr::col(service_language::Column::Tag)))
                        .eq(primary.clone()),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(service_language::Column::Tag)))
                        .like(format!("{primary}-%")),
                );
        }
        query = query.filter(
            service::Column::Id.in_subquery(
                Query::select()
                    .column(service_language::Column::ServiceId)
                    .from(service_language::Entity)
                    .cond_where(any)
                    .to_owned(),
            ),
        );
    }
    if let Some(neighborhood) = filter
        .neighborhood
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        query = query.filter(
            service::Column::Id.in_subquery(
                Query::select()
                    .column(location::Column::ServiceId)
                    .from(location::Entity)
                    .and_where(
                        Expr::expr(Func::lower(Expr::col(location::Column::Neighborhood)))
                            .eq(neighborhood.to_lowercase()),
                    )
                    .and_where(location::Column::Visibility.is_in(placeable(actor)))
                    .to_owned(),
            ),
        );
    }
    if !filter.costs.is_empty() {
        query = query.filter(service::Column::Cost.is_in(filter.costs.clone()));
    }
    if let Some(age) = filter.age {
        if !(0..=130).contains(&age) {
            return Err(AppError::bad_input(
                "filter.age",
                "must be between 0 and 130",
            ));
        }
        query = query
            .filter(
                sea_orm::Condition::any()
                    .add(service::Column::MinimumAge.is_null())
                    .add(service::Column::MinimumAge.lte(age)),
            )
            .filter(
                sea_orm::Condition::any()
                    .add(service::Column::MaximumAge.is_null())
                    .add(service::Column::MaximumAge.gte(age)),
            );
    }
    if let Some(accepting) = filter.accepting_referrals {
        query = query.filter(service::Column::AcceptingReferrals.eq(accepting));
    }
    if !filter.organization_kinds.is_empty() {
        query = query.filter(
            service::Column::OrganizationId.in_subquery(
                Query::select()
                    .column(organization::Column::Id)
                    .from(organization::Entity)
                    .and_where(organization::Column::Kind.is_in(filter.organization_kinds.clone()))
                    .to_owned(),
            ),
        );
    }
    if let Some(at) = filter.open_at {
        let local = at.with_timezone(&time_zone);
        let date = local.date_naive();
        let time = crate::directory::domain::ClockTime::of(local.time()).stored();
        let weekday = local.weekday().number_from_monday() as i32;
        query = query.filter(Expr::cust_with_values(
            placeholders(backend, "(services.id IN (SELECT service_id FROM service_exceptions WHERE date = ? AND opens_at <= ? AND closes_at > ?) \
             OR (services.id NOT IN (SELECT service_id FROM service_exceptions WHERE date = ?) \
                 AND services.id IN (SELECT service_id FROM service_hours WHERE weekday = ? AND opens_at <= ? AND closes_at > ?)))"),
            [
                Value::from(date),
                Value::from(time.clone()),
                Value::from(time.clone()),
                Value::from(date),
                Value::from(weekday),
                Value::from(time.clone()),
                Value::from(time),
            ],
        ));
    }

    let text_words = filter.text.as_deref().map(words).unwrap_or_default();
    let rank: SimpleExpr = if text_words.is_empty() {
        Expr::cust("CAST(0.0 AS DOUBLE PRECISION)")
    } else if backend == DbBackend::Postgres {
        let tsquery = text_words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ");
        query = query.filter(Expr::cust_with_values(
            placeholders(
                backend,
                "to_tsvector('simple', services.search_document) @@ to_tsquery('simple', ?)",
            ),
            [Value::from(tsquery.clone())],
        ));
        Expr::cust_with_values(
            placeholders(
                backend,
                "CAST(ts_rank(to_tsvector('simple', services.search_document), to_tsquery('simple', ?)) AS DOUBLE PRECISION) \
                 + CASE WHEN lower(services.name) LIKE ? THEN 1 ELSE 0 END",
            ),
            [
                Value::from(tsquery),
                Value::from(format!("%{}%", text_words[0])),
            ],
        )
    } else {
        let mut score = Vec::new();
        let mut values = Vec::new();
        for word in &text_words {
            query = query.filter(Expr::cust_with_values(
                "services.search_document LIKE ?",
                [Value::from(format!("%{word}%"))],
            ));
            score.push("(CASE WHEN lower(services.name) LIKE ? THEN 2.0 ELSE 0.0 END + CASE WHEN services.search_document LIKE ? THEN 1.0 ELSE 0.0 END)");
            values.push(Value::from(format!("%{word}%")));
            values.push(Value::from(format!("% {word}%")));
        }
        Expr::cust_with_values(
            placeholders(backend, &format!("CAST({} AS REAL)", score.join(" + "))),
            values,
        )
    };

    let distance: SimpleExpr = match filter.near {
        None => Expr::cust("CAST(NULL AS DOUBLE PRECISION)"),
        Some(near) => {
            if !(-90.0..=90.0).contains(&near.latitude)
                || !(-180.0..=180.0).contains(&near.longitude)
            {
                return Err(AppError::bad_input(
                    "filter.near",
                    "latitude must be within ±90 and longitude within ±180",
                ));
            }
            if !(near.radius_km > 0.0 && near.radius_km <= 500.0) {
                return Err(AppError::bad_input(
                    "filter.near.radiusKm",
                    "must be more than 0 and at most 500",
                ));
            }
            // Equirectangular approximation: exact enough within a region and
            // plain arithmetic, so both backends compute it the same way.
            let squeeze = near.latitude.to_radians().cos();
            let d2 = format!(
                "(SELECT MIN((l.latitude - ?) * (l.latitude - ?) + ((l.longitude - ?) * ?) * ((l.longitude - ?) * ?)) \
                 FROM locations l WHERE l.service_id = services.id AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL \
                 AND l.visibility IN ({}))",
                visibility_list(&placeable(actor))
            );
            let values = || {
                [
                    Value::from(near.latitude),
                    Value::from(near.latitude),
                    Value::from(near.longitude),
                    Value::from(squeeze),
                    Value::from(near.longitude),
                    Value::from(squeeze),
                ]
            };
            let radius_deg = near.radius_km / KM_PER_DEGREE;
            let mut bound = values().to_vec();
            bound.push(Value::from(radius_deg * radius_deg));
            query = query.filter(Expr::cust_with_values(
                placeholders(backend, &format!("{d2} <= ?")),
                bound,
            ));
            Expr::cust_with_values(placeholders(backend, &d2), values())
        }
    };

    let candidates: Vec<Candidate> = query
        .select_only()
        .column(service::Column::Id)
        .column_as(rank, "rank")
        .column_as(distance, "distance")
        .limit(MAX_CANDIDATES)
        .into_tuple()
        .all(db)
        .await?;

    let key = |(id, rank, d2): &Candidate| match (filter.near, text_words.is_empty()) {
        (Some(_), _) => SortKey(d2.unwrap_or(f64::MAX), -rank, id.as_u128()),
        (None, false) => SortKey(-rank, 0.0, id.as_u128()),
        (None, true) => SortKey(0.0, 0.0, id.as_u128()),
    };
    let mut ordered: Vec<(SortKey, &Candidate)> = candidates.iter().map(|c| (key(c), c)).collect();
    ordered.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let total_count = ordered.len() as u64;
    let window: Vec<_> = ordered
        .iter()
        .filter(|(k, _)| page.after.is_none_or(|a| *k > a) && page.before.is_none_or(|b| *k < b))
        .collect();
    let (selected, has_previous_page, has_next_page) = if page.backward {
        let start = window.len().saturating_sub(page.limit);
        (&window[start..], start > 0, page.before.is_some())
    } else {
        let end = window.len().min(page.limit);
        (&window[..end], page.after.is_some(), window.len() > end)
    };

    let ids: Vec<Uuid> = selected.iter().map(|(_, c)| c.0).collect();
    let mut rows: HashMap<Uuid, service::Model> = service::Entity::find()
        .filter(service::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let hits = selected
        .iter()
        .filter_map(|(k, (id, rank, d2))| {
            rows.remove(id).map(|service| {
                (
                    k.encode(),
                    Hit {
                        service,
                        rank: *rank,
                        distance_km: d2.map(|d| d.sqrt() * KM_PER_DEGREE),
                    },
                )
            })
        })
        .collect();
    Ok(SearchPage {
        hits,
        has_previous_page,
        has_next_page,
        total_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_only() {
        assert_eq!(
            placeholders(DbBackend::Postgres, "a = ? AND b < ?"),
            "a = $1 AND b < $2"
        );
        assert_eq!(placeholders(DbBackend::Sqlite, "a = ?"), "a = ?");
    }

    #[test]
    fn words_are_lowercased_split_on_punctuation_and_capped() {
        assert_eq!(words("Legal-Aid, ESL!"), vec!["legal", "aid", "esl"]);
        assert_eq!(words("a b c d e f g h i j").len(), MAX_WORDS);
        assert!(words("  ;; ").is_empty());
    }

    #[test]
    fn a_cursor_round_trips_and_a_forged_one_is_refused() {
        let key = SortKey(1.5, -2.0, 42);
        assert_eq!(SortKey::decode(&key.encode(), "after").unwrap(), key);
        assert!(SortKey::decode("Zm9v", "after").is_err());
    }
}

//! What an `/hsds/...` request asks for: its page and filters, read from the
//! query string against the parameters the HSDS OpenAPI gives that endpoint,
//! and the page object every list answers with.

use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// Largest `per_page` accepted.
pub const MAX_PER_PAGE: u64 = 100;
/// Longest `search` accepted, in characters.
const MAX_SEARCH: usize = 200;
/// Most words of a `search` used; the rest are ignored.
const MAX_SEARCH_WORDS: usize = 8;

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

    /// Rows skipped before this page.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }

    /// This page of `all`, with the page fields counted over all of them.
    pub fn slice(&self, all: Vec<Value>) -> Value {
        let total = all.len() as u64;
        let contents = all
            .into_iter()
            .skip(self.offset() as usize)
            .take(self.per_page as usize)
            .collect();
        page_of(*self, total, contents)
    }
}

/// The endpoints of the HSDS API, each with the query parameters its
/// OpenAPI operation lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `GET /services`.
    Services,
    /// `GET /organizations`.
    Organizations,
    /// `GET /organizations/{id}`.
    Organization,
    /// `GET /service_at_locations`.
    ServiceAtLocations,
    /// `GET /taxonomies`.
    Taxonomies,
    /// `GET /taxonomy_terms`.
    TaxonomyTerms,
    /// Any endpoint that takes no parameter: the root and the other `{id}`s.
    Plain,
}

impl Endpoint {
    fn parameters(self) -> &'static [&'static str] {
        const PAGED: [&str; 4] = ["search", "page", "per_page", "format"];
        match self {
            Endpoint::Services => &[
                "search",
                "page",
                "per_page",
                "format",
                "taxonomy_term_id",
                "taxonomy_id",
                "organization_id",
                "modified_after",
                "minimal",
                "full",
            ],
            // `modified_after` is not in the OpenAPI here, but sync tools
            // used it before the API followed the OpenAPI to the letter.
            Endpoint::Organizations => &[
                "search",
                "full_service",
                "full",
                "page",
                "per_page",
                "format",
                "modified_after",
            ],
            Endpoint::Organization => &["full_service"],
            Endpoint::ServiceAtLocations => &[
                "search",
                "taxonomy_term_id",
                "taxonomy_id",
                "organization_id",
                "modified_after",
                "full",
                "page",
                "per_page",
                "format",
                "postcode",
                "proximity",
            ],
            Endpoint::Taxonomies => &PAGED,
            Endpoint::TaxonomyTerms => &[
                "search",
                "page",
                "per_page",
                "format",
                "taxonomy_id",
                "top_only",
                "parent_id",
            ],
            Endpoint::Plain => &[],
        }
    }
}

/// A request's page and filters; every filter given must hold (AND).
#[derive(Clone, Debug)]
pub struct HsdsQuery {
    /// The page asked for.
    pub page: HsdsPageRequest,
    /// Lowercased words that must all appear in the record's text.
    pub search: Vec<String>,
    /// Only records of this organization.
    pub organization_id: Option<Uuid>,
    /// Only services classified under this term.
    pub taxonomy_term_id: Option<Uuid>,
    /// Only services with a term of this taxonomy, or terms of it.
    pub taxonomy_id: Option<Uuid>,
    /// Only terms under this parent.
    pub parent_id: Option<Uuid>,
    /// Only terms without a parent.
    pub top_only: bool,
    /// Only locations at this postcode.
    pub postcode: Option<String>,
    /// Only records modified on or after this instant.
    pub modified_after: Option<DateTime<Utc>>,
    /// Services as just their identifying fields and modification time.
    pub minimal: bool,
    /// Fully nested objects rather than their one-to-one fields.
    pub full: bool,
    /// Organizations' services fully nested.
    pub full_service: bool,
}

fn number(params: &HashMap<String, String>, name: &str) -> AppResult<Option<u64>> {
    params
        .get(name)
        .map(|v| {
            v.parse()
                .map_err(|_| AppError::bad_input(name, "must be a whole number"))
        })
        .transpose()
}

fn flag(params: &HashMap<String, String>, name: &str) -> AppResult<bool> {
    match params.get(name).map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(AppError::bad_input(name, "must be true or false")),
    }
}

fn uuid(params: &HashMap<String, String>, name: &str) -> AppResult<Option<Uuid>> {
    params
        .get(name)
        .map(|v| Uuid::parse_str(v).map_err(|_| AppError::bad_input(name, "must be a UUID")))
        .transpose()
}

/// An RFC 3339 date-time, or a date (its first instant, UTC).
fn instant(params: &HashMap<String, String>, name: &str) -> AppResult<Option<DateTime<Utc>>> {
    params
        .get(name)
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|d| d.with_timezone(&Utc))
                .or_else(|_| {
                    NaiveDate::parse_from_str(v, "%Y-%m-%d")
                        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
                })
                .map_err(|_| {
                    AppError::bad_input(
                        name,
                        "must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z, or a date",
                    )
                })
        })
        .transpose()
}

fn search_words(params: &HashMap<String, String>) -> AppResult<Vec<String>> {
    let Some(text) = params.get("search") else {
        return Ok(Vec::new());
    };
    if text.chars().count() > MAX_SEARCH {
        return Err(AppError::bad_input(
            "search",
            format!("must be at most {MAX_SEARCH} characters"),
        ));
    }
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.dedup();
    words.truncate(MAX_SEARCH_WORDS);
    Ok(words)
}

impl HsdsQuery {
    /// Reads `params` as `endpoint` takes them: a parameter the endpoint
    /// does not know, or a value of the wrong kind, is bad input naming it.
    pub fn parse(endpoint: Endpoint, params: &HashMap<String, String>) -> AppResult<Self> {
        let known = endpoint.parameters();
        let mut names: Vec<&String> = params.keys().collect();
        names.sort();
        if let Some(unknown) = names.into_iter().find(|n| !known.contains(&n.as_str())) {
            let message = if known.is_empty() {
                format!("`{unknown}` is not a parameter of this endpoint, which takes none")
            } else {
                format!(
                    "`{unknown}` is not a parameter of this endpoint; it takes {}",
                    known.join(", ")
                )
            };
            return Err(AppError::bad_input(unknown.as_str(), message));
        }
        if let Some(format) = params.get("format")
            && format != "json"
        {
            return Err(AppError::bad_input("format", "only json is offered"));
        }
        if params.contains_key("proximity") {
            return Err(AppError::bad_input(
                "proximity",
                "is not offered: the directory knows no postcode centroids",
            ));
        }
        let postcode = params
            .get("postcode")
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty());
        if params.contains_key("postcode") && postcode.is_none() {
            return Err(AppError::bad_input("postcode", "must not be empty"));
        }
        Ok(HsdsQuery {
            page: HsdsPageRequest::new(number(params, "page")?, number(params, "per_page")?)?,
            search: search_words(params)?,
            organization_id: uuid(params, "organization_id")?,
            taxonomy_term_id: uuid(params, "taxonomy_term_id")?,
            taxonomy_id: uuid(params, "taxonomy_id")?,
            parent_id: uuid(params, "parent_id")?,
            top_only: flag(params, "top_only")?,
            postcode,
            modified_after: instant(params, "modified_after")?,
            minimal: flag(params, "minimal")?,
            full: flag(params, "full")?,
            full_service: flag(params, "full_service")?,
        })
    }

    /// Whether `text` holds every search word.
    pub fn matches(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        self.search.iter().all(|w| text.contains(w.as_str()))
    }
}

/// An HSDS page of results.
pub fn page_of(request: HsdsPageRequest, total: u64, contents: Vec<Value>) -> Value {
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

/// `value` without its absent fields: HSDS leaves out what is not known
/// rather than writing `null`, which its schemas' types do not allow.
pub fn compact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, compact(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(compact).collect()),
        other => other,
    }
}

/// An object's one-to-one fields only: what HSDS lists give unless asked
/// for `full` objects.
pub fn flat(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_array() && !v.is_object())
                .collect(),
        ),
        other => other,
    }
}

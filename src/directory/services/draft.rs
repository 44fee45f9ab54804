//! What a client sends for a service, and its validation. A service is
//! edited as a whole (its hours, exceptions, locations, languages,
//! categories and translations are replaced together), so a partner's app
//! can send its current record and retry safely; create and update share
//! one validator.

use crate::directory::domain::ClockTime;
use crate::directory::taxonomy::service as taxonomy;
use crate::domain::{LanguageTag, language_tags, name_text, optional_text, required_text};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use entity::enums::{CostKind, LocationVisibility, ServiceStatus};
use entity::service;
use sea_orm::{ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

/// Days a receiving organization has to answer a referral, unless the service says otherwise.
pub const DEFAULT_RESPONSE_WINDOW_DAYS: i32 = 14;
/// Text fields of a service that can be translated.
pub const TRANSLATABLE_FIELDS: &[&str] = &["name", "description", "eligibility", "howToApply"];

/// Regular hours on one weekday.
#[derive(Clone, Debug)]
pub struct HoursDraft {
    /// ISO weekday, 1 (Monday) to 7 (Sunday).
    pub weekday: i32,
    /// `HH:MM`.
    pub opens_at: String,
    /// `HH:MM`, after `opens_at`.
    pub closes_at: String,
}

/// A date with different hours (closed all day when no times are given).
#[derive(Clone, Debug)]
pub struct ExceptionDraft {
    /// The date, in the coalition's time zone.
    pub date: NaiveDate,
    /// `HH:MM`, with `closes_at`.
    pub opens_at: Option<String>,
    /// `HH:MM`, with `opens_at`.
    pub closes_at: Option<String>,
    /// E.g. "Thanksgiving".
    pub note: Option<String>,
}

/// Where a service is delivered.
#[derive(Clone, Debug)]
pub struct LocationDraft {
    /// E.g. "Main branch".
    pub name: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state_province: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code (e.g. `US`).
    pub country: Option<String>,
    /// Neighborhood, as the coalition names them.
    pub neighborhood: Option<String>,
    /// Latitude in degrees.
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    pub longitude: Option<f64>,
    /// Accessibility notes.
    pub accessibility: Option<String>,
    /// Delivered remotely or by phone.
    pub remote: bool,
    /// How to reach the service here (required for confidential locations).
    pub contact_route: Option<String>,
    /// Who may see the address.
    pub visibility: LocationVisibility,
}

/// One translated text.
#[derive(Clone, Debug)]
pub struct TranslationDraft {
    /// `name`, `description`, `eligibility` or `howToApply`.
    pub field: String,
    /// BCP 47 tag.
    pub locale: String,
    /// The text in that language.
    pub text: String,
}

/// A service as a client sends it, before validation.
#[derive(Clone, Debug)]
pub struct ServiceDraft {
    /// Keep this id (imports); a new one when `None`.
    pub id: Option<Uuid>,
    /// Name in the default language.
    pub name: String,
    /// Description in the default language.
    pub description: String,
    /// Language of the texts above.
    pub default_locale: String,
    /// Whether it is offered.
    pub status: ServiceStatus,
    /// Who can use it.
    pub eligibility: Option<String>,
    /// Youngest age served.
    pub minimum_age: Option<i32>,
    /// Oldest age served.
    pub maximum_age: Option<i32>,
    /// What it costs.
    pub cost: CostKind,
    /// Details of the cost.
    pub cost_description: Option<String>,
    /// How to apply.
    pub how_to_apply: Option<String>,
    /// Whether it takes referrals now.
    pub accepting_referrals: bool,
    /// Days to answer a referral (default 14).
    pub response_window_days: Option<i32>,
    /// Taxonomy term codes.
    pub categories: Vec<String>,
    /// Languages it is offered in.
    pub languages: Vec<String>,
    /// Weekly hours.
    pub hours: Vec<HoursDraft>,
    /// Holidays and special hours.
    pub exceptions: Vec<ExceptionDraft>,
    /// Where it is delivered.
    pub locations: Vec<LocationDraft>,
    /// Texts in other languages.
    pub translations: Vec<TranslationDraft>,
}

/// A validated exception: date, opening, closing, note.
pub(super) type ValidException = (NaiveDate, Option<String>, Option<String>, Option<String>);

/// A validated service: its row (without id, organization or dates) and the
/// parts replaced with it.
pub(super) struct Valid {
    /// The service's own fields.
    pub(super) row: service::ActiveModel,
    /// Taxonomy term ids.
    pub(super) categories: Vec<Uuid>,
    /// Languages offered.
    pub(super) languages: Vec<LanguageTag>,
    /// `(weekday, opens, closes)`.
    pub(super) hours: Vec<(i32, String, String)>,
    /// Holidays and special hours.
    pub(super) exceptions: Vec<ValidException>,
    /// Locations, checked.
    pub(super) locations: Vec<LocationDraft>,
    /// `(field, locale, text)`.
    pub(super) translations: Vec<(String, String, String)>,
}

fn validate_hours(
    weekday: i32,
    opens: &str,
    closes: &str,
    field: &str,
) -> AppResult<(String, String)> {
    if !(1..=7).contains(&weekday) {
        return Err(AppError::bad_input(
            format!("{field}.weekday"),
            "must be 1 (Monday) to 7 (Sunday)",
        ));
    }
    let opens_at = ClockTime::parse(opens, &format!("{field}.opensAt"))?;
    let closes_at = ClockTime::parse(closes, &format!("{field}.closesAt"))?;
    if closes_at <= opens_at {
        return Err(AppError::bad_input(
            format!("{field}.closesAt"),
            "must be after opensAt (hours past midnight go on the next day)",
        ));
    }
    Ok((opens_at.stored(), closes_at.stored()))
}

/// Checks a location; `field` is its input path.
pub fn validate_location(location: &LocationDraft, field: &str) -> AppResult<LocationDraft> {
    let text = |value: &Option<String>, name: &str, max| {
        optional_text(value.as_deref(), &format!("{field}.{name}"), max)
    };
    match (location.latitude, location.longitude) {
        (Some(lat), Some(lon)) => {
            if !(-90.0..=90.0).contains(&lat) {
                return Err(AppError::bad_input(
                    format!("{field}.latitude"),
                    "must be between -90 and 90",
                ));
            }
            if !(-180.0..=180.0).contains(&lon) {
                return Err(AppError::bad_input(
                    format!("{field}.longitude"),
                    "must be between -180 and 180",
                ));
            }
        }
        (None, None) => {}
        _ => {
            return Err(AppError::bad_input(
                format!("{field}.longitude"),
                "give both latitude and longitude, or neither",
            ));
        }
    }
    let contact_route = text(&location.contact_route, "contactRoute", 500)?;
    if location.visibility == LocationVisibility::Confidential && contact_route.is_none() {
        return Err(AppError::bad_input(
            format!("{field}.contactRoute"),
            "a confidential location needs a contact route (e.g. a hotline), as its address is never shown",
        ));
    }
    Ok(LocationDraft {
        name: text(&location.name, "name", 200)?,
        address: text(&location.address, "address", 500)?,
        city: text(&location.city, "city", 200)?,
        state_province: text(&location.state_province, "stateProvince", 100)?,
        postal_code: text(&location.postal_code, "postalCode", 20)?,
        country: match text(&location.country, "country", 2)? {
            Some(code) if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Some(code.to_ascii_uppercase())
            }
            Some(_) => {
                return Err(AppError::bad_input(
                    format!("{field}.country"),
                    "must be a two-letter country code such as US",
                ));
            }
            None => None,
        },
        neighborhood: text(&location.neighborhood, "neighborhood", 200)?,
        latitude: location.latitude,
        longitude: location.longitude,
        accessibility: text(&location.accessibility, "accessibility", 2000)?,
        remote: location.remote,
        contact_route,
        visibility: location.visibility,
    })
}

/// Checks a service as sent; errors name `input.<field>`.
pub(super) async fn validate(db: &impl ConnectionTrait, draft: ServiceDraft) -> AppResult<Valid> {
    let name = name_text(&draft.name, "input.name", 200)?;
    let description = required_text(&draft.description, "input.description", 5000)?;
    let default_locale = LanguageTag::parse(&draft.default_locale, "input.defaultLocale")?;
    let eligibility = optional_text(draft.eligibility.as_deref(), "input.eligibility", 2000)?;
    for (age, field) in [
        (draft.minimum_age, "input.minimumAge"),
        (draft.maximum_age, "input.maximumAge"),
    ] {
        if age.is_some_and(|a| !(0..=130).contains(&a)) {
            return Err(AppError::bad_input(field, "must be between 0 and 130"));
        }
    }
    if let (Some(min), Some(max)) = (draft.minimum_age, draft.maximum_age)
        && min > max
    {
        return Err(AppError::bad_input(
            "input.maximumAge",
            "must not be below minimumAge",
        ));
    }
    let window = draft
        .response_window_days
        .unwrap_or(DEFAULT_RESPONSE_WINDOW_DAYS);
    if !(1..=90).contains(&window) {
        return Err(AppError::bad_input(
            "input.responseWindowDays",
            "must be between 1 and 90 days",
        ));
    }
    let categories = taxonomy::ids_for_codes(db, &draft.categories, "input.categories").await?;
    let languages = language_tags(&draft.languages, "input.languages")?;
    let mut hours = Vec::with_capacity(draft.hours.len());
    for (i, h) in draft.hours.iter().enumerate() {
        let (opens, closes) = validate_hours(
            h.weekday,
            &h.opens_at,
            &h.closes_at,
            &format!("input.hours.{i}"),
        )?;
        hours.push((h.weekday, opens, closes));
    }
    let mut exceptions = Vec::with_capacity(draft.exceptions.len());
    for (i, e) in draft.exceptions.iter().enumerate() {
        let field = format!("input.exceptions.{i}");
        let times = match (&e.opens_at, &e.closes_at) {
            (None, None) => (None, None),
            (Some(o), Some(c)) => {
                let (o, c) = validate_hours(1, o, c, &field)?;
                (Some(o), Some(c))
            }
            _ => {
                return Err(AppError::bad_input(
                    format!("{field}.closesAt"),
                    "give both times, or neither for a day closed",
                ));
            }
        };
        exceptions.push((
            e.date,
            times.0,
            times.1,
            optional_text(e.note.as_deref(), &format!("{field}.note"), 200)?,
        ));
    }
    let locations = draft
        .locations
        .iter()
        .enumerate()
        .map(|(i, l)| validate_location(l, &format!("input.locations.{i}")))
        .collect::<AppResult<Vec<_>>>()?;
    let mut translations = Vec::with_capacity(draft.translations.len());
    for (i, t) in draft.translations.iter().enumerate() {
        let field = format!("input.translations.{i}");
        if !TRANSLATABLE_FIELDS.contains(&t.field.as_str()) {
            return Err(AppError::bad_input(
                format!("{field}.field"),
                format!("must be one of {}", TRANSLATABLE_FIELDS.join(", ")),
            ));
        }
        let locale = LanguageTag::parse(&t.locale, &format!("{field}.locale"))?;
        let text = required_text(&t.text, &format!("{field}.text"), 5000)?;
        if translations
            .iter()
            .any(|(f, l, _)| f == &t.field && l == locale.as_str())
        {
            return Err(AppError::bad_input(
                format!("{field}.locale"),
                "this field already has a text in this language",
            ));
        }
        translations.push((t.field.clone(), locale.as_str().to_owned(), text));
    }
    let row = service::ActiveModel {
        name: Set(name),
        description: Set(description),
        default_locale: Set(default_locale.as_str().to_owned()),
        status: Set(draft.status),
        eligibility: Set(eligibility),
        minimum_age: Set(draft.minimum_age),
        maximum_age: Set(draft.maximum_age),
        cost: Set(draft.cost),
        cost_description: Set(optional_text(
            draft.cost_description.as_deref(),
            "input.costDescription",
            500,
        )?),
        how_to_apply: Set(optional_text(
            draft.how_to_apply.as_deref(),
            "input.howToApply",
            2000,
        )?),
        accepting_referrals: Set(draft.accepting_referrals),
        response_window_days: Set(window),
        ..Default::default()
    };
    Ok(Valid {
        row,
        categories,
        languages,
        hours,
        exceptions,
        locations,
        translations,
    })
}

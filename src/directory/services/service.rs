//! Creating, changing, verifying and reading services. A service is edited as
//! a whole (its hours, exceptions, locations, languages, categories and
//! translations are replaced together), so a partner's app can send its
//! current record and retry safely.

use crate::audit::service::{self as audit, AuditEvent};
use crate::auth::Actor;
use crate::db::now;
use crate::directory::domain::ClockTime;
use crate::directory::taxonomy::service as taxonomy;
use crate::domain::{LanguageTag, language_tags, name_text, optional_text, required_text};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy;
use chrono::{Duration, NaiveDate};
use entity::enums::{CostKind, LocationVisibility, ServiceStatus};
use entity::{
    location, organization, organization_profile, service, service_category, service_exception,
    service_hours, service_language, translation,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, TransactionSession,
    TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

/// Days a receiving organization has to answer a referral, unless the service says otherwise.
pub const DEFAULT_RESPONSE_WINDOW_DAYS: i32 = 14;
/// Text fields of a service that can be translated.
pub const TRANSLATABLE_FIELDS: &[&str] = &["name", "description", "eligibility", "howToApply"];

crate::pagination::keyed_by_creation!(service::Model);

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
type ValidException = (NaiveDate, Option<String>, Option<String>, Option<String>);

struct Valid {
    row: service::ActiveModel,
    categories: Vec<Uuid>,
    languages: Vec<LanguageTag>,
    hours: Vec<(i32, String, String)>,
    exceptions: Vec<ValidException>,
    locations: Vec<LocationDraft>,
    translations: Vec<(String, String, String)>,
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

async fn validate(db: &impl ConnectionTrait, draft: ServiceDraft) -> AppResult<Valid> {
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

/// Writes the parts of a service that are replaced as a whole.
async fn replace_parts(
    txn: &impl ConnectionTrait,
    service_id: Uuid,
    valid: &Valid,
) -> AppResult<()> {
    service_category::Entity::delete_many()
        .filter(service_category::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    service_language::Entity::delete_many()
        .filter(service_language::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    service_hours::Entity::delete_many()
        .filter(service_hours::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    service_exception::Entity::delete_many()
        .filter(service_exception::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    location::Entity::delete_many()
        .filter(location::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    translation::Entity::delete_many()
        .filter(translation::Column::RecordId.eq(service_id))
        .exec(txn)
        .await?;
    if !valid.categories.is_empty() {
        service_category::Entity::insert_many(valid.categories.iter().map(|term| {
            service_category::ActiveModel {
                service_id: Set(service_id),
                term_id: Set(*term),
            }
        }))
        .exec(txn)
        .await?;
    }
    if !valid.languages.is_empty() {
        service_language::Entity::insert_many(valid.languages.iter().map(|tag| {
            service_language::ActiveModel {
                service_id: Set(service_id),
                tag: Set(tag.as_str().to_owned()),
            }
        }))
        .exec(txn)
        .await?;
    }
    if !valid.hours.is_empty() {
        service_hours::Entity::insert_many(valid.hours.iter().map(|(weekday, opens, closes)| {
            service_hours::ActiveModel {
                id: Set(new_id()),
                service_id: Set(service_id),
                weekday: Set(*weekday),
                opens_at: Set(opens.clone()),
                closes_at: Set(closes.clone()),
            }
        }))
        .exec(txn)
        .await?;
    }
    if !valid.exceptions.is_empty() {
        service_exception::Entity::insert_many(valid.exceptions.iter().map(
            |(date, opens, closes, note)| service_exception::ActiveModel {
                id: Set(new_id()),
                service_id: Set(service_id),
                date: Set(*date),
                opens_at: Set(opens.clone()),
                closes_at: Set(closes.clone()),
                note: Set(note.clone()),
            },
        ))
        .exec(txn)
        .await?;
    }
    let at = now();
    if !valid.locations.is_empty() {
        location::Entity::insert_many(valid.locations.iter().map(|l| location::ActiveModel {
            id: Set(new_id()),
            service_id: Set(service_id),
            name: Set(l.name.clone()),
            address: Set(l.address.clone()),
            city: Set(l.city.clone()),
            state_province: Set(l.state_province.clone()),
            postal_code: Set(l.postal_code.clone()),
            country: Set(l.country.clone()),
            neighborhood: Set(l.neighborhood.clone()),
            latitude: Set(l.latitude),
            longitude: Set(l.longitude),
            accessibility: Set(l.accessibility.clone()),
            remote: Set(l.remote),
            contact_route: Set(l.contact_route.clone()),
            visibility: Set(l.visibility),
            created_at: Set(at),
        }))
        .exec(txn)
        .await?;
    }
    if !valid.translations.is_empty() {
        translation::Entity::insert_many(valid.translations.iter().map(|(field, locale, text)| {
            translation::ActiveModel {
                id: Set(new_id()),
                record_id: Set(service_id),
                field: Set(field.clone()),
                locale: Set(locale.clone()),
                text: Set(text.clone()),
                created_at: Set(at),
            }
        }))
        .exec(txn)
        .await?;
    }
    Ok(())
}

/// The lowercased text search looks in: the service's and its organization's
/// names and descriptions, in every language they are written in.
pub async fn search_document(
    conn: &impl ConnectionTrait,
    service_id: Uuid,
    name: &str,
    description: &str,
    organization_id: Uuid,
) -> AppResult<String> {
    let organization = organization::Entity::find_by_id(organization_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let profile = organization_profile::Entity::find_by_id(organization_id)
        .one(conn)
        .await?;
    let translated = translation::Entity::find()
        .filter(
            Condition::any()
                .add(translation::Column::RecordId.eq(service_id))
                .add(translation::Column::RecordId.eq(organization_id)),
        )
        .filter(translation::Column::Field.is_in(["name", "description"]))
        .all(conn)
        .await?;
    let mut parts = vec![name.to_owned(), description.to_owned(), organization.name];
    parts.extend(profile.and_then(|p| p.description));
    parts.extend(translated.into_iter().map(|t| t.text));
    Ok(parts.join(" \n ").to_lowercase())
}

/// Recomputes the search text of every service of an organization (after its
/// name, profile or translations changed).
pub async fn refresh_search_documents(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
) -> AppResult<()> {
    let services = service::Entity::find()
        .filter(service::Column::OrganizationId.eq(organization_id))
        .all(conn)
        .await?;
    for found in services {
        let document = search_document(
            conn,
            found.id,
            &found.name,
            &found.description,
            organization_id,
        )
        .await?;
        let mut active = found.into_active_model();
        active.search_document = Set(document);
        active.update(conn).await?;
    }
    Ok(())
}

/// Adds a service to an organization (its admins and staff, its STAFF API keys, coordinators).
pub async fn create_service<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    organization_id: Uuid,
    draft: ServiceDraft,
) -> AppResult<service::Model> {
    crate::accounts::service::organization(db, organization_id).await?;
    policy::authorize(
        actor,
        policy::may_edit_directory_entry(actor, organization_id),
        "edit this organization's directory entries",
    )?;
    let id = draft.id.unwrap_or_else(new_id);
    let valid = validate(db, draft).await?;
    let txn = db.begin().await?;
    let at = now();
    let mut row = valid.row.clone();
    row.id = Set(id);
    row.organization_id = Set(organization_id);
    row.last_verified_at = Set(Some(at));
    row.last_verified_by = Set(actor.user_id());
    row.search_document = Set(String::new());
    row.created_at = Set(at);
    row.updated_at = Set(at);
    let created = row.insert(&txn).await?;
    replace_parts(&txn, id, &valid).await?;
    let document = search_document(
        &txn,
        id,
        &created.name,
        &created.description,
        organization_id,
    )
    .await?;
    let mut active = created.into_active_model();
    active.search_document = Set(document);
    let created = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(organization_id),
            action: "service.created",
            record_type: "Service",
            record_id: Some(id),
            details: Some(json!({ "name": created.name })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Replaces a service's details. An edit is not a verification: the
/// verification date stays as it was.
pub async fn update_service(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    draft: ServiceDraft,
) -> AppResult<service::Model> {
    let current = service(db, actor, id).await?;
    policy::authorize(
        actor,
        policy::may_edit_directory_entry(actor, current.organization_id),
        "edit this organization's directory entries",
    )?;
    let valid = validate(db, draft).await?;
    let txn = db.begin().await?;
    let mut row = valid.row.clone();
    row.id = Set(id);
    row.updated_at = Set(now());
    let updated = row.update(&txn).await?;
    replace_parts(&txn, id, &valid).await?;
    let document = search_document(
        &txn,
        id,
        &updated.name,
        &updated.description,
        updated.organization_id,
    )
    .await?;
    let mut active = updated.into_active_model();
    active.search_document = Set(document);
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(current.organization_id),
            action: "service.updated",
            record_type: "Service",
            record_id: Some(id),
            details: Some(json!({ "statusFrom": current.status, "statusTo": updated.status })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Confirms that a service's entry is still accurate, in one step.
pub async fn verify_service(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> AppResult<service::Model> {
    let current = service(db, actor, id).await?;
    policy::authorize(
        actor,
        policy::may_edit_directory_entry(actor, current.organization_id),
        "verify this organization's directory entries",
    )?;
    let txn = db.begin().await?;
    let mut active = current.clone().into_active_model();
    active.last_verified_at = Set(Some(now()));
    active.last_verified_by = Set(actor.user_id());
    let verified = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(current.organization_id),
            action: "service.verified",
            record_type: "Service",
            record_id: Some(id),
            details: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(verified)
}

/// One service, if the actor may see it.
pub async fn service(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<service::Model> {
    let found = service::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_see_service",
        policy::may_see_service(actor, found.status),
    )?;
    Ok(found)
}

/// A page of an organization's services the actor may see.
pub async fn organization_services(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<service::Model>> {
    let mut select =
        service::Entity::find().filter(service::Column::OrganizationId.eq(organization_id));
    if !policy::is_coalition_member(actor) {
        select = select.filter(service::Column::Status.eq(ServiceStatus::Active));
    }
    paginate(
        db,
        select,
        service::Column::CreatedAt,
        service::Column::Id,
        page,
    )
    .await
}

/// Services not verified for `days` days or never (coordinators keep the data trustworthy).
pub async fn unverified_services(
    db: &impl ConnectionTrait,
    actor: &Actor,
    days: i64,
    page: &PageRequest,
) -> AppResult<Page<service::Model>> {
    policy::authorize(
        actor,
        policy::may_manage_directory(actor),
        "list unverified services",
    )?;
    if !(0..=3650).contains(&days) {
        return Err(AppError::bad_input("days", "must be between 0 and 3650"));
    }
    let cutoff = now() - Duration::days(days);
    let select = service::Entity::find().filter(
        Condition::any()
            .add(service::Column::LastVerifiedAt.is_null())
            .add(service::Column::LastVerifiedAt.lt(cutoff)),
    );
    paginate(
        db,
        select,
        service::Column::CreatedAt,
        service::Column::Id,
        page,
    )
    .await
}

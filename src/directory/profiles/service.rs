//! Reading and replacing an organization's directory profile. The profile is
//! replaced as a whole (contacts and translations included).

use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::now;
use crate::directory::services::search_text::refresh_search_documents;
use crate::domain::{LanguageTag, language_tags, optional_text, required_text, web_address};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::policy;
use entity::enums::{ContactKind, ContactVisibility};
use entity::{organization_contact, organization_profile, translation};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

/// Text fields of an organization that can be translated.
pub const TRANSLATABLE_FIELDS: &[&str] = &["name", "description"];

/// A contact detail as sent, part of a [`ProfilePatch`].
#[derive(Clone, Debug)]
pub struct ContactPatch {
    /// Email, phone or address.
    pub kind: ContactKind,
    /// The address or number.
    pub value: String,
    /// E.g. "Front desk".
    pub label: Option<String>,
    /// Who may see it.
    pub visibility: ContactVisibility,
}

/// A profile as sent, before validation; it replaces the current one.
#[derive(Clone, Debug, Default)]
pub struct ProfilePatch {
    /// What the organization does, in the default language.
    pub description: Option<String>,
    /// Language of the description.
    pub default_locale: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Year founded.
    pub year_founded: Option<i32>,
    /// Languages spoken by staff.
    pub languages: Vec<String>,
    /// Neighborhoods served.
    pub neighborhoods: Vec<String>,
    /// Contact details.
    pub contacts: Vec<ContactPatch>,
    /// `(field, locale, text)` translations of `name` and `description`.
    pub translations: Vec<(String, String, String)>,
}

/// A stored profile with its decoded lists.
#[derive(Clone, Debug)]
pub struct Profile {
    /// The row.
    pub row: organization_profile::Model,
    /// Languages spoken.
    pub languages: Vec<String>,
    /// Neighborhoods served.
    pub neighborhoods: Vec<String>,
}

/// A stored profile with its JSON lists read.
pub fn decode(row: organization_profile::Model) -> Profile {
    // Lists are written by this module only; an unreadable one reads as empty.
    let languages = serde_json::from_str(&row.languages).unwrap_or_default();
    let neighborhoods = serde_json::from_str(&row.neighborhoods).unwrap_or_default();
    Profile {
        row,
        languages,
        neighborhoods,
    }
}

/// Checks a contact's value for its kind; `field` is its input path.
pub fn validate_contact(contact: &ContactPatch, field: &str) -> AppResult<ContactPatch> {
    let value = required_text(&contact.value, &format!("{field}.value"), 500)?;
    let valid = match contact.kind {
        ContactKind::Email => {
            crate::domain::Email::parse(&value, &format!("{field}.value")).is_ok()
        }
        ContactKind::Phone => {
            value.chars().filter(char::is_ascii_digit).count() >= 3
                && value
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().x".contains(c))
        }
        ContactKind::Address => true,
    };
    if !valid {
        return Err(AppError::bad_input(
            format!("{field}.value"),
            format!("is not a valid {:?}", contact.kind).to_lowercase(),
        ));
    }
    Ok(ContactPatch {
        kind: contact.kind,
        value,
        label: optional_text(contact.label.as_deref(), &format!("{field}.label"), 200)?,
        visibility: contact.visibility,
    })
}

/// Replaces an organization's profile (its admins and staff, STAFF API keys, coordinators).
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn update_profile(
    db: &DatabaseConnection,
    actor: &Actor,
    organization_id: Uuid,
    patch: ProfilePatch,
) -> AppResult<Profile> {
    let valid = check_profile(db, actor, organization_id, patch).await?;
    let change = Change::begin(db, actor).await?;
    let (profile, event) = write_profile(change.txn(), organization_id, valid).await?;
    change.commit(event, profile).await
}

/// The work of [`update_profile`] inside a change that records many (an
/// import): the profile, and the audit entry to record for it.
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn replace_profile(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    patch: ProfilePatch,
) -> AppResult<(Profile, AuditEvent<'static>)> {
    let valid = check_profile(txn, actor, organization_id, patch).await?;
    write_profile(txn, organization_id, valid).await
}

/// A profile checked against the rules, ready to be written.
struct ValidProfile {
    description: Option<String>,
    default_locale: LanguageTag,
    website: Option<String>,
    year_founded: Option<i32>,
    languages: Vec<String>,
    neighborhoods: Vec<String>,
    contacts: Vec<ContactPatch>,
    translations: Vec<(String, String, String)>,
}

/// The organization exists, the actor may edit its entries, and the patch is valid.
async fn check_profile(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    patch: ProfilePatch,
) -> AppResult<ValidProfile> {
    crate::accounts::organization(db, organization_id).await?;
    policy::authorize(
        actor,
        policy::may_edit_directory_entry(actor, organization_id),
        "edit this organization's directory entries",
    )?;
    let description = optional_text(patch.description.as_deref(), "input.description", 5000)?;
    let default_locale = match patch.default_locale.as_deref() {
        Some(raw) => LanguageTag::parse(raw, "input.defaultLocale")?,
        None => LanguageTag::parse("en", "input.defaultLocale")?,
    };
    let website = web_address(patch.website.as_deref(), "input.website")?;
    let this_year = chrono::Datelike::year(&now());
    if patch
        .year_founded
        .is_some_and(|y| !(1600..=this_year).contains(&y))
    {
        return Err(AppError::bad_input(
            "input.yearFounded",
            format!("must be between 1600 and {this_year}"),
        ));
    }
    let languages: Vec<String> = language_tags(&patch.languages, "input.languages")?
        .into_iter()
        .map(|t| t.as_str().to_owned())
        .collect();
    let mut neighborhoods = Vec::new();
    for (i, n) in patch.neighborhoods.iter().enumerate() {
        let n = required_text(n, &format!("input.neighborhoods.{i}"), 200)?;
        if !neighborhoods.contains(&n) {
            neighborhoods.push(n);
        }
    }
    let contacts = patch
        .contacts
        .iter()
        .enumerate()
        .map(|(i, c)| validate_contact(c, &format!("input.contacts.{i}")))
        .collect::<AppResult<Vec<_>>>()?;
    let mut translations = Vec::new();
    for (i, (field, locale, text)) in patch.translations.iter().enumerate() {
        let path = format!("input.translations.{i}");
        if !TRANSLATABLE_FIELDS.contains(&field.as_str()) {
            return Err(AppError::bad_input(
                format!("{path}.field"),
                "must be name or description",
            ));
        }
        let locale = LanguageTag::parse(locale, &format!("{path}.locale"))?;
        translations.push((
            field.clone(),
            locale.as_str().to_owned(),
            required_text(text, &format!("{path}.text"), 5000)?,
        ));
    }
    Ok(ValidProfile {
        description,
        default_locale,
        website,
        year_founded: patch.year_founded,
        languages,
        neighborhoods,
        contacts,
        translations,
    })
}

async fn write_profile(
    txn: &impl ConnectionTrait,
    organization_id: Uuid,
    valid: ValidProfile,
) -> AppResult<(Profile, AuditEvent<'static>)> {
    let ValidProfile {
        description,
        default_locale,
        website,
        year_founded,
        languages,
        neighborhoods,
        contacts,
        translations,
    } = valid;
    let at = now();
    organization_profile::Entity::delete_by_id(organization_id)
        .exec(txn)
        .await?;
    let row = organization_profile::ActiveModel {
        organization_id: Set(organization_id),
        description: Set(description),
        default_locale: Set(default_locale.as_str().to_owned()),
        website: Set(website),
        year_founded: Set(year_founded),
        languages: Set(json!(languages).to_string()),
        neighborhoods: Set(json!(neighborhoods).to_string()),
        updated_at: Set(at),
    }
    .insert(txn)
    .await?;
    organization_contact::Entity::delete_many()
        .filter(organization_contact::Column::OrganizationId.eq(organization_id))
        .exec(txn)
        .await?;
    for contact in &contacts {
        organization_contact::ActiveModel {
            id: Set(new_id()),
            organization_id: Set(organization_id),
            kind: Set(contact.kind),
            value: Set(contact.value.clone()),
            label: Set(contact.label.clone()),
            visibility: Set(contact.visibility),
            created_at: Set(at),
        }
        .insert(txn)
        .await?;
    }
    translation::Entity::delete_many()
        .filter(translation::Column::RecordId.eq(organization_id))
        .exec(txn)
        .await?;
    for (field, locale, text) in &translations {
        translation::ActiveModel {
            id: Set(new_id()),
            record_id: Set(organization_id),
            field: Set(field.clone()),
            locale: Set(locale.clone()),
            text: Set(text.clone()),
            created_at: Set(at),
        }
        .insert(txn)
        .await?;
    }
    refresh_search_documents(txn, organization_id).await?;
    let event = AuditEvent {
        organization_id: Some(organization_id),
        action: "organization.profile_updated",
        record_type: "Organization",
        record_id: Some(organization_id),
        details: Some(json!({ "contacts": contacts.len(), "translations": translations.len() })),
    };
    Ok((decode(row), event))
}

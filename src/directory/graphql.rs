//! GraphQL types shared by the directory's parts: texts in the reader's
//! language and contact details.

use super::localize::{Localized, PreferredLanguages, choose};
use crate::error::AppError;
use crate::graphql::context::loaders;
use crate::mirror_enum;
use async_graphql::{Context, Result, SimpleObject};
use entity::organization_contact;
use uuid::Uuid;

mirror_enum! {
    /// Who may see a contact detail.
    ContactVisibility mirrors entity::enums::ContactVisibility {
        /// Anyone, including anonymous visitors.
        Public,
        /// Logged-in members of the coalition only.
        Coalition,
    }
}

mirror_enum! {
    /// What a contact detail is.
    ContactKind mirrors entity::enums::ContactKind {
        /// An email address.
        Email,
        /// A phone number.
        Phone,
        /// A postal address.
        Address,
    }
}

/// A text in the language it is written in: the best match for the languages
/// asked for (`locale` argument, else `Accept-Language`), else the default text.
#[derive(SimpleObject, Clone, Debug)]
pub struct LocalizedText {
    /// The text.
    pub text: String,
    /// BCP 47 tag of the language the text is in.
    pub language: String,
}

impl From<Localized> for LocalizedText {
    fn from(l: Localized) -> Self {
        LocalizedText {
            text: l.text,
            language: l.language,
        }
    }
}

/// A contact detail visible to the viewer.
#[derive(SimpleObject, Clone, Debug)]
pub struct Contact {
    /// What it is.
    pub kind: ContactKind,
    /// The address or number.
    pub value: String,
    /// E.g. "Front desk".
    pub label: Option<String>,
    /// Who may see it.
    pub visibility: ContactVisibility,
}

impl From<organization_contact::Model> for Contact {
    fn from(c: organization_contact::Model) -> Self {
        Contact {
            kind: c.kind.into(),
            value: c.value,
            label: c.label,
            visibility: c.visibility.into(),
        }
    }
}

/// The languages to answer in: the `locale` argument, else those inherited
/// from the enclosing query, else the request's `Accept-Language`.
pub fn preferred(
    ctx: &Context<'_>,
    locale: Option<String>,
    inherited: &PreferredLanguages,
) -> PreferredLanguages {
    if let Some(locale) = locale.filter(|l| !l.trim().is_empty()) {
        return PreferredLanguages(vec![locale]);
    }
    if !inherited.0.is_empty() {
        return inherited.clone();
    }
    ctx.data::<PreferredLanguages>()
        .cloned()
        .unwrap_or_default()
}

/// The best text of `field` of record `record_id` (translations through the
/// request's loader), or `None` when the default text is `None`.
pub async fn localized(
    ctx: &Context<'_>,
    record_id: Uuid,
    field: &str,
    default: (&str, Option<&str>),
    languages: &PreferredLanguages,
) -> Result<Option<LocalizedText>> {
    let (default_language, Some(default_text)) = default else {
        return Ok(None);
    };
    let translations = loaders(ctx)?
        .directory
        .translations
        .load_one(record_id)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .unwrap_or_default();
    let candidates: Vec<(&str, &str)> = translations
        .iter()
        .filter(|t| t.field == field)
        .map(|t| (t.locale.as_str(), t.text.as_str()))
        .collect();
    Ok(Some(
        choose(languages, (default_language, default_text), &candidates).into(),
    ))
}

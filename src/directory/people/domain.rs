//! Input values of the people directory, parsed once at the edge: language
//! tags, expertise terms, time zones, seat counts, free texts and contact
//! values. Each parser takes the input field's name so that errors point at it.

use crate::domain::Email;
use crate::error::{AppError, AppResult};
use entity::enums::ContactKind;

pub use crate::domain::LanguageTag;

/// An area of expertise: a short phrase such as `immigration law`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExpertiseTerm(String);

impl ExpertiseTerm {
    /// Accepts 1 to 80 characters once trimmed, inner runs of whitespace
    /// collapsed to one space, without control characters.
    pub fn parse(raw: &str, field: &str) -> AppResult<Self> {
        let term = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if term.is_empty() {
            return Err(AppError::bad_input(field, "must not be empty"));
        }
        if term.chars().count() > 80 || term.chars().any(char::is_control) {
            return Err(AppError::bad_input(
                field,
                "must be at most 80 characters without control characters",
            ));
        }
        Ok(ExpertiseTerm(term))
    }

    /// The term.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a list of language tags, dropping duplicates, in sorted order;
/// errors name the item (`input.languages.2`).
pub fn language_list(raw: &[String], field: &str) -> AppResult<Vec<LanguageTag>> {
    let mut tags = crate::domain::language_tags(raw, field)?;
    tags.sort();
    Ok(tags)
}

/// Parses a list of expertise terms, dropping duplicates (ignoring case).
pub fn expertise_list(raw: &[String], field: &str) -> AppResult<Vec<ExpertiseTerm>> {
    let mut terms: Vec<ExpertiseTerm> = Vec::new();
    for (i, t) in raw.iter().enumerate() {
        let term = ExpertiseTerm::parse(t, &format!("{field}.{i}"))?;
        if !terms.iter().any(|k| k.0.eq_ignore_ascii_case(&term.0)) {
            terms.push(term);
        }
    }
    if terms.len() > 30 {
        return Err(AppError::bad_input(field, "at most 30 areas of expertise"));
    }
    Ok(terms)
}

/// An IANA time zone name, checked against the tz database (`America/New_York`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeZone(chrono_tz::Tz);

impl TimeZone {
    /// Accepts any name of the IANA tz database.
    pub fn parse(raw: &str, field: &str) -> AppResult<Self> {
        raw.trim()
            .parse::<chrono_tz::Tz>()
            .map(TimeZone)
            .map_err(|_| {
                AppError::bad_input(
                    field,
                    "must be an IANA time zone name such as America/New_York",
                )
            })
    }

    /// The canonical name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

/// Most seats a body may have.
pub const MAX_SEATS: i32 = 500;

/// The number of voting seats of a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seats(i32);

impl Seats {
    /// Accepts 1 to [`MAX_SEATS`].
    pub fn parse(raw: i32, field: &str) -> AppResult<Self> {
        if (1..=MAX_SEATS).contains(&raw) {
            Ok(Seats(raw))
        } else {
            Err(AppError::bad_input(
                field,
                format!("must be between 1 and {MAX_SEATS}"),
            ))
        }
    }

    /// The count.
    pub fn get(self) -> i32 {
        self.0
    }
}

/// A trimmed free text (a description, a bio) of bounded length; may be empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    /// Accepts up to `max` characters once trimmed; line breaks are kept,
    /// other control characters refused.
    pub fn parse(raw: &str, field: &str, max: usize) -> AppResult<Self> {
        let text = raw.trim();
        if text.chars().count() > max {
            return Err(AppError::bad_input(
                field,
                format!("must be at most {max} characters"),
            ));
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(AppError::bad_input(
                field,
                "must not contain control characters",
            ));
        }
        Ok(Text(text.to_owned()))
    }

    /// The text, `None` when it is empty (an optional field cleared).
    pub fn non_empty(self) -> Option<String> {
        (!self.0.is_empty()).then_some(self.0)
    }

    /// The text.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A contact value checked against its kind: an email address, a phone
/// number, or a postal address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactValue(String);

impl ContactValue {
    /// Emails as in accounts; phone numbers of 7 to 15 digits with `+`,
    /// spaces, dots, dashes and parentheses; addresses of 1 to 500 characters.
    pub fn parse(kind: ContactKind, raw: &str, field: &str) -> AppResult<Self> {
        match kind {
            ContactKind::Email => Ok(ContactValue(Email::parse(raw, field)?.as_str().to_owned())),
            ContactKind::Phone => {
                let phone = raw.trim();
                let digits = phone.chars().filter(char::is_ascii_digit).count();
                let allowed = phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
                if allowed && (7..=15).contains(&digits) {
                    Ok(ContactValue(phone.to_owned()))
                } else {
                    Err(AppError::bad_input(
                        field,
                        "must be a phone number such as +1 555 010 0199",
                    ))
                }
            }
            ContactKind::Address => {
                let address = Text::parse(raw, field, 500)?.into_string();
                if address.is_empty() {
                    Err(AppError::bad_input(field, "must not be empty"))
                } else {
                    Ok(ContactValue(address))
                }
            }
        }
    }

    /// The value.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_tag_takes_its_conventional_case() {
        for (raw, tag) in [
            ("ES", "es"),
            ("pt-br", "pt-BR"),
            (" zh_hant ", "zh-Hant"),
            ("es-419", "es-419"),
            ("prs", "prs"),
        ] {
            assert_eq!(LanguageTag::parse(raw, "l").unwrap().as_str(), tag);
        }
    }

    #[test]
    fn free_text_is_not_a_language_tag() {
        for raw in [
            "Spanish",
            "e",
            "",
            "es-",
            "es--MX",
            "es-toolongsubtag",
            "1a",
        ] {
            let err = LanguageTag::parse(raw, "input.languages.0").unwrap_err();
            assert!(
                matches!(err, AppError::BadInput { ref field, .. } if field == "input.languages.0"),
                "{raw}"
            );
        }
    }

    #[test]
    fn duplicate_languages_and_expertise_collapse() {
        let tags = language_list(&["es".into(), "ES".into(), "ar".into()], "l").unwrap();
        assert_eq!(tags.len(), 2);
        let terms = expertise_list(&["Housing".into(), " housing ".into()], "e").unwrap();
        assert_eq!(terms.len(), 1);
    }

    #[test]
    fn an_unknown_time_zone_is_rejected() {
        assert_eq!(
            TimeZone::parse("America/New_York", "t").unwrap().name(),
            "America/New_York"
        );
        assert!(TimeZone::parse("Eastern", "t").is_err());
    }

    #[test]
    fn a_body_has_at_least_one_seat() {
        assert!(Seats::parse(0, "input.seats").is_err());
        assert_eq!(Seats::parse(11, "input.seats").unwrap().get(), 11);
    }

    #[test]
    fn a_contact_value_must_fit_its_kind() {
        assert!(ContactValue::parse(ContactKind::Phone, "+1 (555) 010-0199", "v").is_ok());
        assert!(ContactValue::parse(ContactKind::Phone, "call me", "v").is_err());
        assert!(ContactValue::parse(ContactKind::Email, "not-an-email", "v").is_err());
        assert!(ContactValue::parse(ContactKind::Address, "  ", "v").is_err());
    }
}

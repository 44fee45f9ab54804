//! Values every domain parses once at the edge ("parse, don't validate"): a
//! service that receives an [`Email`] knows it is well formed. Each parser
//! takes the input field's name so that the error points at it. Values only
//! one domain uses live in that domain's own `domain.rs`.

use crate::error::{AppError, AppResult};
use regex::{Regex, RegexBuilder};
use std::sync::LazyLock;

/// A lowercased, trimmed email address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` of at most 320 characters, without spaces.
    pub fn parse(raw: &str, field: &str) -> AppResult<Self> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 320
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Email(email))
        } else {
            Err(AppError::bad_input(
                field,
                "must be an email address such as name@example.org",
            ))
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A URL-friendly identifier: lowercase letters, digits and inner hyphens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    /// Accepts 2 to 64 characters of `a-z`, `0-9` and `-`, not starting or ending with `-`.
    pub fn parse(raw: &str, field: &str) -> AppResult<Self> {
        let valid = (2..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if valid {
            Ok(Slug(raw.to_owned()))
        } else {
            Err(AppError::bad_input(
                field,
                "must be 2 to 64 lowercase letters, digits or inner hyphens, e.g. riverside-library",
            ))
        }
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A trimmed human-readable name (of an organization, a user or an API key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    /// Accepts 1 to 200 characters after trimming, without control characters.
    pub fn parse(raw: &str, field: &str) -> AppResult<Self> {
        let name = raw.trim();
        let length = name.chars().count();
        if length == 0 {
            return Err(AppError::bad_input(field, "must not be empty"));
        }
        if length > 200 {
            return Err(AppError::bad_input(field, "must be at most 200 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(AppError::bad_input(
                field,
                "must not contain control characters",
            ));
        }
        if name.chars().any(crate::domain::is_bidi_control) {
            return Err(AppError::bad_input(
                field,
                "must not contain characters that override the direction of text",
            ));
        }
        Ok(Name(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageTag(String);

impl LanguageTag {
    /// Accepts a 2–3 letter language subtag followed by optional subtags of 1–8
    /// letters or digits; normalises case the way BCP 47 recommends.
    pub fn parse(raw: &str, field: &str) -> AppResult<Self> {
        let invalid = || {
            AppError::bad_input(
                field,
                format!("{raw:?} is not a language tag such as es, ar or pt-BR"),
            )
        };
        if raw.trim().len() > 35 {
            return Err(invalid());
        }
        let mut parts = raw.trim().split(['-', '_']);
        let primary = parts.next().ok_or_else(invalid)?;
        if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(invalid());
        }
        let mut tag = primary.to_ascii_lowercase();
        for part in parts {
            if !(1..=8).contains(&part.len()) || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(invalid());
            }
            let canonical = match part.len() {
                2 if part.bytes().all(|b| b.is_ascii_alphabetic()) => part.to_ascii_uppercase(),
                4 if part.bytes().all(|b| b.is_ascii_alphabetic()) => {
                    let lower = part.to_ascii_lowercase();
                    lower[..1].to_ascii_uppercase() + &lower[1..]
                }
                _ => part.to_ascii_lowercase(),
            };
            tag.push('-');
            tag.push_str(&canonical);
        }
        Ok(LanguageTag(tag))
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag (`pt` for `pt-BR`).
    pub fn primary(&self) -> &str {
        primary_language(&self.0)
    }
}

/// The primary subtag of a tag (`pt` for `pt-BR`).
pub fn primary_language(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// Parses a list of tags, removing duplicates, naming `field[index]` in errors.
pub fn language_tags(raw: &[String], field: &str) -> AppResult<Vec<LanguageTag>> {
    let mut tags = Vec::with_capacity(raw.len());
    for (i, tag) in raw.iter().enumerate() {
        let tag = LanguageTag::parse(tag, &format!("{field}.{i}"))?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Ok(tags)
}

/// Trimmed free text of at most `max` characters; `None` when blank.
pub fn optional_text(raw: Option<&str>, field: &str, max: usize) -> AppResult<Option<String>> {
    match raw.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) if text.chars().count() > max => Err(AppError::bad_input(
            field,
            format!("must be at most {max} characters"),
        )),
        Some(text) => Ok(Some(text.to_owned())),
    }
}

/// Trimmed free text of 1 to `max` characters.
pub fn required_text(raw: &str, field: &str, max: usize) -> AppResult<String> {
    optional_text(Some(raw), field, max)?
        .ok_or_else(|| AppError::bad_input(field, "must not be empty"))
}

/// Whether `c` overrides or isolates the direction of text (U+202A–U+202E,
/// U+2066–U+2069): in a name it can make one name display as another.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A name (of a person, a service, a place): trimmed text of 1 to `max`
/// characters without direction overrides.
pub fn name_text(raw: &str, field: &str, max: usize) -> AppResult<String> {
    let name = required_text(raw, field, max)?;
    if name.chars().any(is_bidi_control) {
        return Err(AppError::bad_input(
            field,
            "must not contain characters that override the direction of text",
        ));
    }
    Ok(name)
}

/// An `http://` or `https://` address.
pub fn web_address(raw: Option<&str>, field: &str) -> AppResult<Option<String>> {
    let Some(url) = optional_text(raw, field, 500)? else {
        return Ok(None);
    };
    let valid = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.chars().any(char::is_whitespace);
    if valid {
        Ok(Some(url))
    } else {
        Err(AppError::bad_input(
            field,
            "must be a web address starting with https://",
        ))
    }
}

/// Patterns of numbers that identify a person to an authority, with what
/// each is: a person's record in the referral network must never hold one
/// (README, "Privacy rules"). Matched case-insensitively.
static DOCUMENT_NUMBERS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        // A-number: "A123456789", "A-123-456-789", "A# 12345678", "A-number 123456789".
        (
            r"\b(?:alien\s+(?:registration\s+)?number|a(?:[\s#:.-]*(?:number|no\.?))?)[\s#:.-]*\d{2,3}[\s.-]?\d{3}[\s.-]?\d{3}\b",
            "an alien registration number (A-number)",
        ),
        // Social Security or taxpayer number: "123-45-6789", "123456789".
        (
            r"\b\d{3}[\s.-]\d{2}[\s.-]\d{4}\b|\b\d{9}\b",
            "a Social Security or taxpayer identification number",
        ),
        // USCIS case receipt: three letters of the service center and ten digits.
        (
            r"\b(?:eac|wac|lin|src|nbc|msc|ioe|ysc)\d{10}\b",
            "an immigration case receipt number",
        ),
        // I-94 arrival record: eleven digits after its name.
        (r"\bi-?94\b\D{0,20}\d{11}\b", "an I-94 admission number"),
        // Passports and similar cards: a letter or two and seven or eight
        // digits, or any 6 to 9 letters and digits after the word "passport".
        (
            r"\b[a-z]{1,2}\d{7,8}\b|\bpassport\b\W{0,3}(?:n(?:o|umber)\.?\W{0,3})?[a-z0-9]{6,9}\b",
            "a passport or identity card number",
        ),
    ]
    .into_iter()
    .filter_map(|(pattern, what)| {
        RegexBuilder::new(pattern)
            .case_insensitive(true)
            .build()
            .ok()
            .map(|re| (re, what))
    })
    .collect()
});

/// What kind of document number `text` seems to hold, if any.
pub fn document_number_in(text: &str) -> Option<&'static str> {
    DOCUMENT_NUMBERS
        .iter()
        .find(|(re, _)| re.is_match(text))
        .map(|(_, what)| *what)
}

/// `BAD_USER_INPUT` at `field` when free text about a person (a client's
/// name, contact or needs, a referral's reason, a note) holds something that
/// looks like an identity or immigration document number, saying which kind.
pub fn refuse_document_numbers(text: &str, field: &str) -> AppResult<()> {
    match document_number_in(text) {
        None => Ok(()),
        Some(what) => Err(AppError::bad_input(
            field,
            format!(
                "looks like {what}: the network keeps no identity or immigration document \
                 numbers about a person, so leave it out"
            ),
        )),
    }
}

/// [`optional_text`] about a person, without document numbers.
pub fn personal_text(raw: Option<&str>, field: &str, max: usize) -> AppResult<Option<String>> {
    let text = optional_text(raw, field, max)?;
    if let Some(text) = &text {
        refuse_document_numbers(text, field)?;
    }
    Ok(text)
}

/// [`personal_text`] that must not be blank.
pub fn required_personal_text(raw: &str, field: &str, max: usize) -> AppResult<String> {
    personal_text(Some(raw), field, max)?
        .ok_or_else(|| AppError::bad_input(field, "must not be empty"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Ana@Example.ORG ", "e").unwrap().as_str(),
            "ana@example.org"
        );
    }

    #[test]
    fn an_email_without_a_domain_is_rejected_naming_the_field() {
        for raw in [
            "ana",
            "ana@",
            "@example.org",
            "ana@localhost",
            "a b@example.org",
            "a@b@c.org",
        ] {
            let err = Email::parse(raw, "input.email").unwrap_err();
            assert!(
                matches!(err, AppError::BadInput { ref field, .. } if field == "input.email"),
                "{raw}"
            );
        }
    }

    #[test]
    fn a_slug_with_uppercase_or_edge_hyphens_is_rejected() {
        assert!(Slug::parse("riverside-library", "s").is_ok());
        for raw in ["Riverside", "-x", "x-", "a", "has space", "ünï"] {
            assert!(Slug::parse(raw, "s").is_err(), "{raw}");
        }
    }

    #[test]
    fn a_blank_name_is_rejected_and_a_padded_one_trimmed() {
        assert!(Name::parse("   ", "n").is_err());
        assert_eq!(
            Name::parse("  Legal Aid ", "n").unwrap().as_str(),
            "Legal Aid"
        );
        assert!(Name::parse(&"x".repeat(201), "n").is_err());
    }

    #[test]
    fn language_tags_are_put_in_canonical_case() {
        assert_eq!(LanguageTag::parse("PT-br", "l").unwrap().as_str(), "pt-BR");
        assert_eq!(
            LanguageTag::parse("zh-hant", "l").unwrap().as_str(),
            "zh-Hant"
        );
        assert_eq!(
            LanguageTag::parse("es_419", "l").unwrap().as_str(),
            "es-419"
        );
        assert_eq!(LanguageTag::parse("pt-BR", "l").unwrap().primary(), "pt");
    }

    #[test]
    fn things_that_are_not_language_tags_are_rejected() {
        for raw in ["", "e", "english", "es-", "12", "es-toolongsubtag"] {
            assert!(LanguageTag::parse(raw, "l").is_err(), "{raw}");
        }
    }

    #[test]
    fn a_web_address_needs_a_scheme() {
        assert!(web_address(Some("library.example.org"), "w").is_err());
        assert_eq!(
            web_address(Some(" https://x.org "), "w")
                .unwrap()
                .as_deref(),
            Some("https://x.org")
        );
        assert_eq!(web_address(Some("  "), "w").unwrap(), None);
    }

    #[test]
    fn document_numbers_are_recognised_in_the_forms_people_write_them() {
        for text in [
            "A123456789",
            "A-123-456-789",
            "a 123 456 789",
            "A# 12345678",
            "A-number 123456789",
            "alien registration number 123-456-789",
            "SSN 123-45-6789",
            "her number is 123456789",
            "receipt EAC2190012345",
            "I-94 no. 12345678901",
            "passport X1234567",
            "Passport number: 5123XK98",
            "card AB12345678",
        ] {
            assert!(document_number_in(text).is_some(), "{text}");
        }
    }

    #[test]
    fn phone_numbers_dates_and_plain_words_are_not_document_numbers() {
        for text in [
            "Her cell is 860-555-0100; evenings only",
            "(860) 555-0100",
            "+1 860 555 0100",
            "18605550100",
            "appointment on 2026-03-14 at 10:30",
            "a family of 5, 3 children",
            "Asylum interview preparation",
            "Room 1204, building A",
        ] {
            assert_eq!(document_number_in(text), None, "{text}");
        }
    }

    #[test]
    fn a_document_number_is_refused_naming_the_field_and_why() {
        let err = personal_text(Some("A-number 123456789"), "input.displayName", 100).unwrap_err();
        match err {
            AppError::BadInput { field, message } => {
                assert_eq!(field, "input.displayName");
                assert!(message.contains("A-number"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}

//! Input values of the directory, parsed once at the edge: language tags,
//! clock times, web addresses, free texts.

use crate::error::{AppError, AppResult};

/// A BCP 47 language tag in canonical case (`es`, `pt-BR`, `zh-Hant`).
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

/// A time of day as `HH:MM` (24-hour clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(u16);

impl ClockTime {
    /// Accepts `H:MM` or `HH:MM`, 00:00 to 24:00 (24:00 closes at midnight).
    pub fn parse(raw: &str, field: &str) -> AppResult<Self> {
        let invalid = || {
            AppError::bad_input(
                field,
                format!("{raw:?} is not a time such as 09:30 or 17:00"),
            )
        };
        let (h, m) = raw.trim().split_once(':').ok_or_else(invalid)?;
        let (h, m): (u16, u16) = (
            h.parse().map_err(|_| invalid())?,
            m.parse().map_err(|_| invalid())?,
        );
        if m.to_string().len() > 2 || m >= 60 || h > 24 || (h == 24 && m > 0) {
            return Err(invalid());
        }
        Ok(ClockTime(h * 60 + m))
    }

    /// The time as stored: zero-padded `HH:MM`, which sorts like the time itself.
    pub fn stored(&self) -> String {
        format!("{:02}:{:02}", self.0 / 60, self.0 % 60)
    }

    /// A time of a day.
    pub fn of(time: chrono::NaiveTime) -> Self {
        use chrono::Timelike;
        ClockTime((time.hour() * 60 + time.minute()) as u16)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn clock_times_parse_and_store_zero_padded() {
        assert_eq!(ClockTime::parse("9:05", "t").unwrap().stored(), "09:05");
        assert_eq!(ClockTime::parse("24:00", "t").unwrap().stored(), "24:00");
        for raw in ["25:00", "9", "09:60", "ab:cd", "24:01"] {
            assert!(ClockTime::parse(raw, "t").is_err(), "{raw}");
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
}

//! Input values parsed once at the edge ("parse, don't validate"): a service
//! that receives an [`Email`] knows it is well formed. Each parser takes the
//! input field's name so that the error points at it.

use crate::error::{AppError, AppResult};

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
        if name.chars().any(crate::directory::domain::is_bidi_control) {
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

/// A password chosen by its owner. Never logged, never stored in clear.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;

impl Password {
    /// Accepts 12 to 256 characters; length is what makes a password strong.
    pub fn parse(raw: &str, field: &str) -> AppResult<Self> {
        let length = raw.chars().count();
        if length < MIN_PASSWORD_CHARS {
            return Err(AppError::bad_input(
                field,
                format!("must be at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        if length > 256 {
            return Err(AppError::bad_input(field, "must be at most 256 characters"));
        }
        Ok(Password(raw.to_owned()))
    }

    /// The password, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
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
    fn a_password_shorter_than_twelve_characters_is_rejected() {
        assert!(Password::parse("short-pass1", "p").is_err());
        assert!(Password::parse("long-enough-pw", "p").is_ok());
    }

    #[test]
    fn a_password_never_prints() {
        let password = Password::parse("correct horse battery", "p").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}

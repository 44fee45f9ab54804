//! Account values parsed once at the edge: a password that is never printed.

use crate::error::{AppError, AppResult};

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

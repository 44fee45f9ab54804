//! Input values of the directory's services, parsed once at the edge: clock
//! times of opening hours.

use crate::error::{AppError, AppResult};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_parse_and_store_zero_padded() {
        assert_eq!(ClockTime::parse("9:05", "t").unwrap().stored(), "09:05");
        assert_eq!(ClockTime::parse("24:00", "t").unwrap().stored(), "24:00");
        for raw in ["25:00", "9", "09:60", "ab:cd", "24:01"] {
            assert!(ClockTime::parse(raw, "t").is_err(), "{raw}");
        }
    }
}

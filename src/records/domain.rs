//! Input values of the records, parsed once at the edge: meeting times (with
//! an offset, or local to the body's time zone) and document links. Each
//! parser takes the input field's name so that errors point at it.

use crate::error::{AppError, AppResult};
use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, SecondsFormat, SubsecRound, TimeZone, Utc,
};
use chrono_tz::Tz;

/// The longest a meeting may last.
const MAX_MEETING_HOURS: i64 = 24;

/// The time zone a body or meeting keeps, falling back to UTC for a name the
/// tz database no longer knows (names are validated when bodies are saved).
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// The date a meeting falls on where it is held: membership on that date
/// decides who may attend and vote.
pub fn local_date(at: DateTime<Utc>, zone_name: &str) -> NaiveDate {
    at.with_timezone(&zone(zone_name)).date_naive()
}

/// An instant in the local time of `zone_name`, RFC 3339 with the offset
/// (`2026-12-10T18:00:00-05:00`): how meetings are shown.
pub fn local_time(at: DateTime<Utc>, zone_name: &str) -> String {
    at.with_timezone(&zone(zone_name))
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A meeting time: RFC 3339 with an offset (`2026-12-10T18:00:00-05:00`,
/// `…Z`) or a local time without offset (`2026-12-10T18:00`), read in the
/// body's time zone. A local time that the clocks skip or repeat (daylight
/// saving changes) is refused: the clerk must give the offset.
pub fn meeting_time(raw: &str, zone_name: &str, field: &str) -> AppResult<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc).trunc_subsecs(0));
    }
    let local = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok())
        .ok_or_else(|| {
            AppError::bad_input(
                field,
                "must be a date and time such as 2026-12-10T18:00 (local) or 2026-12-10T18:00:00-05:00",
            )
        })?;
    match zone(zone_name).from_local_datetime(&local) {
        LocalResult::Single(at) => Ok(at.with_timezone(&Utc).trunc_subsecs(0)),
        LocalResult::Ambiguous(..) => Err(AppError::bad_input(
            field,
            format!("{local} happens twice in {zone_name} (clocks go back): give the offset"),
        )),
        LocalResult::None => Err(AppError::bad_input(
            field,
            format!("{local} does not exist in {zone_name} (clocks go forward)"),
        )),
    }
}

/// Checks that a meeting ends after it starts and lasts at most a day.
pub fn meeting_span(starts: DateTime<Utc>, ends: DateTime<Utc>, field: &str) -> AppResult<()> {
    if ends <= starts {
        return Err(AppError::bad_input(field, "must be after the start"));
    }
    if ends - starts > chrono::Duration::hours(MAX_MEETING_HOURS) {
        return Err(AppError::bad_input(
            field,
            format!("a meeting lasts at most {MAX_MEETING_HOURS} hours"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_time_is_read_in_the_body_s_zone() {
        let at = meeting_time("2026-12-10T18:00", "America/New_York", "t").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-10T23:00:00+00:00");
        let summer = meeting_time("2026-07-10T18:00", "America/New_York", "t").unwrap();
        assert_eq!(summer.to_rfc3339(), "2026-07-10T22:00:00+00:00");
        let offset = meeting_time("2026-12-10T18:00:00-05:00", "Europe/Paris", "t").unwrap();
        assert_eq!(offset, at);
    }

    #[test]
    fn times_the_clocks_skip_or_repeat_need_an_offset() {
        let skipped = meeting_time("2026-03-08T02:30", "America/New_York", "input.startsAt");
        assert!(
            matches!(skipped, Err(AppError::BadInput { field, .. }) if field == "input.startsAt")
        );
        assert!(meeting_time("2026-11-01T01:30", "America/New_York", "t").is_err());
        assert!(meeting_time("next tuesday", "America/New_York", "t").is_err());
    }

    #[test]
    fn the_meeting_date_is_the_local_date() {
        let late_evening = meeting_time("2026-12-10T23:30", "America/New_York", "t").unwrap();
        assert_eq!(
            local_date(late_evening, "America/New_York"),
            NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
        );
    }

    #[test]
    fn a_meeting_ends_after_it_starts_and_within_a_day() {
        let start = meeting_time("2026-12-10T18:00", "UTC", "t").unwrap();
        assert!(meeting_span(start, start, "e").is_err());
        assert!(meeting_span(start, start + chrono::Duration::hours(25), "e").is_err());
        assert!(meeting_span(start, start + chrono::Duration::hours(2), "e").is_ok());
    }
}

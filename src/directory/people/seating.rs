//! Who sits on a body when: the seating of a membership on a date (a term
//! that has started and not been vacated, or a holdover the body keeps until
//! a successor starts), "today" in the body's time zone, the rosters of
//! bodies on given dates, and their vacant voting seats. These read without
//! policy: callers check first that their actor may see the body.

use crate::error::{AppError, AppResult};
use crate::pagination::{Cursor, Keyed};
use chrono::{NaiveDate, Utc};
use entity::body_membership::Post;
use entity::{body, body_membership, person};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

crate::pagination::keyed_by_creation!(body_membership::Model);

/// Whether a membership holds its place on a given date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Seating {
    /// The person sits on the body that day.
    pub seated: bool,
    /// Seated although the term has ended: a holdover until replaced.
    pub holdover: bool,
}

/// The seating of membership `m` on date `on`, for a body that does or does
/// not allow holdovers, given when the membership replacing it (if any) starts.
///
/// Seated when it has started, has not been vacated by `on`, and either its
/// term runs through `on` or, the term being over, the body keeps members
/// until they are replaced and no successor has started.
pub fn seating(
    m: &body_membership::Model,
    holdovers_allowed: bool,
    successor_start: Option<NaiveDate>,
    on: NaiveDate,
) -> Seating {
    let started = m.start_date <= on;
    let vacated = m.ended_on.is_some_and(|ended| ended <= on);
    if !started || vacated {
        return Seating::default();
    }
    match m.end_date {
        Some(end) if end < on => {
            let replaced = successor_start.is_some_and(|start| start <= on);
            let holdover = holdovers_allowed && !replaced;
            Seating {
                seated: holdover,
                holdover,
            }
        }
        _ => Seating {
            seated: true,
            holdover: false,
        },
    }
}

/// Today's date where the body meets: a term ending "on the 30th" ends at
/// midnight in the body's time zone, not in UTC.
pub fn today_at(body: &body::Model) -> NaiveDate {
    match body.time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => Utc::now().with_timezone(&tz).date_naive(),
        // Names are validated on the way in; a name the tz database later
        // dropped falls back to UTC rather than failing every read.
        Err(_) => Utc::now().date_naive(),
    }
}

/// A membership with where it stands today.
#[derive(Clone, Debug, PartialEq)]
pub struct MembershipView {
    /// The stored row.
    pub membership: body_membership::Model,
    /// Its seating today, in the body's time zone.
    pub seating: Seating,
}

impl Keyed for MembershipView {
    fn cursor(&self) -> Cursor {
        self.membership.cursor()
    }
}

/// One person sitting on a body on a given date.
#[derive(Clone, Debug, PartialEq)]
pub struct SeatedMember {
    /// The membership that seats them.
    pub membership: body_membership::Model,
    /// The person.
    pub person: person::Model,
    /// Whether they sit as a holdover (term over, not yet replaced).
    pub holdover: bool,
}

/// Order of posts in a roster: officers first, non-voting places last.
fn post_rank(post: Post) -> u8 {
    match post {
        Post::Chair => 0,
        Post::ViceChair => 1,
        Post::Secretary => 2,
        Post::Member => 3,
        Post::ExOfficio => 4,
        Post::StaffLiaison => 5,
    }
}

/// The memberships seated on each of `bodies`, each body on its own date
/// (`on(body)`), in roster order. Two statements whatever the number of bodies.
#[tracing::instrument(skip_all, fields(bodies = body_ids.len()))]
pub async fn seated_by_body(
    db: &impl ConnectionTrait,
    body_ids: &[Uuid],
    on: impl Fn(&body::Model) -> NaiveDate,
) -> AppResult<HashMap<Uuid, Vec<MembershipView>>> {
    let bodies = body::Entity::find()
        .filter(body::Column::Id.is_in(body_ids.iter().copied()))
        .all(db)
        .await?;
    let asked: Vec<(Uuid, &body::Model, NaiveDate)> =
        bodies.iter().map(|b| (b.id, b, on(b))).collect();
    seated_for(db, &asked).await
}

/// For each `(key, body, date)` asked, the memberships seated on that body
/// that day, in roster order (officers first), under the key. One statement
/// whatever the number asked: a body asked about on several dates (its
/// meetings) costs no more than one date.
#[tracing::instrument(skip_all, fields(asked = asked.len()))]
pub async fn seated_for(
    db: &impl ConnectionTrait,
    asked: &[(Uuid, &body::Model, NaiveDate)],
) -> AppResult<HashMap<Uuid, Vec<MembershipView>>> {
    let Some(latest) = asked.iter().map(|(_, _, date)| *date).max() else {
        return Ok(HashMap::new());
    };
    // Every row that started by the latest date: the candidates and the
    // successors that may have replaced them.
    let body_ids: HashSet<Uuid> = asked.iter().map(|(_, b, _)| b.id).collect();
    let rows = body_membership::Entity::find()
        .filter(body_membership::Column::BodyId.is_in(body_ids))
        .filter(body_membership::Column::StartDate.lte(latest))
        .order_by_asc(body_membership::Column::StartDate)
        .order_by_asc(body_membership::Column::Id)
        .all(db)
        .await?;
    let successors: HashMap<Uuid, NaiveDate> = rows
        .iter()
        .filter_map(|r| r.replaces_membership_id.map(|old| (old, r.start_date)))
        .collect();
    Ok(asked
        .iter()
        .map(|(key, body, date)| {
            let mut seated: Vec<MembershipView> = rows
                .iter()
                .filter(|r| r.body_id == body.id)
                .filter_map(|r| {
                    let seating = seating(
                        r,
                        body.holdovers_allowed,
                        successors.get(&r.id).copied(),
                        *date,
                    );
                    seating.seated.then(|| MembershipView {
                        membership: r.clone(),
                        seating,
                    })
                })
                .collect();
            seated.sort_by_key(|v| (post_rank(v.membership.post), v.membership.start_date));
            (*key, seated)
        })
        .collect())
}

/// Who sits on body `body_id` on date `on`, with their person and whether
/// they sit as a holdover, officers first.
///
/// **No policy check**: for other services (meeting attendance, quorum) to
/// call once they have checked that their actor may see the body.
#[tracing::instrument(skip_all, fields(body = %body_id))]
pub async fn seated_on(
    db: &impl ConnectionTrait,
    body_id: Uuid,
    on: NaiveDate,
) -> AppResult<Vec<SeatedMember>> {
    let views = seated_by_body(db, &[body_id], |_| on)
        .await?
        .remove(&body_id)
        .unwrap_or_default();
    let people: HashMap<Uuid, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(views.iter().map(|v| v.membership.person_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    views
        .into_iter()
        .map(|v| {
            let person = people
                .get(&v.membership.person_id)
                .cloned()
                .ok_or_else(|| AppError::Internal("membership without person".into()));
            person.map(|person| SeatedMember {
                holdover: v.seating.holdover,
                membership: v.membership,
                person,
            })
        })
        .collect()
}

/// Vacant voting seats of a body given who sits today: never below zero
/// (a body whose seats were reduced can briefly hold more members).
pub fn vacancies(body: &body::Model, seated: &[MembershipView]) -> i32 {
    let held = seated
        .iter()
        .filter(|v| v.membership.post.holds_seat())
        .count();
    Ord::max(body.seats - i32::try_from(held).unwrap_or(i32::MAX), 0)
}

/// The memberships with their seating today, each in its body's time zone.
/// Two statements whatever the number of memberships.
#[tracing::instrument(skip_all, fields(memberships = memberships.len()))]
pub async fn with_seating(
    db: &impl ConnectionTrait,
    memberships: Vec<body_membership::Model>,
) -> AppResult<Vec<MembershipView>> {
    if memberships.is_empty() {
        return Ok(Vec::new());
    }
    let body_ids: HashSet<Uuid> = memberships.iter().map(|m| m.body_id).collect();
    let bodies: HashMap<Uuid, body::Model> = body::Entity::find()
        .filter(body::Column::Id.is_in(body_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let successors: HashMap<Uuid, NaiveDate> = body_membership::Entity::find()
        .filter(
            body_membership::Column::ReplacesMembershipId.is_in(memberships.iter().map(|m| m.id)),
        )
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| s.replaces_membership_id.map(|old| (old, s.start_date)))
        .collect();
    memberships
        .into_iter()
        .map(|m| {
            let body = bodies
                .get(&m.body_id)
                .ok_or_else(|| AppError::Internal("membership without body".into()))?;
            let seating = seating(
                &m,
                body.holdovers_allowed,
                successors.get(&m.id).copied(),
                today_at(body),
            );
            Ok(MembershipView {
                membership: m,
                seating,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::now;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn term(start: &str, end: Option<&str>, ended_on: Option<&str>) -> body_membership::Model {
        body_membership::Model {
            id: Uuid::now_v7(),
            body_id: Uuid::now_v7(),
            person_id: Uuid::now_v7(),
            post: Post::Member,
            organization_id: None,
            start_date: date(start),
            end_date: end.map(date),
            ended_on: ended_on.map(date),
            appointed_by: "Mayor".into(),
            replaces_membership_id: None,
            created_at: now(),
            updated_at: now(),
        }
    }

    #[test]
    fn a_term_seats_its_member_from_its_first_to_its_last_day() {
        let m = term("2025-01-01", Some("2025-12-31"), None);
        assert!(!seating(&m, false, None, date("2024-12-31")).seated);
        assert!(seating(&m, false, None, date("2025-01-01")).seated);
        assert!(seating(&m, false, None, date("2025-12-31")).seated);
        assert!(!seating(&m, false, None, date("2026-01-01")).seated);
    }

    #[test]
    fn an_ended_term_holds_over_until_a_successor_starts_when_the_body_allows() {
        let m = term("2022-01-01", Some("2024-12-31"), None);
        let on = date("2025-06-01");
        assert_eq!(
            seating(&m, true, None, on),
            Seating {
                seated: true,
                holdover: true
            }
        );
        assert!(seating(&m, true, Some(date("2025-07-01")), on).holdover);
        assert!(!seating(&m, true, Some(date("2025-05-01")), on).seated);
        assert!(!seating(&m, false, None, on).seated);
    }

    #[test]
    fn a_vacated_seat_is_empty_from_the_day_it_was_vacated() {
        let m = term("2025-01-01", None, Some("2025-03-01"));
        assert!(seating(&m, true, None, date("2025-02-28")).seated);
        assert!(!seating(&m, true, None, date("2025-03-01")).seated);
    }

    #[test]
    fn ex_officio_and_staff_liaisons_take_no_seat() {
        assert!(Post::Chair.holds_seat());
        assert!(Post::Secretary.holds_seat());
        assert!(!Post::ExOfficio.holds_seat());
        assert!(!Post::StaffLiaison.holds_seat());
    }
}

//! The demo bodies and people: the Immigrant Advisory Group, the welcoming
//! committees of the two demo libraries, and the Commission on Immigrant and
//! Refugee Affairs, with current and past members, a holdover and a staff
//! liaison. Names are fictional. Dates are relative to today so that current
//! terms stay current whenever the demo is loaded.

use super::bodies::{self, NewBody};
use super::contacts::{self, NewContact};
use super::domain::{ContactValue, ExpertiseTerm, LanguageTag, Seats, Text, TimeZone};
use super::memberships::{self, NewAppointment};
use super::persons::{self, NewPerson};
use crate::accounts;
use crate::auth::Actor;
use crate::domain::{Email, Name, Slug};
use crate::error::{AppError, AppResult};
use ContactKind::{Email as E, Phone as P};
use ContactVisibility::{Coalition as C, Public as Pub};
use chrono::{Duration, NaiveDate, Utc};
use entity::body::BodyKind;
use entity::body_membership::Post;
use entity::enums::{ContactKind, ContactVisibility};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// Slug of the demo advisory group.
pub const ADVISORY_GROUP: &str = "immigrant-advisory-group";
/// Slug of Riverside's (public) welcoming committee.
pub const RIVERSIDE_COMMITTEE: &str = "riverside-welcoming-committee";
/// Slug of Northgate's welcoming committee, visible to coalition members only.
pub const NORTHGATE_COMMITTEE: &str = "northgate-welcoming-committee";
/// Slug of the demo commission.
pub const COMMISSION: &str = "commission-on-immigrant-and-refugee-affairs";
/// The demo user whose directory profile is linked to their account.
pub const LINKED_USER: &str = "staff@riverside-library.demo.test";

struct DemoBody {
    slug: &'static str,
    name: &'static str,
    kind: BodyKind,
    description: &'static str,
    owner: Option<&'static str>,
    seats: i32,
    authority: &'static str,
    public: bool,
    holdovers: bool,
}

const BODIES: &[DemoBody] = &[
    DemoBody {
        slug: ADVISORY_GROUP,
        name: "Immigrant Advisory Group",
        kind: BodyKind::AdvisoryGroup,
        description: "Community stakeholders from libraries and partner agencies who share information and resources across the network.",
        owner: None,
        seats: 9,
        authority: "The coalition's coordinators",
        public: true,
        holdovers: false,
    },
    DemoBody {
        slug: RIVERSIDE_COMMITTEE,
        name: "Riverside Neighborhood Welcoming Committee",
        kind: BodyKind::WelcomingCommittee,
        description: "Neighbors, newcomers and library staff who host community dialogues and turn them into action plans.",
        owner: Some("riverside-library"),
        seats: 7,
        authority: "Riverside Public Library",
        public: true,
        holdovers: false,
    },
    DemoBody {
        slug: NORTHGATE_COMMITTEE,
        name: "Northgate Neighborhood Welcoming Committee",
        kind: BodyKind::WelcomingCommittee,
        description: "A small working group of the Northgate branch preparing its first community dialogue; its roster is shared within the coalition only.",
        owner: Some("northgate-library"),
        seats: 5,
        authority: "Northgate Branch Library",
        public: false,
        holdovers: false,
    },
    DemoBody {
        slug: COMMISSION,
        name: "Commission on Immigrant and Refugee Affairs",
        kind: BodyKind::Commission,
        description: "The city's public commission advising the Mayor and Council on the needs of immigrant and refugee residents. It meets monthly, votes and keeps minutes.",
        owner: None,
        seats: 11,
        authority: "The Mayor, with the consent of the City Council",
        public: true,
        holdovers: true,
    },
];

struct DemoPerson {
    key: &'static str,
    name: &'static str,
    pronouns: Option<&'static str>,
    bio: &'static str,
    languages: &'static [&'static str],
    expertise: &'static [&'static str],
    /// (kind, value, visibility)
    contacts: &'static [(ContactKind, &'static str, ContactVisibility)],
}

const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        key: "haddad",
        name: "Mariam Haddad",
        pronouns: Some("she/her"),
        bio: "Immigration attorney who has represented asylum seekers for fifteen years.",
        languages: &["ar", "en", "fr"],
        expertise: &["immigration law", "asylum"],
        contacts: &[
            (E, "mariam.haddad@example.org", Pub),
            (P, "+1 555 010 0101", C),
        ],
    },
    DemoPerson {
        key: "alvarez",
        name: "Diego Álvarez Ruiz",
        pronouns: Some("he/him"),
        bio: "Tenant organizer and housing counselor.",
        languages: &["es", "en"],
        expertise: &["housing", "tenant rights"],
        contacts: &[
            (E, "diego.alvarez@example.org", Pub),
            (P, "+1 555 010 0102", C),
        ],
    },
    DemoPerson {
        key: "njoroge",
        name: "Amani Njoroge",
        pronouns: Some("she/her"),
        bio: "Community health worker coordinator at a neighborhood clinic.",
        languages: &["sw", "en"],
        expertise: &["health", "community health workers"],
        contacts: &[(E, "amani.njoroge@example.org", C)],
    },
    DemoPerson {
        key: "ahmadzai",
        name: "Farid Ahmadzai",
        pronouns: Some("he/him"),
        bio: "Former interpreter; now helps resettled families find work.",
        languages: &["ps", "fa", "en"],
        expertise: &["refugee resettlement", "employment"],
        contacts: &[
            (E, "farid.ahmadzai@example.org", Pub),
            (P, "+1 555 010 0104", C),
        ],
    },
    DemoPerson {
        key: "kovalenko",
        name: "Olena Kovalenko",
        pronouns: None,
        bio: "Adult ESL teacher and volunteer coordinator.",
        languages: &["uk", "ru", "en"],
        expertise: &["ESL", "adult education"],
        contacts: &[(E, "olena.kovalenko@example.org", C)],
    },
    DemoPerson {
        key: "santos",
        name: "Beatriz Santos",
        pronouns: Some("she/her"),
        bio: "Youth program lead and ESL tutor.",
        languages: &["pt-BR", "es", "en"],
        expertise: &["ESL", "youth programs"],
        contacts: &[
            (E, "beatriz.santos@example.org", Pub),
            (P, "+1 555 010 0106", C),
        ],
    },
    DemoPerson {
        key: "reilly",
        name: "Thomas Reilly",
        pronouns: Some("he/him"),
        bio: "Staff of the Mayor's Office of New Residents, liaison to the commission.",
        languages: &["en"],
        expertise: &["city services"],
        contacts: &[
            (E, "thomas.reilly@example.org", Pub),
            (P, "+1 555 010 0107", Pub),
        ],
    },
    DemoPerson {
        key: "kabongo",
        name: "Jean-Pierre Kabongo",
        pronouns: Some("he/him"),
        bio: "Paralegal and former commissioner.",
        languages: &["fr", "ln", "en"],
        expertise: &["immigration law"],
        contacts: &[(E, "jp.kabongo@example.org", C)],
    },
    DemoPerson {
        key: "park",
        name: "Helen Park",
        pronouns: Some("she/her"),
        bio: "Retired school social worker; chaired the commission for two terms.",
        languages: &["ko", "en"],
        expertise: &["education", "family services"],
        contacts: &[(E, "helen.park@example.org", C)],
    },
    DemoPerson {
        key: "delgado",
        name: "Rosa Delgado",
        pronouns: Some("she/her"),
        bio: "Managing attorney of a legal-aid clinic.",
        languages: &["es", "en"],
        expertise: &["immigration law", "legal aid"],
        contacts: &[
            (E, "rosa.delgado@example.org", Pub),
            (P, "+1 555 010 0110", C),
        ],
    },
    DemoPerson {
        key: "mensah",
        name: "Samuel Mensah",
        pronouns: Some("he/him"),
        bio: "Employment specialist at a resettlement agency.",
        languages: &["en", "tw"],
        expertise: &["employment", "refugee resettlement"],
        contacts: &[(E, "samuel.mensah@example.org", C)],
    },
    DemoPerson {
        key: "tran",
        name: "Linh Tran",
        pronouns: None,
        bio: "Patient navigator at a community health center.",
        languages: &["vi", "en"],
        expertise: &["health", "insurance enrollment"],
        contacts: &[(E, "linh.tran@example.org", Pub)],
    },
    DemoPerson {
        key: "romero",
        name: "Ana Lucía Romero",
        pronouns: Some("she/her"),
        bio: "Cultural Navigator coordinator at Riverside Public Library.",
        languages: &["es", "en"],
        expertise: &["cultural navigation", "ESL"],
        contacts: &[
            (E, "ana.romero@example.org", Pub),
            (P, "+1 555 010 0113", C),
        ],
    },
    DemoPerson {
        key: "warsame",
        name: "Abdi Warsame",
        pronouns: Some("he/him"),
        bio: "Youth soccer coach and community organizer.",
        languages: &["so", "ar", "en"],
        expertise: &["youth programs"],
        contacts: &[(P, "+1 555 010 0114", C)],
    },
    DemoPerson {
        key: "rahimi",
        name: "Nadia Rahimi",
        pronouns: Some("she/her"),
        bio: "Counselor specialised in the mental health of refugees.",
        languages: &["fa", "prs", "en"],
        expertise: &["mental health"],
        contacts: &[(E, "nadia.rahimi@example.org", C)],
    },
    DemoPerson {
        key: "boateng",
        name: "Kwame Boateng",
        pronouns: None,
        bio: "Northgate neighbor and small-business owner.",
        languages: &["en", "ak"],
        expertise: &["small business"],
        contacts: &[(E, "kwame.boateng@example.org", C)],
    },
    DemoPerson {
        key: "chen",
        name: "Wei Chen",
        pronouns: Some("he/him"),
        bio: "Credit union outreach officer who runs financial literacy classes.",
        languages: &["zh-Hans", "en"],
        expertise: &["financial literacy"],
        contacts: &[(E, "wei.chen@example.org", Pub)],
    },
    DemoPerson {
        key: "joseph",
        name: "Marie-Claude Joseph",
        pronouns: Some("she/her"),
        bio: "Pastor's assistant who coordinates a network of faith communities.",
        languages: &["ht", "fr", "en"],
        expertise: &["faith communities"],
        contacts: &[(E, "marie-claude.joseph@example.org", C)],
    },
    DemoPerson {
        key: "gurung",
        name: "Bishnu Gurung",
        pronouns: None,
        bio: "Court interpreter and community radio host.",
        languages: &["ne", "hi", "en"],
        expertise: &["interpretation"],
        contacts: &[(E, "bishnu.gurung@example.org", C)],
    },
];

/// One membership: body, person, post, represented organization, start and
/// scheduled end (days from today), the person it replaces on that body, and
/// when it was vacated (days from today) when it ended without a successor.
struct Seat {
    body: &'static str,
    person: &'static str,
    post: Post,
    org: Option<&'static str>,
    start: i64,
    end: Option<i64>,
    replaces: Option<&'static str>,
    vacated: Option<i64>,
}

const fn seat(body: &'static str, person: &'static str, post: Post, start: i64) -> Seat {
    Seat {
        body,
        person,
        post,
        org: None,
        start,
        end: None,
        replaces: None,
        vacated: None,
    }
}

/// In order: a predecessor comes before the member replacing it.
fn seats() -> Vec<Seat> {
    vec![
        // The commission: four-year terms, holdovers allowed.
        Seat {
            end: Some(-400),
            ..seat(COMMISSION, "park", Post::Chair, -2200)
        },
        Seat {
            end: Some(-30),
            ..seat(COMMISSION, "kabongo", Post::Member, -1490)
        },
        Seat {
            end: Some(1060),
            replaces: Some("park"),
            ..seat(COMMISSION, "haddad", Post::Chair, -400)
        },
        Seat {
            end: Some(700),
            ..seat(COMMISSION, "alvarez", Post::ViceChair, -760)
        },
        Seat {
            end: Some(900),
            org: Some("eastside-health"),
            ..seat(COMMISSION, "njoroge", Post::Member, -560)
        },
        // Term over, nobody appointed yet: a holdover.
        Seat {
            end: Some(-45),
            org: Some("welcome-home-resettlement"),
            ..seat(COMMISSION, "ahmadzai", Post::Member, -1505)
        },
        Seat {
            end: Some(1200),
            org: Some("adult-esl-center"),
            ..seat(COMMISSION, "kovalenko", Post::Member, -260)
        },
        Seat {
            end: Some(1430),
            replaces: Some("kabongo"),
            ..seat(COMMISSION, "santos", Post::Member, -30)
        },
        seat(COMMISSION, "reilly", Post::StaffLiaison, -900),
        // Appointed together to fill vacancies before the past year's meetings,
        // so that quorum (six of eleven seats) survives an absence or a recusal.
        Seat {
            end: Some(1040),
            ..seat(COMMISSION, "chen", Post::Member, -420)
        },
        Seat {
            end: Some(1040),
            ..seat(COMMISSION, "joseph", Post::Member, -420)
        },
        Seat {
            end: Some(1040),
            ..seat(COMMISSION, "gurung", Post::Member, -420)
        },
        // The advisory group: two-year terms, no holdovers.
        Seat {
            end: Some(-100),
            vacated: Some(-100),
            ..seat(ADVISORY_GROUP, "park", Post::Member, -830)
        },
        Seat {
            end: Some(400),
            org: Some("community-legal-aid"),
            ..seat(ADVISORY_GROUP, "delgado", Post::Chair, -330)
        },
        Seat {
            end: Some(400),
            ..seat(ADVISORY_GROUP, "haddad", Post::Member, -330)
        },
        Seat {
            end: Some(500),
            org: Some("welcome-home-resettlement"),
            ..seat(ADVISORY_GROUP, "mensah", Post::Member, -230)
        },
        Seat {
            end: Some(500),
            org: Some("eastside-health"),
            ..seat(ADVISORY_GROUP, "tran", Post::Member, -230)
        },
        Seat {
            org: Some("riverside-library"),
            ..seat(ADVISORY_GROUP, "romero", Post::Secretary, -200)
        },
        // Riverside's welcoming committee.
        Seat {
            org: Some("riverside-library"),
            ..seat(RIVERSIDE_COMMITTEE, "romero", Post::Chair, -500)
        },
        Seat {
            end: Some(230),
            ..seat(RIVERSIDE_COMMITTEE, "warsame", Post::Member, -500)
        },
        Seat {
            end: Some(230),
            ..seat(RIVERSIDE_COMMITTEE, "santos", Post::Member, -500)
        },
        Seat {
            end: Some(-10),
            vacated: Some(-60),
            ..seat(RIVERSIDE_COMMITTEE, "mensah", Post::Member, -700)
        },
        // Northgate's welcoming committee (members only).
        Seat {
            org: Some("northgate-library"),
            ..seat(NORTHGATE_COMMITTEE, "rahimi", Post::Chair, -120)
        },
        Seat {
            end: Some(600),
            ..seat(NORTHGATE_COMMITTEE, "boateng", Post::Member, -120)
        },
    ]
}

fn demo_error(what: &str) -> AppError {
    AppError::Internal(format!("demo data: {what}"))
}

/// Loads the demo bodies and people unless they are already there.
#[tracing::instrument(skip_all)]
pub async fn seed(db: &DatabaseConnection) -> AppResult<()> {
    let system = Actor::system();
    if bodies::body_by_slug(db, &system, BODIES[0].slug)
        .await
        .is_ok()
    {
        return Ok(());
    }
    let mut body_ids: HashMap<&str, Uuid> = HashMap::new();
    for b in BODIES {
        let owner = match b.owner {
            Some(slug) => Some(accounts::organization_by_slug(db, slug).await?.id),
            None => None,
        };
        let created = bodies::create_body(
            db,
            &system,
            NewBody {
                slug: Slug::parse(b.slug, "slug")?,
                name: Name::parse(b.name, "name")?,
                kind: b.kind,
                description: Text::parse(b.description, "description", 4000)?,
                owning_organization_id: owner,
                seats: Seats::parse(b.seats, "seats")?,
                appointing_authority: Name::parse(b.authority, "authority")?,
                records_public: b.public,
                holdovers_allowed: b.holdovers,
                time_zone: TimeZone::parse("America/New_York", "time zone")?,
            },
        )
        .await?;
        body_ids.insert(b.slug, created.id);
    }

    let linked = accounts::user_by_email(db, &Email::parse(LINKED_USER, "email")?)
        .await?
        .id;
    let mut people: HashMap<&str, Uuid> = HashMap::new();
    for p in PEOPLE {
        let created = persons::create_person(
            db,
            &system,
            NewPerson {
                name: Name::parse(p.name, "name")?,
                pronouns: p.pronouns.map(|x| Name::parse(x, "pronouns")).transpose()?,
                bio: Some(Text::parse(p.bio, "bio", 2000)?),
                languages: p
                    .languages
                    .iter()
                    .map(|l| LanguageTag::parse(l, "language"))
                    .collect::<AppResult<_>>()?,
                expertise: p
                    .expertise
                    .iter()
                    .map(|t| ExpertiseTerm::parse(t, "expertise"))
                    .collect::<AppResult<_>>()?,
                user_id: (p.key == "romero").then_some(linked),
            },
        )
        .await?;
        for (kind, value, visibility) in p.contacts {
            contacts::add_person_contact(
                db,
                &system,
                created.id,
                NewContact {
                    kind: *kind,
                    value: ContactValue::parse(*kind, value, "value")?,
                    label: None,
                    visibility: *visibility,
                },
            )
            .await?;
        }
        people.insert(p.key, created.id);
    }

    let today = Utc::now().date_naive();
    let day = |offset: i64| -> NaiveDate { today + Duration::days(offset) };
    let mut membership_ids: HashMap<(&str, &str), Uuid> = HashMap::new();
    for s in seats() {
        let body_id = *body_ids.get(s.body).ok_or_else(|| demo_error(s.body))?;
        let person_id = *people.get(s.person).ok_or_else(|| demo_error(s.person))?;
        let org = match s.org {
            Some(slug) => Some(accounts::organization_by_slug(db, slug).await?.id),
            None => None,
        };
        let replaces = match s.replaces {
            Some(key) => Some(
                *membership_ids
                    .get(&(s.body, key))
                    .ok_or_else(|| demo_error(key))?,
            ),
            None => None,
        };
        let appointed = memberships::appoint_member(
            db,
            &system,
            NewAppointment {
                body_id,
                person_id,
                post: s.post,
                organization_id: org,
                start_date: day(s.start),
                end_date: s.end.map(day),
                appointed_by: None,
                replaces_membership_id: replaces,
            },
        )
        .await?;
        let id = appointed.membership.id;
        if let Some(vacated) = s.vacated {
            memberships::end_membership(db, &system, id, Some(day(vacated))).await?;
        }
        membership_ids.insert((s.body, s.person), id);
    }
    Ok(())
}

//! Demo directory: the demo organizations' profiles and services, in several
//! languages and neighborhoods, with a confidential shelter location and
//! holiday hours. Loaded by `crate::demo::seed`.

use crate::accounts;
use crate::auth::Actor;
use crate::directory::profiles::service::{self as profiles, ContactPatch, ProfilePatch};
use crate::directory::services::draft::{
    ExceptionDraft, HoursDraft, LocationDraft, ServiceDraft, TranslationDraft,
};
use crate::directory::services::service as services;
use crate::error::AppResult;
use chrono::{Datelike, NaiveDate, Utc};
use entity::enums::{ContactKind, ContactVisibility, CostKind, LocationVisibility, ServiceStatus};
use sea_orm::DatabaseConnection;

struct DemoService {
    org: &'static str,
    name: &'static str,
    description: &'static str,
    categories: &'static [&'static str],
    languages: &'static [&'static str],
    cost: CostKind,
    ages: (Option<i32>, Option<i32>),
    neighborhood: &'static str,
    address: &'static str,
    point: (f64, f64),
    visibility: LocationVisibility,
    hours: &'static [(i32, &'static str, &'static str)],
    status: ServiceStatus,
    translations: &'static [(&'static str, &'static str, &'static str)],
}

const WEEKDAYS_9_TO_5: &[(i32, &str, &str)] = &[
    (1, "09:00", "17:00"),
    (2, "09:00", "17:00"),
    (3, "09:00", "17:00"),
    (4, "09:00", "17:00"),
    (5, "09:00", "17:00"),
];

const SERVICES: &[DemoService] = &[
    DemoService {
        org: "riverside-library",
        name: "Cultural Navigator program",
        description: "Trained volunteers, many of them immigrants themselves, are paired with newly arrived residents and guide them to the services they need.",
        categories: &["community", "interpretation"],
        languages: &["en", "es", "ar", "ps"],
        cost: CostKind::Free,
        ages: (Some(16), None),
        neighborhood: "Downtown",
        address: "500 Main Street",
        point: (41.7637, -72.6851),
        visibility: LocationVisibility::Public,
        hours: &[
            (1, "10:00", "18:00"),
            (2, "10:00", "18:00"),
            (3, "10:00", "20:00"),
            (4, "10:00", "18:00"),
            (6, "10:00", "14:00"),
        ],
        status: ServiceStatus::Active,
        translations: &[
            ("name", "es", "Programa de Navegadores Culturales"),
            (
                "description",
                "es",
                "Voluntarios capacitados acompañan a las personas recién llegadas hacia los servicios que necesitan.",
            ),
        ],
    },
    DemoService {
        org: "riverside-library",
        name: "Citizenship preparation classes",
        description: "Free classes for the naturalization interview and civics test, with help filling in the application.",
        categories: &["citizenship-preparation"],
        languages: &["en", "es"],
        cost: CostKind::Free,
        ages: (Some(18), None),
        neighborhood: "Downtown",
        address: "500 Main Street",
        point: (41.7637, -72.6851),
        visibility: LocationVisibility::Public,
        hours: &[(2, "18:00", "20:00"), (4, "18:00", "20:00")],
        status: ServiceStatus::Active,
        translations: &[("name", "es", "Clases de preparación para la ciudadanía")],
    },
    DemoService {
        org: "northgate-library",
        name: "ESL conversation circles",
        description: "Practice English in small, friendly groups led by volunteers. All levels welcome.",
        categories: &["esl"],
        languages: &["en", "es", "pt-BR", "uk"],
        cost: CostKind::Free,
        ages: (Some(16), None),
        neighborhood: "North End",
        address: "1250 Albany Avenue",
        point: (41.7823, -72.6927),
        visibility: LocationVisibility::Public,
        hours: &[
            (1, "17:30", "19:30"),
            (3, "17:30", "19:30"),
            (6, "11:00", "13:00"),
        ],
        status: ServiceStatus::Active,
        translations: &[
            ("name", "pt-BR", "Rodas de conversa em inglês"),
            ("name", "uk", "Розмовні клуби англійської мови"),
        ],
    },
    DemoService {
        org: "northgate-library",
        name: "Homework help for children",
        description: "Tutors help children and teenagers with homework after school, in English and Spanish.",
        categories: &["youth-tutoring"],
        languages: &["en", "es"],
        cost: CostKind::Free,
        ages: (Some(6), Some(17)),
        neighborhood: "North End",
        address: "1250 Albany Avenue",
        point: (41.7823, -72.6927),
        visibility: LocationVisibility::Public,
        hours: &[
            (1, "15:00", "18:00"),
            (2, "15:00", "18:00"),
            (3, "15:00", "18:00"),
            (4, "15:00", "18:00"),
        ],
        status: ServiceStatus::Active,
        translations: &[],
    },
    DemoService {
        org: "community-legal-aid",
        name: "Immigration legal consultations",
        description: "Confidential consultations with accredited representatives and immigration attorneys about your options.",
        categories: &["immigration-legal-help"],
        languages: &["en", "es", "fr", "ar"],
        cost: CostKind::Free,
        ages: (None, None),
        neighborhood: "Frog Hollow",
        address: "75 Park Street",
        point: (41.7581, -72.6880),
        visibility: LocationVisibility::Public,
        hours: WEEKDAYS_9_TO_5,
        status: ServiceStatus::Active,
        translations: &[
            ("name", "es", "Consultas legales de inmigración"),
            ("name", "ar", "استشارات قانونية للهجرة"),
            (
                "description",
                "es",
                "Consultas confidenciales con representantes acreditados y abogados de inmigración.",
            ),
        ],
    },
    DemoService {
        org: "community-legal-aid",
        name: "Tenant rights clinic",
        description: "Advice for tenants facing eviction or unsafe housing conditions.",
        categories: &["legal", "housing"],
        languages: &["en", "es"],
        cost: CostKind::Free,
        ages: (Some(18), None),
        neighborhood: "Frog Hollow",
        address: "75 Park Street",
        point: (41.7581, -72.6880),
        visibility: LocationVisibility::Public,
        hours: &[(3, "13:00", "16:00")],
        status: ServiceStatus::TemporarilyClosed,
        translations: &[],
    },
    DemoService {
        org: "welcome-home-resettlement",
        name: "New arrival case management",
        description: "Case managers help refugee and asylee families with housing, benefits, school enrollment and appointments during their first months.",
        categories: &["public-benefits", "housing"],
        languages: &["en", "ar", "ps", "sw", "fr"],
        cost: CostKind::Free,
        ages: (None, None),
        neighborhood: "Parkville",
        address: "1600 Park Street",
        point: (41.7572, -72.7065),
        visibility: LocationVisibility::Coalition,
        hours: WEEKDAYS_9_TO_5,
        status: ServiceStatus::Active,
        translations: &[("name", "ar", "إدارة حالات الوافدين الجدد")],
    },
    DemoService {
        org: "welcome-home-resettlement",
        name: "Safe housing for families",
        description: "Emergency shelter for families escaping violence. Call the hotline: the address is shared only with residents.",
        categories: &["housing"],
        languages: &["en", "ar", "es"],
        cost: CostKind::Free,
        ages: (None, None),
        neighborhood: "Undisclosed",
        address: "Undisclosed",
        point: (41.7700, -72.6700),
        visibility: LocationVisibility::Confidential,
        hours: &[
            (1, "00:00", "24:00"),
            (2, "00:00", "24:00"),
            (3, "00:00", "24:00"),
            (4, "00:00", "24:00"),
            (5, "00:00", "24:00"),
            (6, "00:00", "24:00"),
            (7, "00:00", "24:00"),
        ],
        status: ServiceStatus::Active,
        translations: &[],
    },
    DemoService {
        org: "eastside-health",
        name: "Primary care for uninsured patients",
        description: "Check-ups, vaccinations and care for chronic conditions, on a sliding scale, whatever your insurance.",
        categories: &["health"],
        languages: &["en", "es", "pt-BR"],
        cost: CostKind::SlidingScale,
        ages: (None, None),
        neighborhood: "South End",
        address: "90 Franklin Avenue",
        point: (41.7455, -72.6792),
        visibility: LocationVisibility::Public,
        hours: &[
            (1, "08:00", "18:00"),
            (2, "08:00", "18:00"),
            (3, "08:00", "18:00"),
            (4, "08:00", "18:00"),
            (5, "08:00", "16:00"),
        ],
        status: ServiceStatus::Active,
        translations: &[("name", "es", "Atención primaria para pacientes sin seguro")],
    },
    DemoService {
        org: "eastside-health",
        name: "Refugee mental health support group",
        description: "A weekly support group for refugees coping with trauma and loss, with interpreters.",
        categories: &["mental-health"],
        languages: &["ar", "ps", "uk"],
        cost: CostKind::Free,
        ages: (Some(18), None),
        neighborhood: "South End",
        address: "90 Franklin Avenue",
        point: (41.7455, -72.6792),
        visibility: LocationVisibility::Public,
        hours: &[(5, "17:00", "19:00")],
        status: ServiceStatus::Active,
        translations: &[],
    },
    DemoService {
        org: "adult-esl-center",
        name: "Evening English classes",
        description: "Twelve-week English courses from beginner to advanced, in the evening for working adults.",
        categories: &["esl"],
        languages: &["en", "es", "ar", "zh-Hant"],
        cost: CostKind::Fee,
        ages: (Some(16), None),
        neighborhood: "Asylum Hill",
        address: "33 Asylum Avenue",
        point: (41.7690, -72.6960),
        visibility: LocationVisibility::Public,
        hours: &[
            (1, "18:00", "21:00"),
            (2, "18:00", "21:00"),
            (3, "18:00", "21:00"),
            (4, "18:00", "21:00"),
        ],
        status: ServiceStatus::Active,
        translations: &[("name", "zh-Hant", "夜間英語課程")],
    },
    DemoService {
        org: "adult-esl-center",
        name: "Job readiness workshop",
        description: "Résumés, interviews and workplace English, with introductions to local employers' training programs.",
        categories: &["job-training"],
        languages: &["en", "es"],
        cost: CostKind::Free,
        ages: (Some(18), None),
        neighborhood: "Asylum Hill",
        address: "33 Asylum Avenue",
        point: (41.7690, -72.6960),
        visibility: LocationVisibility::Public,
        hours: &[(6, "09:00", "12:00")],
        status: ServiceStatus::Active,
        translations: &[],
    },
];

/// The fourth Thursday of November of this year (Thanksgiving), a holiday closure.
fn thanksgiving() -> Option<NaiveDate> {
    let year = Utc::now().year();
    let first = NaiveDate::from_ymd_opt(year, 11, 1)?;
    // Thursday is day 3 from Monday: days from the 1st to the first Thursday.
    let offset = (10 - first.weekday().num_days_from_monday() as i64) % 7;
    first.checked_add_signed(chrono::Duration::days(offset + 21))
}

/// Loads the demo directory (called once, with the demo organizations in place).
pub async fn seed(db: &DatabaseConnection) -> AppResult<()> {
    let system = Actor::system();
    for (slug, languages, neighborhoods) in [
        (
            "riverside-library",
            vec!["en", "es", "ar"],
            vec!["Downtown", "Frog Hollow"],
        ),
        (
            "northgate-library",
            vec!["en", "es", "pt-BR"],
            vec!["North End"],
        ),
        (
            "community-legal-aid",
            vec!["en", "es", "fr", "ar"],
            vec!["Frog Hollow", "South End"],
        ),
        (
            "welcome-home-resettlement",
            vec!["en", "ar", "ps", "sw"],
            vec!["Parkville", "South End"],
        ),
        (
            "eastside-health",
            vec!["en", "es", "pt-BR"],
            vec!["South End"],
        ),
        (
            "adult-esl-center",
            vec!["en", "es", "zh-Hant"],
            vec!["Asylum Hill"],
        ),
    ] {
        let org = accounts::organization_by_slug(db, slug).await?;
        profiles::update_profile(
            db,
            &system,
            org.id,
            ProfilePatch {
                description: Some(format!(
                    "{} is a member of the welcoming coalition.",
                    org.name
                )),
                default_locale: Some("en".into()),
                website: Some(format!("https://{slug}.example.org")),
                year_founded: Some(1990),
                languages: languages.into_iter().map(str::to_owned).collect(),
                neighborhoods: neighborhoods.into_iter().map(str::to_owned).collect(),
                contacts: vec![
                    ContactPatch {
                        kind: ContactKind::Email,
                        value: format!("info@{slug}.example.org"),
                        label: Some("General enquiries".into()),
                        visibility: ContactVisibility::Public,
                    },
                    ContactPatch {
                        kind: ContactKind::Phone,
                        value: "(860) 555-0100".into(),
                        label: Some("Direct line for partner staff".into()),
                        visibility: ContactVisibility::Coalition,
                    },
                ],
                translations: vec![(
                    "description".into(),
                    "es".into(),
                    format!("{} es miembro de la coalición de bienvenida.", org.name),
                )],
            },
        )
        .await?;
    }
    for demo in SERVICES {
        let org = accounts::organization_by_slug(db, demo.org).await?;
        let confidential = demo.visibility == LocationVisibility::Confidential;
        let location = LocationDraft {
            name: Some(if confidential {
                "Shelter".into()
            } else {
                format!("{} office", demo.neighborhood)
            }),
            address: Some(demo.address.into()),
            city: Some("Hartford".into()),
            state_province: Some("CT".into()),
            postal_code: Some("06106".into()),
            country: Some("US".into()),
            neighborhood: Some(demo.neighborhood.into()),
            latitude: Some(demo.point.0),
            longitude: Some(demo.point.1),
            accessibility: Some("Step-free entrance; elevator to all floors.".into()),
            remote: false,
            contact_route: Some(if confidential {
                "24-hour hotline (860) 555-0199".into()
            } else {
                "Ask at the front desk".into()
            }),
            visibility: demo.visibility,
        };
        let draft = ServiceDraft {
            id: None,
            name: demo.name.into(),
            description: demo.description.into(),
            default_locale: "en".into(),
            status: demo.status,
            eligibility: Some("Open to all residents, whatever their status.".into()),
            minimum_age: demo.ages.0,
            maximum_age: demo.ages.1,
            cost: demo.cost,
            cost_description: (demo.cost == CostKind::Fee)
                .then(|| "$25 per twelve-week term; waivers available.".into()),
            how_to_apply: Some(
                "Walk in during opening hours, or ask a Cultural Navigator to refer you.".into(),
            ),
            accepting_referrals: demo.status == ServiceStatus::Active,
            response_window_days: None,
            categories: demo.categories.iter().map(|c| (*c).to_owned()).collect(),
            languages: demo.languages.iter().map(|l| (*l).to_owned()).collect(),
            hours: demo
                .hours
                .iter()
                .map(|(weekday, opens, closes)| HoursDraft {
                    weekday: *weekday,
                    opens_at: (*opens).into(),
                    closes_at: (*closes).into(),
                })
                .collect(),
            exceptions: thanksgiving()
                .filter(|_| !confidential)
                .map(|date| ExceptionDraft {
                    date,
                    opens_at: None,
                    closes_at: None,
                    note: Some("Thanksgiving".into()),
                })
                .into_iter()
                .collect(),
            locations: vec![location],
            translations: demo
                .translations
                .iter()
                .map(|(field, locale, text)| TranslationDraft {
                    field: (*field).into(),
                    locale: (*locale).into(),
                    text: (*text).into(),
                })
                .collect(),
        };
        services::create_service(db, &system, org.id, draft).await?;
    }
    Ok(())
}

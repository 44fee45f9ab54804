//! Demo referrals: clients of the two libraries, their consents, and referrals
//! to the partner agencies in every state, so a new user sees a working inbox.

use super::clients::{NewClient, create_client};
use super::consents::{NewConsent, record_consent};
use super::domain::{Action, CancelReason, DeclineReason, Outcome};
use super::lifecycle::{NewReferral, send_referral, transition};
use crate::accounts;
use crate::auth::{Actor, Principal, UserPrincipal};
use crate::domain::Email;
use crate::error::{AppError, AppResult};
use crate::policy::ClientParts;
use crate::privacy::Privacy;
use entity::enums::{ConsentMethod, ContactChannel, OrgRole, ServiceStatus, Urgency};
use entity::service as service_entity;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

async fn staff(db: &DatabaseConnection, slug: &str) -> AppResult<Actor> {
    let org = accounts::organization_by_slug(db, slug).await?;
    let user = accounts::user_by_email(
        db,
        &Email::parse(&format!("staff@{slug}.demo.test"), "email")?,
    )
    .await?;
    Ok(Actor {
        principal: Principal::User(UserPrincipal {
            user_id: user.id,
            memberships: vec![(org.id, OrgRole::Staff)],
            coalition_roles: Vec::new(),
        }),
        request_id: None,
    })
}

async fn service_named(db: &DatabaseConnection, name: &str) -> AppResult<service_entity::Model> {
    service_entity::Entity::find()
        .filter(service_entity::Column::Name.eq(name))
        .filter(service_entity::Column::Status.eq(ServiceStatus::Active))
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo service {name:?} missing")))
}

/// `(library, client name, languages, needs, service, steps to take)`.
type DemoReferral = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static [Action],
);

const REFERRALS: &[DemoReferral] = &[
    (
        "riverside-library",
        "Amina K.",
        &["ar", "fr"],
        "Wants an appointment with a lawyer",
        "Immigration legal consultations",
        &[],
    ),
    (
        "riverside-library",
        "José M.",
        &["es"],
        "Wants help preparing for an appointment",
        "Immigration legal consultations",
        &[Action::Accept],
    ),
    (
        "riverside-library",
        "Oksana P.",
        &["uk"],
        "Looking for a support group",
        "Refugee mental health support group",
        &[Action::Accept, Action::Start],
    ),
    (
        "riverside-library",
        "Farid H.",
        &["ps"],
        "Family of five needs housing help",
        "New arrival case management",
        &[Action::Accept, Action::Start, Action::Hold],
    ),
    (
        "northgate-library",
        "Lucía R.",
        &["es", "en"],
        "Needs a check-up and vaccinations for school",
        "Primary care for uninsured patients",
        &[
            Action::Accept,
            Action::Start,
            Action::Complete(Outcome::ServiceProvided),
        ],
    ),
    (
        "northgate-library",
        "Chen W.",
        &["zh-Hant"],
        "Evening English classes after work",
        "Evening English classes",
        &[Action::Decline(DeclineReason::NoCapacity)],
    ),
    (
        "northgate-library",
        "Grace N.",
        &["sw", "en"],
        "Job readiness help",
        "Job readiness workshop",
        &[Action::Cancel(CancelReason::NoLongerNeeded)],
    ),
];

/// Loads the demo referrals (once, with the demo directory in place).
#[tracing::instrument(skip_all)]
pub async fn seed(db: &DatabaseConnection) -> AppResult<()> {
    for (library, name, languages, needs, service_name, steps) in REFERRALS {
        let sender = staff(db, library).await?;
        let target = service_named(db, service_name).await?;
        let receiving_slug = crate::accounts::organization(db, target.organization_id)
            .await?
            .slug;
        let receiver = staff(db, &receiving_slug).await?;
        let library_org = accounts::organization_by_slug(db, library).await?;
        let client = create_client(
            db,
            &sender,
            library_org.id,
            NewClient {
                display_name: (*name).into(),
                preferred_languages: languages.iter().map(|l| (*l).to_owned()).collect(),
                contact_channel: Some(ContactChannel::ViaNavigator),
                contact_value: None,
                birth_year: None,
                needs_summary: Some((*needs).into()),
            },
            None,
        )
        .await?;
        let consent = record_consent(
            db,
            &sender,
            Privacy::default(),
            NewConsent {
                client_id: client.id,
                recipients: vec![(target.organization_id, None)],
                parts: ClientParts {
                    name: true,
                    contact: true,
                    languages: true,
                    needs: true,
                    birth_year: false,
                },
                method: ConsentMethod::Verbal,
                given_at: None,
                expires_at: None,
                purpose: Some(format!("So that {service_name} can contact them about it")),
                source: Some("Verbal statement at the library's help desk".into()),
            },
            None,
        )
        .await?;
        let mut current = send_referral(
            db,
            &sender,
            NewReferral {
                client_id: client.id,
                consent_id: consent.id,
                service_id: target.id,
                reason: (*needs).into(),
                urgency: Urgency::Routine,
                interpreter_needed: languages.first().is_some_and(|l| *l != "en"),
                interpreter_language: languages
                    .first()
                    .filter(|l| **l != "en")
                    .map(|l| (*l).to_owned()),
                due_date: None,
            },
            None,
        )
        .await?;
        for action in *steps {
            let actor = if matches!(action, Action::Cancel(_)) {
                &sender
            } else {
                &receiver
            };
            current =
                transition(db, actor, current.id, current.version, *action, None, None).await?;
        }
    }
    Ok(())
}

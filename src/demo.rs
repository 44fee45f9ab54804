//! The demo coalition: two libraries and four partner agencies, each with an
//! admin and a staff user, plus a coordinator and a clerk. Loaded by
//! `serve --demo` and `seed-demo`, and by tests that want a populated network.

use crate::accounts::{self, NewOrganization};
use crate::auth::{Actor, password};
use crate::domain::Slug;
use crate::domain::{Email, Name};
use crate::error::AppResult;
use entity::enums::{CoalitionRoleKind, OrgRole, OrganizationKind};
use sea_orm::DatabaseConnection;

/// The password of every demo account (also in README).
pub const DEMO_PASSWORD: &str = "welcome-together-2026";

/// The demo organizations: slug, name, kind.
pub const DEMO_ORGANIZATIONS: &[(&str, &str, OrganizationKind)] = &[
    (
        "riverside-library",
        "Riverside Public Library",
        OrganizationKind::Library,
    ),
    (
        "northgate-library",
        "Northgate Branch Library",
        OrganizationKind::Library,
    ),
    (
        "community-legal-aid",
        "Community Legal Aid Clinic",
        OrganizationKind::LegalAid,
    ),
    (
        "welcome-home-resettlement",
        "Welcome Home Resettlement Services",
        OrganizationKind::ResettlementAgency,
    ),
    (
        "eastside-health",
        "Eastside Community Health Center",
        OrganizationKind::HealthClinic,
    ),
    (
        "adult-esl-center",
        "Adult ESL Learning Center",
        OrganizationKind::SchoolEsl,
    ),
];

/// One demo login.
pub struct DemoAccount {
    /// Login email.
    pub email: String,
    /// What the account can do.
    pub description: String,
}

/// Loads the demo coalition unless it is already there; returns the logins.
pub async fn seed(db: &DatabaseConnection) -> AppResult<Vec<DemoAccount>> {
    let accounts_list = demo_accounts();
    if accounts::organization_by_slug(db, DEMO_ORGANIZATIONS[0].0)
        .await
        .is_ok()
    {
        return Ok(accounts_list);
    }
    let system = Actor::system();
    // One hash for every demo account: they share the published password.
    let hash = password::Hashing::default()
        .hash(DEMO_PASSWORD.to_owned())
        .await?;
    for (slug, name, kind) in DEMO_ORGANIZATIONS {
        let org = accounts::create_organization(
            db,
            &system,
            NewOrganization {
                id: None,
                name: Name::parse(name, "name")?,
                slug: Slug::parse(slug, "slug")?,
                kind: *kind,
            },
        )
        .await?;
        for (role, title) in [(OrgRole::Admin, "Admin"), (OrgRole::Staff, "Staff")] {
            let local = if role == OrgRole::Admin {
                "admin"
            } else {
                "staff"
            };
            accounts::create_user(
                db,
                &system,
                Email::parse(&format!("{local}@{slug}.demo.test"), "email")?,
                Name::parse(&format!("{title}, {name}"), "name")?,
                hash.clone(),
                &[(org.id, role)],
                &[],
            )
            .await?;
        }
    }
    for (local, name, role) in [
        (
            "coordinator",
            "Coalition Coordinator",
            CoalitionRoleKind::Coordinator,
        ),
        ("clerk", "Commission Clerk", CoalitionRoleKind::Clerk),
    ] {
        accounts::create_user(
            db,
            &system,
            Email::parse(&format!("{local}@demo.test"), "email")?,
            Name::parse(name, "name")?,
            hash.clone(),
            &[],
            &[role],
        )
        .await?;
    }
    crate::directory::demo::seed(db).await?;
    crate::directory::people::demo::seed(db).await?;
    crate::referrals::demo::seed(db).await?;
    crate::records::demo::seed(db).await?;
    Ok(accounts_list)
}

/// Every demo login, in the order they are printed.
pub fn demo_accounts() -> Vec<DemoAccount> {
    let mut list = vec![
        DemoAccount {
            email: "coordinator@demo.test".into(),
            description: "coalition coordinator".into(),
        },
        DemoAccount {
            email: "clerk@demo.test".into(),
            description: "commission clerk".into(),
        },
    ];
    for (slug, name, _) in DEMO_ORGANIZATIONS {
        for role in ["admin", "staff"] {
            list.push(DemoAccount {
                email: format!("{role}@{slug}.demo.test"),
                description: format!("{role} of {name}"),
            });
        }
    }
    list
}

//! Per-request loaders of the referral network: clients, consents,
//! referrals, and the history and notes of each referral. They load without
//! policy: resolvers show what they load only as the referral's side allows.

use crate::graphql::loaders::{ChildLoader, IdLoader, child_loader, id_loader};
use entity::{client, consent, consent_recipient, referral, referral_event, referral_note};
use sea_orm::DatabaseConnection;

/// The referral records one request loads.
pub struct ReferralLoaders {
    /// Clients by id.
    pub clients: IdLoader<client::Entity>,
    /// Consents by id.
    pub consents: IdLoader<consent::Entity>,
    /// Referrals by id (those a page of disclosures was read through).
    pub referrals: IdLoader<referral::Entity>,
    /// The organizations (and services) each consent names.
    pub recipients: ChildLoader<consent_recipient::Entity>,
    /// History of each referral.
    pub events: ChildLoader<referral_event::Entity>,
    /// Notes of each referral.
    pub notes: ChildLoader<referral_note::Entity>,
}

impl ReferralLoaders {
    /// Fresh loaders over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        ReferralLoaders {
            clients: id_loader(db),
            consents: id_loader(db),
            referrals: id_loader(db),
            recipients: child_loader(db),
            events: child_loader(db),
            notes: child_loader(db),
        }
    }
}

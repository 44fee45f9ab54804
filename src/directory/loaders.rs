//! Per-request loaders of the services directory: services, organization
//! profiles and contacts, taxonomy terms, and what a service lists.

use crate::graphql::loaders::{ChildLoader, IdLoader, child_loader, id_loader};
use entity::{
    location, organization_contact, organization_profile, service, service_category,
    service_exception, service_hours, service_language, taxonomy_term, translation,
};
use sea_orm::DatabaseConnection;

/// The directory records one request loads.
pub struct DirectoryLoaders {
    /// Services by id.
    pub services: IdLoader<service::Entity>,
    /// Organization profiles by organization id.
    pub profiles: IdLoader<organization_profile::Entity>,
    /// Taxonomy terms by id.
    pub terms: IdLoader<taxonomy_term::Entity>,
    /// Contact details of each organization.
    pub contacts: ChildLoader<organization_contact::Entity>,
    /// Locations of each service.
    pub locations: ChildLoader<location::Entity>,
    /// Category links of each service.
    pub categories: ChildLoader<service_category::Entity>,
    /// Languages of each service.
    pub languages: ChildLoader<service_language::Entity>,
    /// Weekly hours of each service.
    pub hours: ChildLoader<service_hours::Entity>,
    /// Holidays and special hours of each service.
    pub exceptions: ChildLoader<service_exception::Entity>,
    /// Translations of each organization's or service's texts.
    pub translations: ChildLoader<translation::Entity>,
}

impl DirectoryLoaders {
    /// Fresh loaders over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        DirectoryLoaders {
            services: id_loader(db),
            profiles: id_loader(db),
            terms: id_loader(db),
            contacts: child_loader(db),
            locations: child_loader(db),
            categories: child_loader(db),
            languages: child_loader(db),
            hours: child_loader(db),
            exceptions: child_loader(db),
            translations: child_loader(db),
        }
    }
}

//! Per-request loaders of accounts: organizations and users by id.

use crate::graphql::loaders::{IdLoader, id_loader};
use entity::{organization, user};
use sea_orm::DatabaseConnection;

/// The account records one request loads.
pub struct AccountLoaders {
    /// Organizations by id.
    pub organizations: IdLoader<organization::Entity>,
    /// Users by id.
    pub users: IdLoader<user::Entity>,
}

impl AccountLoaders {
    /// Fresh loaders over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        AccountLoaders {
            organizations: id_loader(db),
            users: id_loader(db),
        }
    }
}

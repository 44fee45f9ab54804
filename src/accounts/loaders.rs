//! Per-request loaders of accounts: organizations, users and API keys by id.

use crate::graphql::loaders::{IdLoader, id_loader};
use entity::{api_key, organization, user};
use sea_orm::DatabaseConnection;

/// The account records one request loads.
pub struct AccountLoaders {
    /// Organizations by id.
    pub organizations: IdLoader<organization::Entity>,
    /// Users by id.
    pub users: IdLoader<user::Entity>,
    /// API keys by id (to name the key and its organization where it acted).
    pub api_keys: IdLoader<api_key::Entity>,
}

impl AccountLoaders {
    /// Fresh loaders over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        AccountLoaders {
            organizations: id_loader(db),
            users: id_loader(db),
            api_keys: id_loader(db),
        }
    }
}

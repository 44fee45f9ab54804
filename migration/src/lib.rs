//! Schema migrations of the Coalition database. One set serves PostgreSQL and
//! SQLite: no backend-specific SQL. Migrations are append-only once landed.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_directory_services;
mod m20261123_000003_directory_people;
mod m20261123_000004_referrals;
mod m20261123_000005_records;
mod m20261201_000006_privacy;

/// Every migration of the service, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_directory_services::Migration),
            Box::new(m20261123_000003_directory_people::Migration),
            Box::new(m20261123_000004_referrals::Migration),
            Box::new(m20261123_000005_records::Migration),
            Box::new(m20261201_000006_privacy::Migration),
        ]
    }
}

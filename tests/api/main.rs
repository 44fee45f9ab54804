//! The one integration-test binary: every module is a domain or a cross-cutting
//! convention, each test gets its own database (see `helpers`).

mod accounts;
mod audit;
mod directory_hsds;
mod directory_people;
mod directory_services;
mod disclosures;
mod graphiql;
mod hardening;
mod helpers;
mod http;
mod introspection;
mod observability;
mod outage;
mod pagination;
mod permissions;
mod persisted;
mod privacy;
mod readme;
mod records;
mod referrals;
mod schema;
mod startup;
mod tokens;

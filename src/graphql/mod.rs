//! The GraphQL schema: the merged roots of every domain, the conventions they
//! share (`Node`, connections, error codes) and the limits that protect the service.

/// Relay connection types built from service pages.
pub mod connection;
/// Access to the request's actor, state and loaders from a resolver.
pub mod context;
/// The extension that gives every error its `extensions.code`.
pub mod errors;
/// The `Node` interface and `node`/`nodes` lookups.
pub mod node;
/// The organization, whose fields come from several domains.
pub mod organization;
/// The extension that audits reads of clients' details.
pub mod reads;

use crate::accounts::graphql::{AccountsMutation, AccountsQuery};
use crate::audit::graphql::AuditQuery;
use crate::directory::people::graphql::{PeopleMutation, PeopleQuery};
use crate::directory::profiles::graphql::ProfilesMutation;
use crate::directory::services::graphql::{ServicesMutation, ServicesQuery};
use crate::directory::taxonomy::graphql::{TaxonomyMutation, TaxonomyQuery};
use crate::records::graphql::{RecordsMutation, RecordsQuery};
use crate::referrals::graphql::{ReferralsMutation, ReferralsQuery, ReferralsSubscription};
use crate::state::AppState;
use async_graphql::{MergedObject, MergedSubscription, Schema};

/// Every query of the API.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    AccountsQuery,
    AuditQuery,
    ServicesQuery,
    TaxonomyQuery,
    PeopleQuery,
    ReferralsQuery,
    RecordsQuery,
);

/// Every mutation of the API.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AccountsMutation,
    ServicesMutation,
    ProfilesMutation,
    TaxonomyMutation,
    PeopleMutation,
    ReferralsMutation,
    RecordsMutation,
);

/// Every subscription of the API.
#[derive(MergedSubscription, Default)]
pub struct Subscription(ReferralsSubscription);

/// The executable schema.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Limits on what one request may ask for.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest selection allowed.
    pub max_depth: usize,
    /// Highest total complexity allowed (connections cost page size × node cost).
    pub max_complexity: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 12,
            max_complexity: 5_000,
        }
    }
}

/// Most directives one field may carry (CVE-2024-47614).
const MAX_DIRECTIVES: usize = 8;

/// Builds the schema with its limits and shared state.
pub fn build(state: AppState, limits: Limits) -> AppSchema {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(limits.max_depth)
    .limit_complexity(limits.max_complexity)
    .limit_directives(MAX_DIRECTIVES)
    .extension(errors::ErrorCodes)
    .extension(reads::AuditReads)
    .data(state)
    .finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .finish()
    .sdl()
}

/// Declares a GraphQL enum mirroring a stored enum of the `entity` crate, with
/// conversions both ways, so the API names values independently of storage.
#[macro_export]
macro_rules! mirror_enum {
    (
        $(#[$meta:meta])*
        $name:ident mirrors $stored:path {
            $( $(#[$vmeta:meta])* $variant:ident ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl From<$stored> for $name {
            fn from(value: $stored) -> Self {
                type Stored = $stored;
                match value {
                    $( Stored::$variant => $name::$variant ),+
                }
            }
        }

        impl From<$name> for $stored {
            fn from(value: $name) -> Self {
                type Stored = $stored;
                match value {
                    $( $name::$variant => Stored::$variant ),+
                }
            }
        }
    };
}

//! The GraphQL schema: the merged roots of every domain, the conventions they
//! share (`Node`, connections, error codes) and the limits that protect the service.

/// Relay connection types built from service pages.
pub mod connection;
/// Access to the request's actor, state and loaders from a resolver.
pub mod context;
/// The extension that gives every error its `extensions.code`.
pub mod errors;
/// The extension that checks a request's size and values before it runs.
pub mod guard;
/// Checks of every value a request carries against the schema's input types.
pub mod input;
/// The expanded size of a document, counted once per fragment.
pub mod limits;
/// DataLoaders by id and by parent, and priming them with a page's keys.
pub mod loaders;
/// The `Node` interface and `node`/`nodes` lookups.
pub mod node;
/// Null propagation as the GraphQL specification defines it.
pub mod nulls;
/// The name and type of the operation each request ran, for logs and metrics.
pub mod operations;
/// The organization, whose fields come from several domains.
pub mod organization;
/// Apollo automatic persisted queries, bounded and coded.
pub mod persisted;
/// The extension that audits reads of clients' details.
pub mod reads;
/// The API's own scalars (`Date`), with their `@specifiedBy` URLs.
pub mod scalars;

use crate::accounts::graphql::{AccountsMutation, AccountsQuery};
use crate::audit::graphql::AuditQuery;
use crate::directory::people::graphql::{PeopleMutation, PeopleQuery};
use crate::directory::profiles::graphql::ProfilesMutation;
use crate::directory::services::graphql::{ServicesMutation, ServicesQuery};
use crate::directory::taxonomy::graphql::{TaxonomyMutation, TaxonomyQuery};
use crate::records::graphql::{RecordsMutation, RecordsQuery};
use crate::referrals::graphql::{ReferralsMutation, ReferralsQuery, ReferralsSubscription};
use crate::state::AppState;
use async_graphql::{MergedObject, MergedSubscription, SDLExportOptions, Schema, SchemaBuilder};
use chrono::{DateTime, Utc};

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

/// Limits on what one request may ask for, and what the schema tells about itself.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest selection allowed (introspection aside).
    pub max_depth: usize,
    /// Highest total complexity allowed (connections cost page size × node
    /// cost; introspection aside).
    pub max_complexity: usize,
    /// Most fields a document may select once its fragments are expanded
    /// (`__typename` included, introspection aside).
    pub max_selections: usize,
    /// Most mutation fields one request may run.
    pub max_mutations: usize,
    /// The separate budget of selections under `__schema` and `__type`, which
    /// the limits above do not count.
    pub introspection_budget: limits::IntrospectionLimits,
    /// Whether the schema answers introspection (`__schema`, `__type`).
    pub introspection: bool,
    /// Whether errors suggest similar names ("Did you mean ...?").
    pub field_suggestions: bool,
}

impl Default for Limits {
    /// The limits of `serve`'s defaults, with introspection and suggestions on.
    fn default() -> Self {
        Limits {
            max_depth: 12,
            max_complexity: 5_000,
            max_selections: 2_000,
            max_mutations: 10,
            introspection_budget: limits::IntrospectionLimits::default(),
            introspection: true,
            field_suggestions: true,
        }
    }
}

/// Most directives one field may carry (CVE-2024-47614).
const MAX_DIRECTIVES: usize = 8;

/// Builds the schema with its limits and shared state.
pub fn build(state: AppState, limits: Limits) -> AppSchema {
    let size = limits::SizeLimits {
        max_selections: limits.max_selections,
        max_depth: limits.max_depth,
        max_mutations: limits.max_mutations,
        introspection: limits.introspection_budget,
    };
    let mut builder = describe()
        .limit_directives(MAX_DIRECTIVES)
        // First, so that the guard checks the query a hash stands for.
        .extension(persisted::PersistedQueries::new(size))
        // Depth and complexity are checked by the guard, which keeps the
        // introspection apart.
        .extension(guard::RequestGuard {
            size,
            max_complexity: limits.max_complexity,
            introspection: limits.introspection,
        })
        .extension(errors::ErrorCodes)
        .extension(nulls::NullPropagation)
        .extension(reads::AuditReads)
        .extension(operations::Operations)
        .data(state);
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    if !limits.field_suggestions {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The schema in SDL, as committed in `schema.graphql`, with the
/// `@specifiedBy` URL of each custom scalar.
pub fn sdl() -> String {
    describe()
        .finish()
        .sdl_with_options(SDLExportOptions::new().include_specified_by())
}

/// The schema's roots, with our description of async-graphql's `DateTime`.
fn describe() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .override_output_type_description::<DateTime<Utc>>(
        "An instant, RFC 3339 with an offset, e.g. `2026-12-10T23:00:00Z`.",
    )
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

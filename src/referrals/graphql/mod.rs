//! GraphQL types, queries, mutations and subscriptions of the referral
//! network. Resolvers parse input, call the services with the actor and map
//! the result; what each viewer sees is decided by [`crate::policy`].

/// The schema's enums, mirroring the stored ones.
pub mod enums;
/// Mutations: clients, consents, referrals, their steps and notes.
pub mod mutations;
/// Priming the loaders for what a page of referrals reads.
mod prime;
/// Queries: the inbox and outbox, statistics, an organization's clients.
pub mod queries;
/// Subscriptions: referral changes.
pub mod subscriptions;
/// The object types: clients, consents, referrals, history, notes, statistics.
pub mod types;

pub use mutations::ReferralsMutation;
pub use queries::ReferralsQuery;
pub use subscriptions::ReferralsSubscription;
pub use types::{Client, Consent, Referral};

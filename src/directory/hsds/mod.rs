//! Open Referral HSDS 3.0: the public directory as HSDS JSON (a read-only API
//! beside GraphQL, and dumps for other tools), and loading HSDS dumps.

/// HSDS objects built from the public view of the directory.
pub mod export;
/// The `/hsds/...` HTTP routes.
pub mod http;
/// Loading an HSDS dump into the directory.
pub mod import;
/// Service at locations, from the services' export.
pub mod locations;
/// A request's page and filters, and the page answered.
pub mod query;
/// The taxonomy and its terms.
pub mod taxonomy;

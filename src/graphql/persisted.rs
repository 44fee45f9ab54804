//! Apollo automatic persisted queries: a client sends the SHA-256 of its
//! query instead of the query; the first time the service answers
//! `PersistedQueryNotFound` (code `PERSISTED_QUERY_NOT_FOUND`), the client
//! sends hash and query once, and from then on the hash alone runs it.
//!
//! async-graphql's extension does the protocol; this module bounds what it
//! keeps and gives its refusal the code Apollo clients look for.

use super::limits::{self, SizeLimits};
use async_graphql::extensions::apollo_persisted_queries::{
    ApolloPersistedQueries, CacheStorage, LruCacheStorage,
};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensionValues, Request, ServerResult};
use std::sync::Arc;

/// Most queries remembered; the least recently used is forgotten first.
pub const CAPACITY: usize = 1_000;

/// The message Apollo clients expect when a hash is unknown.
const NOT_FOUND: &str = "PersistedQueryNotFound";

/// Factory of the persisted-queries extension, shared by every request.
pub struct PersistedQueries {
    inner: ApolloPersistedQueries<Bounded>,
}

impl PersistedQueries {
    /// A store of at most [`CAPACITY`] queries, each within `limits`.
    pub fn new(limits: SizeLimits) -> Self {
        PersistedQueries {
            inner: ApolloPersistedQueries::new(Bounded {
                queries: LruCacheStorage::new(CAPACITY),
                limits,
            }),
        }
    }
}

impl ExtensionFactory for PersistedQueries {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Coded(self.inner.create()))
    }
}

/// The store: a document beyond the size limits (which the request guard
/// refuses anyway) is not kept, so the store's size follows the limits.
#[derive(Clone)]
struct Bounded {
    queries: LruCacheStorage,
    limits: SizeLimits,
}

#[async_trait::async_trait]
impl CacheStorage for Bounded {
    async fn get(&self, key: String) -> Option<ExecutableDocument> {
        self.queries.get(key).await
    }

    async fn set(&self, key: String, query: ExecutableDocument) {
        if limits::check(&query, None, self.limits).is_ok() {
            self.queries.set(key, query).await;
        }
    }
}

/// async-graphql's extension, with `extensions.code` on its refusal.
struct Coded(Arc<dyn Extension>);

#[async_trait::async_trait]
impl Extension for Coded {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        self.0
            .prepare_request(ctx, request, next)
            .await
            .map_err(|mut error| {
                if error.message == NOT_FOUND && error.extensions.is_none() {
                    let mut extensions = ErrorExtensionValues::default();
                    extensions.set("code", "PERSISTED_QUERY_NOT_FOUND");
                    error.extensions = Some(extensions);
                }
                error
            })
    }
}

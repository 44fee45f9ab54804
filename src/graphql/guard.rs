//! The extension that inspects a request before async-graphql validates or
//! runs it: the document's expanded size ([`super::limits`]) and the values
//! it carries ([`super::input`]). It parses the document once and hands the
//! parsed form on, so nothing is parsed twice.

use super::{input, limits};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Request, ServerError, ServerResult};
use std::sync::Arc;

/// Factory of the request guard.
#[derive(Clone, Copy)]
pub struct RequestGuard {
    /// The document's size budget.
    pub size: limits::SizeLimits,
    /// Whether introspection is answered (else it is refused with a reason,
    /// rather than answered `null` as async-graphql does).
    pub introspection: bool,
}

impl ExtensionFactory for RequestGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestGuardExtension(*self))
    }
}

struct RequestGuardExtension(RequestGuard);

#[async_trait::async_trait]
impl Extension for RequestGuardExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let document = async_graphql::parser::parse_query(&request.query)?;
        let operation = request.operation_name.as_deref();
        limits::check(&document, operation, self.0.size)?;
        if !self.0.introspection && limits::asks_introspection(&document, operation) {
            return Err(ServerError::new(
                "introspection is switched off on this service; its schema is published as schema.graphql",
                None,
            ));
        }
        input::check(
            &ctx.schema_env.registry,
            &document,
            operation,
            &request.variables,
        )?;
        request.set_parsed_query(document);
        next.run(ctx, request).await
    }
}

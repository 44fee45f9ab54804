//! The extension that inspects a request before async-graphql validates or
//! runs it: the document's expanded size and depth ([`super::limits`]) and
//! the values it carries ([`super::input`]); then, once async-graphql has
//! counted the document's complexity, that complexity. It parses the document
//! once (or takes the one a persisted query stands for) and hands the parsed
//! form on, so nothing is parsed twice.

use super::{input, limits};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextValidation,
};
use async_graphql::{Request, ServerError, ServerResult, ValidationResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Factory of the request guard.
#[derive(Clone, Copy)]
pub struct RequestGuard {
    /// The document's size budget.
    pub size: limits::SizeLimits,
    /// Highest complexity allowed, introspection aside (which
    /// `size.introspection` bounds).
    pub max_complexity: usize,
    /// Whether introspection is answered (else it is refused with a reason,
    /// rather than answered `null` as async-graphql does).
    pub introspection: bool,
}

impl ExtensionFactory for RequestGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestGuardExtension {
            guard: *self,
            introspection_complexity: AtomicUsize::new(0),
        })
    }
}

/// One request's guard: it remembers what the introspection part of the
/// document costs between preparing the request and validating it.
struct RequestGuardExtension {
    guard: RequestGuard,
    introspection_complexity: AtomicUsize,
}

#[async_trait::async_trait]
impl Extension for RequestGuardExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // A persisted query arrives parsed, with no text.
        let document = request.parsed_query()?.clone();
        let operation = request.operation_name.as_deref();
        let shape = limits::check(&document, operation, self.guard.size)?;
        self.introspection_complexity
            .store(shape.introspection_complexity(), Ordering::Relaxed);
        if !self.guard.introspection && limits::asks_introspection(&document, operation) {
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

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        // async-graphql counts every field but `__typename`, introspection
        // included; the introspection budget has bounded that part already.
        let introspection = self.introspection_complexity.load(Ordering::Relaxed);
        let complexity = result.complexity.saturating_sub(introspection);
        if complexity > self.guard.max_complexity {
            return Err(vec![ServerError::new(
                format!(
                    "the query's complexity is {complexity}; at most {} is allowed \
                     (a connection costs its page size times what each node selects)",
                    self.guard.max_complexity
                ),
                None,
            )]);
        }
        Ok(result)
    }
}

//! Writes the reads of clients' details to the audit log, in one statement,
//! when a request ends and after each message of a subscription (async-graphql
//! runs the `execute` hook for every subscription event too), before the answer
//! leaves. If that write fails the answer is withheld: personal data never
//! leaves without its audit entry.

use crate::audit::reads::ReadLog;
use crate::auth::Actor;
use crate::error::AppError;
use crate::state::AppState;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::{Response, ServerError};
use std::sync::Arc;

/// Factory of the read-audit extension.
pub struct AuditReads;

impl ExtensionFactory for AuditReads {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AuditReadsExtension)
    }
}

struct AuditReadsExtension;

#[async_trait::async_trait]
impl Extension for AuditReadsExtension {
    // `execute` rather than `request`: only from here on does the context hold
    // the request's data (its actor and read log).
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        let (Some(log), Some(actor), Some(state)) = (
            ctx.data_opt::<ReadLog>(),
            ctx.data_opt::<Actor>(),
            ctx.data_opt::<AppState>(),
        ) else {
            return response;
        };
        match log.flush(&state.db, actor).await {
            Ok(()) => response,
            Err(error) => {
                let error = match error {
                    unavailable if unavailable.code() == "SERVICE_UNAVAILABLE" => unavailable,
                    other => AppError::Internal(format!("audit of reads: {other}")),
                };
                let (message, extensions) = error.client_view();
                let mut server_error = ServerError::new(message, None);
                server_error.extensions = Some(extensions);
                Response::from_errors(vec![server_error])
            }
        }
    }
}

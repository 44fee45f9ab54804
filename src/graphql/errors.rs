//! Gives every error of a response its `extensions.code`.
//!
//! Services fail with [`AppError`], which resolvers pass on with `?`; here each
//! error is mapped by [`AppError::client_view`]. Errors the engine raises itself
//! (syntax, unknown fields, wrong argument types, limits) are the client's:
//! `BAD_USER_INPUT`. Anything else is a bug: `INTERNAL`, its text logged, not sent.

use crate::error::AppError;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextSubscribe,
};
use async_graphql::{ErrorExtensionValues, PathSegment, Response, ServerError};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use std::sync::Arc;

/// Factory of the error-code extension.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

#[async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        response.errors.iter_mut().for_each(classify);
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream)
            .map(|mut response| {
                response.errors.iter_mut().for_each(classify);
                response
            })
            .boxed()
    }
}

fn classify(error: &mut ServerError) {
    let mapped = error
        .source::<AppError>()
        .map(|app| (app.code(), app.client_view()));
    if let Some((code, (message, extensions))) = mapped {
        set(error, code, message, extensions);
        return;
    }
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some());
    if has_code {
        return;
    }
    let internal = error.source.is_some();
    let app = if internal {
        AppError::Internal(error.message.clone())
    } else {
        AppError::bad_input(field_of(error), error.message.clone())
    };
    let (message, extensions) = app.client_view();
    set(error, app.code(), message, extensions);
}

fn set(
    error: &mut ServerError,
    code: &'static str,
    message: String,
    extensions: ErrorExtensionValues,
) {
    metrics::counter!("graphql_errors_total", "code" => code).increment(1);
    error.message = message;
    error.extensions = Some(extensions);
}

/// The resolver path of an engine error, which names the argument's field.
/// Validation errors of the whole document have no path: they name `query`.
fn field_of(error: &ServerError) -> String {
    if error.path.is_empty() {
        return "query".into();
    }
    error
        .path
        .iter()
        .map(|segment| match segment {
            PathSegment::Field(name) => name.clone(),
            PathSegment::Index(index) => index.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

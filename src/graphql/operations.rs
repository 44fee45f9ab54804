//! Which operation each request ran, by name and type, for the request's log
//! line and the GraphQL metrics. Read from the parsed document (after a
//! persisted query's hash is resolved), never from the query text or the
//! variables.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerResult, Variables};
use std::sync::{Arc, Mutex, PoisonError};

/// The operation a request ran: its name as the client gave it, if any, and
/// `query`, `mutation` or `subscription`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Operation {
    /// The operation's name; `None` for an anonymous one.
    pub name: Option<String>,
    /// Its type; `None` when the document did not parse or name one.
    pub kind: Option<&'static str>,
}

/// Where the extension notes the request's operation; the caller puts one in
/// each request's data and reads it once the request is done.
#[derive(Clone, Default)]
pub struct OperationNote(Arc<Mutex<Operation>>);

impl OperationNote {
    /// The operation noted so far (the default one if the request never
    /// got to execution).
    pub fn get(&self) -> Operation {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Factory of the extension.
pub struct Operations;

impl ExtensionFactory for Operations {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationsExtension::default())
    }
}

#[derive(Default)]
struct OperationsExtension {
    requested: Mutex<Option<String>>,
    seen: Mutex<Operation>,
}

fn kind_of(ty: OperationType) -> &'static str {
    match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

/// The operation that runs: the one named by `operationName`, or the
/// document's only one.
fn chosen(document: &ExecutableDocument, requested: Option<&str>) -> Operation {
    match (&document.operations, requested) {
        (DocumentOperations::Single(op), _) => Operation {
            name: requested.map(str::to_owned),
            kind: Some(kind_of(op.node.ty)),
        },
        (DocumentOperations::Multiple(ops), Some(name)) => Operation {
            name: Some(name.to_owned()),
            kind: ops.get(name).map(|op| kind_of(op.node.ty)),
        },
        (DocumentOperations::Multiple(ops), None) => match ops.iter().next() {
            Some((name, op)) if ops.len() == 1 => Operation {
                name: Some(name.to_string()),
                kind: Some(kind_of(op.node.ty)),
            },
            _ => Operation::default(),
        },
    }
}

#[async_trait::async_trait]
impl Extension for OperationsExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        *self
            .requested
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = request.operation_name.clone();
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let requested = self
            .requested
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) =
            chosen(&document, requested.as_deref());
        Ok(document)
    }

    // Only from `execute` on does the context hold the request's data.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(note) = ctx.data_opt::<OperationNote>() {
            let seen = self
                .seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            *note.0.lock().unwrap_or_else(PoisonError::into_inner) = seen;
        }
        next.run(ctx, operation_name).await
    }
}

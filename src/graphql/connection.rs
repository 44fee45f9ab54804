//! Relay connections built from service pages, with `totalCount`.
//!
//! [`connection!`](crate::connection) declares one documented connection and
//! edge type per node type; async-graphql's generic connection has no
//! descriptions, and every type of our schema has one.

use async_graphql::Context;
pub use async_graphql::connection::PageInfo;

/// Whether the client selected `field` on the nodes of the connection being
/// resolved (through `nodes { … }` or `edges { node { … } }`).
pub fn selects(ctx: &Context<'_>, field: &str) -> bool {
    let ahead = ctx.look_ahead();
    ahead.field("nodes").field(field).exists()
        || ahead.field("edges").field("node").field(field).exists()
}

/// Declares `$connection` and `$edge` for nodes of type `$node`, built from a
/// service [`Page`](crate::pagination::Page) with `$connection::from_page`.
#[macro_export]
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $plural:literal) => {
        #[doc = concat!("A page of ", $plural, ", with what is needed to fetch the pages around it.")]
        pub struct $connection {
            edges: Vec<$edge>,
            page_info: $crate::graphql::connection::PageInfo,
            total_count: u64,
        }

        #[doc = concat!("A page of ", $plural, ", with what is needed to fetch the pages around it.")]
        #[async_graphql::Object]
        impl $connection {
            /// The items of this page, each with its cursor.
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }
            /// The items of this page, without cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|e| &e.node).collect()
            }
            /// Where this page lies: cursors of its ends and whether more pages exist.
            async fn page_info(&self) -> &$crate::graphql::connection::PageInfo {
                &self.page_info
            }
            /// How many items match, ignoring pagination.
            async fn total_count(&self) -> u64 {
                self.total_count
            }
        }

        #[doc = concat!("One of ", $plural, " in a page, with its cursor.")]
        pub struct $edge {
            cursor: String,
            node: $node,
        }

        #[doc = concat!("One of ", $plural, " in a page, with its cursor.")]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque position of this item: pass it as `after` or `before`.
            async fn cursor(&self) -> &str {
                &self.cursor
            }
            /// The item.
            async fn node(&self) -> &$node {
                &self.node
            }
        }

        impl $connection {
            /// The connection of a page of rows, each turned into a node by `node`.
            pub fn from_page<T: $crate::pagination::Keyed>(
                page: $crate::pagination::Page<T>,
                node: impl Fn(T) -> $node,
            ) -> Self {
                let edges: Vec<$edge> = page
                    .items
                    .into_iter()
                    .map(|item| $edge {
                        cursor: item.cursor().encode(),
                        node: node(item),
                    })
                    .collect();
                $connection {
                    page_info: $crate::graphql::connection::PageInfo {
                        has_previous_page: page.has_previous_page,
                        has_next_page: page.has_next_page,
                        start_cursor: edges.first().map(|e| e.cursor.clone()),
                        end_cursor: edges.last().map(|e| e.cursor.clone()),
                    },
                    edges,
                    total_count: page.total_count,
                }
            }
        }
    };
}

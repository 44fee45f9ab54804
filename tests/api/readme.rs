//! The README's example queries run as written against the demo coalition.

use crate::helpers::{ORG_A, TestApp};
use serde_json::json;

fn graphql_blocks(readme: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```graphql") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

#[tokio::test]
async fn every_example_query_in_the_readme_runs_without_errors() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let queries: Vec<String> = graphql_blocks(&readme)
        .into_iter()
        .filter(|b| {
            !b.trim_start().starts_with("mutation") && !b.trim_start().starts_with("subscription")
        })
        .collect();
    assert!(queries.len() >= 3, "the README shows example queries");
    let app = TestApp::spawn().await;
    let admin = app.token_of("admin", ORG_A).await;
    for query in queries {
        let answer = app.graphql(Some(&admin), &query, json!({})).await;
        assert!(
            answer.body.get("errors").is_none(),
            "README example failed:\n{query}\n{}",
            answer.body
        );
    }
}

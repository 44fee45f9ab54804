//! Fetches GraphiQL's production bundles (and React's, which they run on)
//! with `npm ci` from `graphiql/package-lock.json`, so that the binary embeds
//! them and GraphiQL works without reaching a CDN. `GRAPHIQL_NODE_MODULES`
//! names an already-installed `node_modules` instead, for offline builds.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The files the binary embeds, as (path under node_modules, name in OUT_DIR).
const ASSETS: [(&str, &str); 4] = [
    ("graphiql/graphiql.min.js", "graphiql.min.js"),
    ("graphiql/graphiql.min.css", "graphiql.min.css"),
    (
        "react/umd/react.production.min.js",
        "react.production.min.js",
    ),
    (
        "react-dom/umd/react-dom.production.min.js",
        "react-dom.production.min.js",
    ),
];

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    println!("cargo::rerun-if-changed=graphiql/package.json");
    println!("cargo::rerun-if-changed=graphiql/package-lock.json");
    println!("cargo::rerun-if-env-changed=GRAPHIQL_NODE_MODULES");
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?);
    let node_modules = match env::var_os("GRAPHIQL_NODE_MODULES") {
        Some(dir) => PathBuf::from(dir),
        None => npm_ci(&out.join("npm"))?,
    };
    let assets = out.join("graphiql");
    fs::create_dir_all(&assets).map_err(|e| format!("{}: {e}", assets.display()))?;
    for (from, to) in ASSETS {
        let source = node_modules.join(from);
        fs::copy(&source, assets.join(to)).map_err(|e| {
            format!(
                "{}: {e} (GraphiQL's assets come from the npm packages pinned in \
                 graphiql/package-lock.json)",
                source.display()
            )
        })?;
    }
    Ok(())
}

/// Installs the locked packages into `dir` and returns its `node_modules`.
/// `--ignore-scripts`: no package's install script runs on the build machine.
fn npm_ci(dir: &Path) -> Result<PathBuf, String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for file in ["package.json", "package-lock.json"] {
        let source = Path::new("graphiql").join(file);
        fs::copy(&source, dir.join(file)).map_err(|e| format!("{}: {e}", source.display()))?;
    }
    let status = Command::new("npm")
        .args([
            "ci",
            "--ignore-scripts",
            "--prefer-offline",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(dir)
        .status()
        .map_err(|e| {
            format!(
                "could not run npm ({e}): building coalition needs npm (Node.js) to fetch \
                 GraphiQL's assets, or GRAPHIQL_NODE_MODULES set to a node_modules folder \
                 where `npm ci` already ran on graphiql/package-lock.json"
            )
        })?;
    if !status.success() {
        return Err(format!(
            "`npm ci` in {} failed ({status}); set GRAPHIQL_NODE_MODULES to an installed \
             node_modules to build without the npm registry",
            dir.display()
        ));
    }
    Ok(dir.join("node_modules"))
}

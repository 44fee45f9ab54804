#!/usr/bin/env bash
# GraphQL over HTTP conformance: starts the built service on a free port over
# a throwaway SQLite file with the demo data, runs the graphql-http audit suite
# against /graphql, and fails on any MUST or SHOULD failure. graphql-http is
# installed with npm, at a pinned version, into a temporary folder (nothing is
# kept). The server is stopped whatever happens.
#
#   .ci/graphql-http-audit.sh [BINARY]      (default: target/debug/coalition)
set -euo pipefail
cd "$(dirname "$0")/.."

GRAPHQL_HTTP_VERSION=1.23.1
GRAPHQL_VERSION=16.15.0
binary="${1:-target/debug/coalition}"

source .ci/demo-server.sh

echo "installing graphql-http@$GRAPHQL_HTTP_VERSION (graphql@$GRAPHQL_VERSION) into $work"
cp .ci/graphql-http-audit.mjs "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund --no-save --no-package-lock \
  "graphql-http@$GRAPHQL_HTTP_VERSION" "graphql@$GRAPHQL_VERSION" >/dev/null)

start_demo_server "$binary"
node "$work/graphql-http-audit.mjs" "$base_url/graphql"

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
[ -x "$binary" ] || { echo "no service binary at $binary (cargo build first)" >&2; exit 2; }

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "installing graphql-http@$GRAPHQL_HTTP_VERSION (graphql@$GRAPHQL_VERSION) into $work"
cp .ci/graphql-http-audit.mjs "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund --no-save --no-package-lock \
  "graphql-http@$GRAPHQL_HTTP_VERSION" "graphql@$GRAPHQL_VERSION" >/dev/null)

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
env -u JWT_SECRET -u JWT_PUBLIC_KEY_FILE \
  DATABASE_URL="sqlite://$work/audit.db?mode=rwc" BIND_ADDR="127.0.0.1:$port" RUST_LOG=warn \
  "$binary" serve --demo >"$work/server.log" 2>&1 &
server=$!

for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { echo "the service exited:" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" || { echo "the service did not get ready" >&2; cat "$work/server.log" >&2; exit 1; }

node "$work/graphql-http-audit.mjs" "http://127.0.0.1:$port/graphql"

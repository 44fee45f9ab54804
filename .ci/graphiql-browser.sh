#!/usr/bin/env bash
# GraphiQL in a real browser, offline: starts the built service with the demo
# data, opens /graphql in headless Chromium (Debian's, installed with apt-get
# if missing) driven by playwright-core (npm, pinned, into a temporary folder),
# with every request to another host aborted, and checks that GraphiQL renders,
# loads the schema into its docs explorer and runs the default query.
#
#   .ci/graphiql-browser.sh [BINARY]      (default: target/debug/coalition)
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_CORE_VERSION=1.57.0
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
binary="${1:-target/debug/coalition}"

if [ ! -x "$CHROMIUM" ]; then
  echo "installing Debian's chromium"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

source .ci/demo-server.sh

echo "installing playwright-core@$PLAYWRIGHT_CORE_VERSION into $work"
cp .ci/graphiql-browser.mjs "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund --no-save --no-package-lock \
  "playwright-core@$PLAYWRIGHT_CORE_VERSION" >/dev/null)

start_demo_server "$binary"
node "$work/graphiql-browser.mjs" "$base_url" "$CHROMIUM"

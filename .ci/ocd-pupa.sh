#!/usr/bin/env bash
# Open Civic Data: starts the built service with the demo data, and validates
# the OCD export of every public body (organization, events, vote events)
# against the JSON Schemas of pupa with pupa's own validator settings
# (.ci/ocd-pupa.py). pupa is installed from PyPI, at a pinned version, into a
# throwaway virtualenv in the temporary folder (nothing is kept).
#
#   .ci/ocd-pupa.sh [BINARY]      (default: target/debug/coalition)
set -euo pipefail
cd "$(dirname "$0")/.."

PUPA_VERSION=0.11.0
# pupa asks for jsonschema>=3 and any opencivicdata: pinned too, for the same validator every run.
JSONSCHEMA_VERSION=4.26.0
OPENCIVICDATA_VERSION=3.4.0
binary="${1:-target/debug/coalition}"

source .ci/demo-server.sh

echo "installing pupa==$PUPA_VERSION into a virtualenv in $work"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check \
  "pupa==$PUPA_VERSION" "jsonschema==$JSONSCHEMA_VERSION" "opencivicdata==$OPENCIVICDATA_VERSION"

start_demo_server "$binary" PUBLIC_URL=
"$work/venv/bin/python" .ci/ocd-pupa.py "$base_url"

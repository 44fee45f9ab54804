#!/usr/bin/env bash
# Generated client types compile: starts the built service on a free port over
# a throwaway SQLite file with the demo data, extracts every GraphQL operation
# of the README (fenced graphql blocks and the bodies of its curl requests)
# into .graphql documents, runs graphql-codegen (typescript and
# typescript-operations plugins) against the schema introspected at the
# running URL, and compiles the result with `tsc --strict --noEmit`, with one
# import per README operation so that each must have produced its type.
# The npm packages are installed at pinned versions into a temporary folder.
#
#   .ci/codegen.sh [BINARY]      (default: target/debug/coalition)
set -euo pipefail
cd "$(dirname "$0")/.."

CODEGEN_CLI_VERSION=7.4.3
CODEGEN_TYPESCRIPT_VERSION=6.1.0
CODEGEN_OPERATIONS_VERSION=6.1.9
TYPESCRIPT_VERSION=5.9.3
GRAPHQL_VERSION=16.15.0
binary="${1:-target/debug/coalition}"

source .ci/demo-server.sh

echo "installing @graphql-codegen/cli@$CODEGEN_CLI_VERSION, typescript@$TYPESCRIPT_VERSION and the plugins into $work"
(cd "$work" && npm install --silent --no-audit --no-fund --no-save --no-package-lock \
  "@graphql-codegen/cli@$CODEGEN_CLI_VERSION" \
  "@graphql-codegen/typescript@$CODEGEN_TYPESCRIPT_VERSION" \
  "@graphql-codegen/typescript-operations@$CODEGEN_OPERATIONS_VERSION" \
  "typescript@$TYPESCRIPT_VERSION" "graphql@$GRAPHQL_VERSION" >/dev/null)

# One document per operation, named after it; an anonymous operation stops
# the check, as code generators refuse them.
python3 - README.md "$work/documents" "$work/operations.ts" <<'PY'
import json, pathlib, re, sys

readme, out, imports = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
out.mkdir()
operations, fence, block = [], None, []
for line in readme.read_text().splitlines():
    stripped = line.strip()
    if fence is None:
        if stripped.startswith("```"):
            fence, block = stripped[3:], []
    elif stripped == "```":
        if fence == "graphql":
            operations.append("\n".join(block))
        fence = None
    else:
        block.append(line)
        if fence == "sh" and "'{\"query\"" in line:
            body = line[line.index("'{\"query\"") + 1 : line.rindex("}'") + 1]
            operations.append(json.loads(body)["query"])
names = []
for document in operations:
    match = re.match(r"\s*(query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)", document)
    if not match:
        sys.exit(f"an anonymous operation in README.md:\n{document}")
    kind, name = match.groups()
    (out / f"{len(names):02}-{name}.graphql").write_text(document + "\n")
    names.append(f"{name}{kind.capitalize()}")
imports.write_text(
    "".join(f'import type {{ {n} }} from "./types";\n' for n in names)
    + "export type ReadmeOperations = [" + ", ".join(names) + "];\n"
)
print(f"{len(names)} operations extracted from README.md")
PY

start_demo_server "$binary"
# typescript-operations 6 emits the enums, inputs and scalars the operations
# use by itself: given beside the typescript plugin in one file it declares
# them twice, so the schema's types and the operations' go to two files.
scalars='{ "DateTime": "string", "Date": "string" }'
cat >"$work/codegen.json" <<JSON
{
  "schema": "$base_url/graphql",
  "documents": "documents/*.graphql",
  "config": { "strictScalars": true, "scalars": $scalars },
  "generates": {
    "schema-types.ts": { "plugins": ["typescript"] },
    "types.ts": { "plugins": ["typescript-operations"] }
  }
}
JSON
(cd "$work" && npx --no-install graphql-codegen --config codegen.json)
(cd "$work" && npx --no-install tsc --strict --noEmit --target es2022 --module esnext \
  --moduleResolution bundler --skipLibCheck schema-types.ts types.ts operations.ts)
echo "README operations: types generated from $base_url/graphql compile under tsc --strict"

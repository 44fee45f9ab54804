# Sourced by the CI checks that need a running service: starts the built
# binary with the demo data over a throwaway SQLite file on a free port, waits
# until it is ready, and stops it (and removes the folder) when the sourcing
# script exits. After `start_demo_server BINARY`, `$work` is the temporary
# folder and `$base_url` the service's address (http://127.0.0.1:PORT).
#
#   source .ci/demo-server.sh
#   start_demo_server target/debug/coalition [extra env assignments...]

work="$(mktemp -d)"
server=""
base_url=""
stop_demo_server() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_demo_server EXIT

start_demo_server() {
  local binary="$1"
  shift
  [ -x "$binary" ] || { echo "no service binary at $binary (cargo build first)" >&2; exit 2; }
  local port
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  env -u JWT_SECRET -u JWT_PUBLIC_KEY_FILE \
    DATABASE_URL="sqlite://$work/demo.db?mode=rwc" BIND_ADDR="127.0.0.1:$port" RUST_LOG=warn "$@" \
    "$binary" serve --demo >"$work/server.log" 2>&1 &
  server=$!
  base_url="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$base_url/readyz" 2>/dev/null && return 0
    kill -0 "$server" 2>/dev/null || { echo "the service exited:" >&2; cat "$work/server.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the service did not get ready" >&2
  cat "$work/server.log" >&2
  exit 1
}

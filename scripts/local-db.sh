#!/usr/bin/env bash
# Runs a local MongoDB-compatible server (FerretDB on SQLite) under .data/, so that a developer,
# the sandbox and CI need nothing but this repository. Usage: scripts/local-db.sh start|stop|status|install
#
# FERRETDB_HANDLER=postgresql (with FERRETDB_POSTGRESQL_URL, default postgres://postgres@127.0.0.1:5432/ferretdb)
# runs it on PostgreSQL instead: much faster for lookups by field (the SQLite backend scans), used by `npm run bench`.
# FERRETDB_PORT (default 27017) lets both run side by side.
#
# FerretDB v1.24.1 is the version the design names, but the Go module proxy reachable here refuses it
# (403 "This module version is not available"); v1.24.2 is the same line's next patch release and is
# served, so it is used unless FERRETDB_VERSION says otherwise. The module's zip lacks the generated
# build/version/version.txt, so `go install pkg@version` builds a binary that panics at start; we build
# from a writable copy of the module with that file written, and cache the binary in $(go env GOPATH)/bin.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
PORT="${FERRETDB_PORT:-27017}"
HANDLER="${FERRETDB_HANDLER:-sqlite}"
# FerretDB keeps up to 50 PostgreSQL connections by default and can hang when all of them wait on a collection being
# created; 80 (of PostgreSQL's 100) leaves room.
PG_URL="${FERRETDB_POSTGRESQL_URL:-postgres://postgres@127.0.0.1:5432/ferretdb?pool_max_conns=80}"
NAME="ferretdb-$HANDLER-$PORT"
DATA_DIR="${FERRETDB_DATA_DIR:-$ROOT/.data/ferretdb}"
STATE_DIR="$ROOT/.data/$NAME-state"
PID_FILE="$ROOT/.data/$NAME.pid"
LOG_FILE="$ROOT/.data/$NAME.log"

gobin() {
  local dir
  dir="$(go env GOBIN)"
  [ -n "$dir" ] || dir="$(go env GOPATH)/bin"
  echo "$dir"
}

ferretdb_bin() {
  if [ -n "${FERRETDB_BIN:-}" ]; then echo "$FERRETDB_BIN"; return; fi
  echo "$(gobin)/ferretdb-$FERRETDB_VERSION"
}

install() {
  local bin
  bin="$(ferretdb_bin)"
  if [ -x "$bin" ] && [[ "$("$bin" --version 2>/dev/null)" == *"version: $FERRETDB_VERSION"* ]]; then
    return 0
  fi
  command -v go >/dev/null || { echo "local-db: Go is needed to build FerretDB (https://go.dev/dl/)" >&2; exit 1; }
  echo "local-db: building FerretDB $FERRETDB_VERSION (once; cached as $bin)..." >&2
  local work
  work="$(mktemp -d)"
  (
    cd "$work"
    go mod init ferretdb-build >/dev/null 2>&1
    GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" > download.json
  )
  local src
  src="$(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if(j.Error){console.error(j.Error);process.exit(1)} console.log(j.Dir)' "$work/download.json")"
  cp -r "$src/." "$work/src/" 2>/dev/null || { mkdir -p "$work/src"; cp -r "$src/." "$work/src/"; }
  chmod -R u+w "$work/src"
  echo "$FERRETDB_VERSION" > "$work/src/build/version/version.txt"
  mkdir -p "$(dirname "$bin")"
  (cd "$work/src" && go build -trimpath -o "$bin.tmp" ./cmd/ferretdb)
  mv "$bin.tmp" "$bin"
  rm -rf "$work"
}

is_running() {
  [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

port_answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

start() {
  if is_running; then echo "local-db: FerretDB already running (pid $(cat "$PID_FILE")) on 127.0.0.1:$PORT"; return 0; fi
  if port_answers; then echo "local-db: something already listens on 127.0.0.1:$PORT; using it"; return 0; fi
  install
  mkdir -p "$DATA_DIR" "$STATE_DIR"
  local backend
  if [ "$HANDLER" = postgresql ]; then
    backend=(--handler=postgresql "--postgresql-url=$PG_URL")
    local db="${PG_URL##*/}"; db="${db%%\?*}"
    # FerretDB needs the database to exist; create it when psql can reach the server.
    if command -v psql >/dev/null; then
      psql "${PG_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" 2>/dev/null | grep -q 1 ||
        psql "${PG_URL%/*}/postgres" -qc "CREATE DATABASE \"$db\"" >/dev/null 2>&1 || true
    fi
  else
    backend=(--handler=sqlite "--sqlite-url=file:$DATA_DIR/")
  fi
  nohup "$(ferretdb_bin)" "${backend[@]}" \
    --listen-addr="127.0.0.1:$PORT" --state-dir="$STATE_DIR" --telemetry=disable --debug-addr=- \
    --log-level=error >"$LOG_FILE" 2>&1 &
  echo $! > "$PID_FILE"
  for _ in $(seq 1 100); do
    if port_answers; then echo "local-db: FerretDB $FERRETDB_VERSION ($HANDLER) on mongodb://127.0.0.1:$PORT"; return 0; fi
    if ! is_running; then break; fi
    sleep 0.1
  done
  echo "local-db: FerretDB did not start; see $LOG_FILE" >&2
  tail -20 "$LOG_FILE" >&2 || true
  exit 1
}

stop() {
  if is_running; then
    kill "$(cat "$PID_FILE")"
    for _ in $(seq 1 50); do is_running || break; sleep 0.1; done
    echo "local-db: stopped"
  else
    echo "local-db: not running"
  fi
  rm -f "$PID_FILE"
}

status() {
  if is_running; then echo "local-db: running (pid $(cat "$PID_FILE")) on 127.0.0.1:$PORT"; else echo "local-db: not running"; exit 3; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  install) install ;;
  *) echo "usage: scripts/local-db.sh start|stop|status|install" >&2; exit 2 ;;
esac

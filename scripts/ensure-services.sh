#!/usr/bin/env bash
# Makes sure what the bot and the tests need is installed and running: npm packages, FerretDB (unless
# MONGODB_URI / MONGODB_TEST_URI point elsewhere) and Redis (unless REDIS_URL points elsewhere).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages..." >&2
  # npm ci refuses the lock file npm 11 writes here (platform-specific optional packages of jest's resolver are
  # left out of it), so install from the lock with npm install, which keeps the locked versions.
  npm install --no-audit --no-fund --loglevel=error
fi

if [ -z "${MONGODB_URI:-}" ] && [ -z "${MONGODB_TEST_URI:-}" ]; then
  bash scripts/local-db.sh start
fi

redis_ok() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }
if [ -z "${REDIS_URL:-}" ] && ! redis_ok; then
  if ! command -v redis-server >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing redis-server..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  if command -v redis-server >/dev/null; then
    mkdir -p .data
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir "$ROOT/.data" \
      --logfile "$ROOT/.data/redis.log"
    for _ in $(seq 1 50); do redis_ok && break; sleep 0.1; done
    redis_ok && echo "setup: Redis started on 127.0.0.1:6379" >&2
  fi
  redis_ok || { echo "setup: Redis is not running on 127.0.0.1:6379 and could not be started; install redis-server or set REDIS_URL" >&2; exit 1; }
fi

#!/usr/bin/env bash
# npm run sandbox: try the bot without Telegram. Makes sure FerretDB and Redis run, builds when src/ changed, then
# starts src/sandbox/terminal.ts (compiled): a local Bot API emulator, the real bot as a child process
# (node dist/main.js, logs in .data/sandbox-bot.log) and a chat in this terminal. Input may be piped, one line each.
#
#   MONGODB_URI   use this database instead of the sandbox's own (cmn_sandbox, emptied at every start)
#   REDIS_URL     use this Redis instead of 127.0.0.1:6379 (started here when it is not running)
#   SANDBOX_KEEP=1      keep the sandbox database and dialogues of the previous run
#   SANDBOX_BUILD=0     do not build (dist/ is known to be current)
#   SANDBOX_BOT_LOG     where the bot's log goes (default .data/sandbox-bot.log)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p .data

say() { echo "sandbox: $*" >&2; }

if [ ! -d node_modules ]; then
  say "npm packages are not installed; run: npm ci"
  exit 1
fi

# The MongoDB-compatible database: the local FerretDB unless the operator named another one.
if [ -z "${MONGODB_URI:-}" ]; then
  bash scripts/local-db.sh start >&2
fi

# Redis.
REDIS_TARGET="${REDIS_URL:-redis://127.0.0.1:6379}"
redis_ok() {
  if command -v redis-cli >/dev/null; then
    redis-cli -u "$REDIS_TARGET" ping 2>/dev/null | grep -q PONG
  else
    # No redis-cli: at least something must accept connections at host:port of the URL.
    local hostport host port
    hostport="$(echo "$REDIS_TARGET" | sed -E 's#^rediss?://([^@/]*@)?([^/?]+).*#\2#')"
    host="${hostport%:*}"
    port="${hostport##*:}"
    [ "$port" = "$hostport" ] && port=6379
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
  fi
}
if ! redis_ok; then
  if [ -z "${REDIS_URL:-}" ] && command -v redis-server >/dev/null; then
    say "Redis is not running; starting redis-server on 127.0.0.1:6379 (no persistence)"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir "$ROOT/.data" --logfile "$ROOT/.data/redis.log" >&2
    for _ in $(seq 1 50); do redis_ok && break; sleep 0.1; done
  fi
  if ! redis_ok; then
    if [ -n "${REDIS_URL:-}" ]; then
      say "Redis at REDIS_URL=$REDIS_URL does not answer. Start it or unset REDIS_URL to use a local one."
    elif command -v redis-server >/dev/null; then
      say "redis-server was started but does not answer on 127.0.0.1:6379; see .data/redis.log"
    else
      say "Redis is not running on 127.0.0.1:6379 and redis-server is not installed."
      say "Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL."
    fi
    exit 1
  fi
fi

# The bot runs as production runs it, from dist/; build when dist/ is missing or older than src/.
if [ "${SANDBOX_BUILD:-auto}" != "0" ]; then
  if [ ! -f dist/main.js ] || [ ! -f dist/sandbox/terminal.js ] || [ -n "$(find src -name '*.ts' -newer dist/main.js -print -quit)" ]; then
    say "building (npm run build)..."
    npm run build --silent >&2
  fi
fi
if [ ! -f dist/sandbox/terminal.js ]; then
  say "dist/sandbox/terminal.js is missing; run: npm run build"
  exit 1
fi

exec node dist/sandbox/terminal.js "$@"

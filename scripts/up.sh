#!/usr/bin/env bash
# One command from a fresh clone to a running bot: installs, starts FerretDB and Redis, builds, then runs the bot
# with BOT_TOKEN from the environment (or .env), or the terminal sandbox when there is no token.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ -f .env ]; then set -a; . ./.env; set +a; fi
bash scripts/ensure-services.sh
npm run build --silent
if [ -z "${BOT_TOKEN:-}" ]; then
  echo "BOT_TOKEN is not set: starting the sandbox (a local Telegram emulator and a terminal chat)." >&2
  echo "BOT_TOKEN не задан: запускаю песочницу (локальный эмулятор Telegram и чат в терминале)." >&2
  exec bash scripts/sandbox.sh
fi
exec node dist/main.js

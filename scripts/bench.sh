#!/usr/bin/env bash
# npm run bench: prints throughput and latency of the full bot beside a bare grammY bot, on FerretDB/SQLite (the
# local default) and, when PostgreSQL answers on 127.0.0.1:5432, on FerretDB/PostgreSQL too (the production-like
# backend). MONGODB_TEST_URI set by the user replaces both.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/ensure-services.sh
if [ -n "${MONGODB_TEST_URI:-}" ]; then exec npx tsx scripts/bench.ts; fi
echo "== FerretDB on SQLite (scripts/local-db.sh default)"
MONGODB_TEST_URI=mongodb://127.0.0.1:27017 npx tsx scripts/bench.ts
if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  FERRETDB_HANDLER=postgresql FERRETDB_PORT=27018 bash scripts/local-db.sh start >/dev/null
  echo "== FerretDB on PostgreSQL"
  MONGODB_TEST_URI=mongodb://127.0.0.1:27018 npx tsx scripts/bench.ts
fi

#!/usr/bin/env bash
# The one test command (npm test): sets up what the tests need, then checks locales, lint, types, build and jest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/ensure-services.sh
npx tsx scripts/check-locales.ts
npx eslint . --max-warnings=0
npx tsc --noEmit -p tsconfig.json
npm run build --silent
npx jest "$@"

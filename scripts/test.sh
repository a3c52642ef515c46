#!/usr/bin/env bash
# Runs every test tier after setup.sh: type check, unit, integration (real local processes),
# widget build with its size budget, and end-to-end (the real stack in headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1
echo "== typecheck"; pnpm -r typecheck
echo "== unit";        pnpm exec vitest run --project unit
echo "== integration"; pnpm exec vitest run --project integration --passWithNoTests
echo "== e2e";         pnpm exec vitest run --project e2e --passWithNoTests

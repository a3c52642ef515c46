#!/usr/bin/env bash
# Runs every test tier after setup.sh: type check, unit, integration (real local processes),
# end-to-end (the real stack in headless Chromium, SIP peers), and the benchmarks in short mode
# (they must run and measure; no assertion on absolute times — see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1
echo "== typecheck";   pnpm -r typecheck
echo "== unit";        pnpm exec vitest run --project unit
echo "== integration"; pnpm exec vitest run --project integration
echo "== e2e";         pnpm exec vitest run --project e2e
echo "== benchmarks (short)"
out=.state/bench-ci
# Each benchmark gets a hard time limit, so a hang fails CI at once instead of eating its budget.
bench() { (cd bench && timeout --kill-after=30s 20m ../node_modules/.bin/tsx "$@"); }
bench src/commit-path.ts --trials 2 --out "$PWD/$out/commit-path.json"
bench src/latency.ts --short --out "$PWD/$out/latency.json"
bench src/concurrency.ts --calls 1,2 --turns 1 --out "$PWD/$out/concurrency.json"
bench src/greeting.ts --calls 2 --out "$PWD/$out/greeting.json"
bench src/amd.ts --short --out "$PWD/$out/amd.json"
bench src/resume.ts --short --out "$PWD/$out/resume.json"

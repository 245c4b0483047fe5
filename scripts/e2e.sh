#!/usr/bin/env bash
# scripts/e2e.sh BINARY — the browser test: installs Debian's chromium, a
# CJK font (fonts-noto-cjk: without it every Chinese character renders as a
# box in the screenshots) and the pinned npm packages if missing, then runs
# every suite in e2e/suites/ through e2e/run.mjs against `BINARY demo`
# (screenshots in e2e/out/).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: scripts/e2e.sh path/to/weijian}

need=()
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
fonts=$(fc-list 2>/dev/null || true) # read whole: grep -q would end the pipe early, and pipefail fail it
if ! grep -qi 'Noto Sans CJK' <<<"$fonts"; then need+=(fonts-noto-cjk); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} with apt-get…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v node >/dev/null || { echo "node is required for the browser test (install Node.js 20+)"; exit 1; }
if [ ! -d e2e/node_modules/playwright-core ]; then
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
# The residents of the demo are generated at 5% (about 45,000 people with
# their services) unless E2E_DEMO_ARGS says otherwise: the whole county
# takes minutes on a shared 2-core machine (see BENCHMARKS.md).
export E2E_DEMO_ARGS="${E2E_DEMO_ARGS:---scale 0.05}"
WEIJIAN_BIN="$bin" CHROMIUM="${CHROMIUM:-/usr/bin/chromium}" node e2e/run.mjs

#!/usr/bin/env bash
# scripts/bench-vs-r.sh [OUT.md] — detector speed against R's surveillance,
# both timed on this machine in the same run.
#
# Installs R 4.2.2 and surveillance 1.20.3 (Debian 12: r-base-core,
# r-cran-surveillance, r-cran-jsonlite) with apt-get when Rscript or the
# package is missing, re-times R on a copy of every fixture of
# $WEIJIAN_FIXTURES (default ../shared/fixtures/surveillance) with
# ../shared/tools/surveillance-timing/retime.R, then runs
# `go test ./internal/detect -bench VersusR` on the same copy, and writes a
# markdown table (default bench-vs-r.md; also printed): per method the
# median ratio R time / Go time over its fixtures, and its slowest fixture.
#
# Environment: BENCHTIME (default 2s), COUNT (default 3 runs of the Go
# benchmark; the table gives the median of the runs), KEEP=1 keeps the
# fixture copy with R's TIMINGS.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-vs-r.md}
src=${WEIJIAN_FIXTURES:-../shared/fixtures/surveillance}
tool=${TIMING_TOOL:-../shared/tools/surveillance-timing/retime.R}

if ! Rscript -e 'suppressPackageStartupMessages({library(surveillance); library(jsonlite)})' >/dev/null 2>&1; then
  echo "bench-vs-r: installing R and surveillance with apt-get…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq r-base-core r-cran-surveillance r-cran-jsonlite >/dev/null
fi
rver=$(Rscript -e 'cat(R.version$major, ".", R.version$minor, " / surveillance ", format(packageVersion("surveillance")), sep = "")')

fx=$(mktemp -d)
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$fx"' EXIT
cp "$src"/* "$fx"/
echo "bench-vs-r: timing R ($rver) on $(ls "$fx"/*.json | wc -l) fixtures in $fx…" >&2
t0=$(date +%s)
Rscript "$tool" "$fx" >&2
echo "bench-vs-r: R took $(( $(date +%s) - t0 )) s; now Go…" >&2
raw="$fx/go-bench.txt"
WEIJIAN_FIXTURES="$fx" go test ./internal/detect -run '^$' -bench VersusR -benchtime "${BENCHTIME:-2s}" \
  -count "${COUNT:-3}" -v >"$raw"
load=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "R $rver and Go $(go env GOVERSION) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" \
    "($(nproc) cores), $(date -u '+%Y-%m-%d %H:%M UTC'), load average at the end: $load."
  echo "R: \`retime.R\` (median of 3 timings of the fixture's \`r_call\`); Go: \`go test ./internal/detect -bench VersusR" \
    "-benchtime ${BENCHTIME:-2s} -count ${COUNT:-3}\` right after, on the same fixture copy; figures are the median of the runs."
  echo
  echo "| method | fixtures | R ms per call (median) | Go µs per call (median) | ×R median (wall) | ×R median (CPU) | slowest fixture | its ×R | goal (median / slowest) |"
  echo "|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' 'NR == FNR { if (FNR > 1) rt[$2] = rt[$2] " " $3; next }
    function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    function metric(line, name,   i, f) { n = split(line, f, /[ \t]+/); for (i = 2; i <= n; i++) if (f[i] == name) return f[i - 1]; return "" }
    /^    bench_test.go:.*us  x/ { logs[++nl] = $0; next }
    /^BenchmarkVersusR\/[a-zA-Z]+-[0-9]+[ \t]/ {
      alg = $0; sub(/^BenchmarkVersusR\//, "", alg); sub(/-[0-9]+[ \t].*/, "", alg)
      if (!(alg in seen)) { seen[alg] = 1; order[++na] = alg }
      xm[alg] = xm[alg] " " metric($0, "xR_median"); xc[alg] = xc[alg] " " metric($0, "xR_cpu_median")
      xn[alg] = xn[alg] " " metric($0, "xR_min"); us[alg] = us[alg] " " metric($0, "us/fixture")
      worst = ""; wr = 1e300   # the last round logs its five worst fixtures last
      for (i = (nl > 5 ? nl - 4 : 1); i <= nl; i++) { nw = split(logs[i], w, /[ \t]+/); r = w[nw]; sub(/^x/, "", r)
        if (r + 0 < wr) { wr = r + 0; worst = w[3] } }
      nl = 0; slow[alg] = worst }
    END { for (k = 1; k <= na; k++) { a = order[k]; nf = split(rt[a], tmp, " ")
      goal = (a == "glrnb") ? 50 : 100; m = med(xm[a]); mn = med(xn[a])
      ok = (m >= goal && mn >= 10) ? "✓" : "✗"
      printf "| %s | %d | %.2f | %.1f | %.0f | %.0f | %s | %.1f | ≥ %d / ≥ 10 %s |\n", a, nf, med(rt[a]) * 1000, med(us[a]), m, med(xc[a]), slow[a], mn, goal, ok } }' \
    <(awk -F'\t' 'NR > 1' "$fx/TIMINGS.tsv" | awk -F'\t' 'BEGIN { print "h" } { print $1 "\t" $2 "\t" $3 }') "$raw"
  echo
  echo "\"slowest fixture\" is the last run's lowest ratio; \"its ×R\" is the median over the runs of each run's lowest ratio."
} | tee "$out"

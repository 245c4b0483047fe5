#!/usr/bin/env bash
# scripts/citus-check.sh BINARY — the binary on a real Citus cluster: the
# one scripts/check starts (scripts/citus.sh; WEIJIAN_TEST_CITUS names its
# coordinator). Applies the migrations (which make the shared tables
# reference tables and distribute every per-resident table by county_code:
# weijian_distribute, CITUS.md), imports 海安's divisions and a few
# residents and services through the binary, and checks with EXPLAIN that
# one county's person search and work list are each routed to a single
# shard ("Task Count: 1").
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: scripts/citus-check.sh path/to/weijian}
dsn=${WEIJIAN_TEST_CITUS:?start a cluster first: eval "$(scripts/citus.sh start)"}
psqlc() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$dsn" -At "$@"; }

"$bin" migrate --db "$dsn" >/dev/null
resident=(person enrollment service_event event_version person_year)

fail=0
for t in "${resident[@]}"; do
  col=$(psqlc -c "SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition WHERE logicalrelid = '$t'::regclass")
  if [ "$col" != "county_code" ]; then echo "FAIL: $t is not distributed by county_code ($col)"; fail=1; else echo "ok: $t distributed by county_code"; fi
done

# Data through the binary: the Go code's SQL must run on Citus.
tmp=$(mktemp -d)
"$bin" import orgunits internal/sqlstore/testdata/jiangsu_nantong_haian_320685_2021.csv --db "$dsn" --valid-from 2021-01-01 >/dev/null
cat >"$tmp/p.csv" <<CSV
身份证号,姓名,性别,出生日期,现住址,来源编号
320685195001010010,张一,1,1950-01-01,320685100001,C1
CSV
"$bin" import persons "$tmp/p.csv" --db "$dsn" >/dev/null
cat >"$tmp/e.csv" <<CSV
身份证号,项目,服务,日期,机构代码,来源编号,method,sbp,dbp,drug_compliance,followup_class
320685195001010010,elderly,annual_check,2024-05-01,320685100000,CE1,,130,80,,
CSV
"$bin" import events "$tmp/e.csv" --db "$dsn" --valid-only >/dev/null || true
rm -rf "$tmp"

explain() { # what query
  local tasks
  tasks=$(psqlc -c "EXPLAIN $2" | grep -o 'Task Count: [0-9]*' | head -1)
  if [ "$tasks" = "Task Count: 1" ]; then echo "ok: $1 → $tasks"; else echo "FAIL: $1 → ${tasks:-no task count}"; fail=1; fi
}
explain "person search in one county" "SELECT p.id, p.name, v.name FROM person p JOIN org_unit v ON v.id = p.village_id
  WHERE p.county_code IN ('320685') AND p.merged_into IS NULL AND p.name >= '张' AND p.name < '张z' ORDER BY p.name LIMIT 50"
explain "work list of one county" "SELECT p.id, y.last_date FROM person p JOIN org_unit v ON v.id = p.village_id
  LEFT JOIN person_year y ON y.county_code = p.county_code AND y.person_id = p.id AND y.programme = 'hypertension' AND y.year = 2024
  WHERE p.county_code IN ('320685') AND p.merged_into IS NULL AND p.death_date IS NULL
  AND EXISTS (SELECT 1 FROM enrollment en WHERE en.county_code = p.county_code AND en.person_id = p.id AND en.programme = 'hypertension' AND en.ended_on IS NULL)
  AND (y.last_date IS NULL OR y.last_date < '2024-10-01') ORDER BY y.last_date IS NOT NULL, y.last_date LIMIT 50"
n=$(psqlc -c "SELECT count(*) FROM person")
echo "persons stored through the binary on Citus: $n"
[ "$n" = 1 ] || fail=1
exit $fail

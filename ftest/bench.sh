#!/usr/bin/env bash
# `make bench`: numbers only, never a pass/fail on timing.
# PostgreSQL scenario: BENCH_ROWS rows (default 100,000) of about 1.5 KB in bench.items.
#   1. full sync   2. no-op re-sync   3. sync with 1% of rows changed
#   and, in the same run, the ceiling: the same rows bulk-loaded straight into Elasticsearch by a
#   plain client (500 per request, the same requests in flight). Prints docs/s, the ratio to the
#   ceiling and each sync JVM's peak RSS; writes bench/results/<timestamp>.json.
# Each sync runs in its own JVM (java -cp) under /usr/bin/time for its peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR="${BC_RUN_DIR:-/tmp/beam-connectors}"
ROWS="${BENCH_ROWS:-100000}"
PARALLEL="${BENCH_PARALLEL_REQUESTS:-4}"
HEAP="${BENCH_HEAP:-2g}"
RUNNERS="${BENCH_RUNNERS:-direct flink}"
FLINK_OPENS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.sql/java.sql=ALL-UNNAMED)
INDEX=bench-postgresql
CEILING_INDEX=bench-ceiling
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="bench/results/bench-$STAMP.json"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

source ftest/fixtures/common.sh
FIXTURE_NAME=bench
ensure_apt time
bash ftest/fixtures/elasticsearch.sh start
bash ftest/fixtures/postgresql.sh start
set -a; source "$RUN_DIR/elasticsearch/env"; source "$RUN_DIR/postgresql/env"; set +a

echo "== loading $ROWS rows into bench.items"
bash ftest/fixtures/postgresql.sh psql -q <<SQL
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
CREATE TABLE bench.items (id BIGINT PRIMARY KEY, name TEXT, category TEXT, price NUMERIC(10,2), payload TEXT);
INSERT INTO bench.items
SELECT i, 'item ' || i, (ARRAY['tools','garden','kitchen','books','toys'])[1 + i % 5], (i % 10000) / 100.0,
       repeat(md5(i::text), 45)
FROM generate_series(1, $ROWS) AS i;
ANALYZE bench.items;
SQL

echo "== building"
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -q -pl ftest dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="$(cat "$WORK/cp.txt"):ftest/target/test-classes"

config="$WORK/connector.json"
( umask 077; printf '{"host":"%s","port":%s,"username":"%s","password":"%s","database":"%s","tables":"items","fetch_size":1000}\n' \
  "$BC_PG_HOST" "$BC_PG_PORT" "$BC_PG_USER" "$BC_PG_PASSWORD" "$BC_PG_DATABASE" > "$config" )
# run_sync RUNNER LABEL -> writes $WORK/RUNNER-LABEL.summary.json and .time ("maxrss_kb wall_s")
run_sync() {
  local runner="$1" label="$1-$2" jvm=() args=()
  if [[ "$runner" == flink ]]; then
    jvm=("${FLINK_OPENS[@]}"); args=(--runner=FlinkRunner --flinkMaster=[local] --parallelism="$(nproc)")
  else
    args=(--runner=DirectRunner)
  fi
  echo "== sync: $label"
  BC_ES_PASSWORD="$BC_ES_PASSWORD" /usr/bin/time -f '%M %e' -o "$WORK/$label.time" \
    java -Xmx"$HEAP" "${jvm[@]}" -cp "$CP" io.beamconnectors.pipelines.FullSyncPipeline \
      "${args[@]}" --serviceType=postgresql --connectorConfig="$config" \
      --esUrl="$BC_ES_URL" --esUsername="$BC_ES_USERNAME" --esIndex="$INDEX" \
      --bulkParallelRequests="$PARALLEL" --summaryJson="$WORK/$label.summary.json" > "$WORK/$label.out" 2> "$WORK/$label.err" \
    || { echo "sync $label failed:"; tail -30 "$WORK/$label.err"; exit 1; }
  cat "$WORK/$label.out"
}

for runner in $RUNNERS; do
  curl -s -o /dev/null -u "$BC_ES_USERNAME:$BC_ES_PASSWORD" -X DELETE "$BC_ES_URL/$INDEX" || true
  run_sync "$runner" full
  run_sync "$runner" noop
  bash ftest/fixtures/postgresql.sh psql -q -c "UPDATE bench.items SET name = name || ' (changed)' WHERE id % 100 = 0"
  run_sync "$runner" changed
done

echo "== ceiling: plain bulk client, 500 per request, $PARALLEL in flight"
BC_PG_PASSWORD="$BC_PG_PASSWORD" java -Xmx"$HEAP" -cp "$CP" io.beamconnectors.ftest.bench.BulkCeiling \
  "jdbc:postgresql://$BC_PG_HOST:$BC_PG_PORT/$BC_PG_DATABASE" "$BC_PG_USER" bench.items "$CEILING_INDEX" "$PARALLEL" \
  > "$WORK/ceiling.json" 2> "$WORK/ceiling.err" || { tail -30 "$WORK/ceiling.err"; exit 1; }
curl -s -o /dev/null -u "$BC_ES_USERNAME:$BC_ES_PASSWORD" -X DELETE "$BC_ES_URL/$CEILING_INDEX" || true

python3 - "$WORK" "$ROWS" "$PARALLEL" "$OUT" "$RUNNERS" <<'PY'
import json, sys, os
work, rows, parallel, out, runners = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5].split()
ceiling = json.load(open(os.path.join(work, "ceiling.json")))
ceiling_rate = ceiling["docs"] / ceiling["seconds"]
result = {"scenario": "postgresql", "rows": rows, "bulk_parallel_requests": parallel,
          "cpus": os.cpu_count(),
          "ceiling": {"docs": ceiling["docs"], "seconds": round(ceiling["seconds"], 2), "docs_per_s": round(ceiling_rate)},
          "syncs": {}}
print(f"\n{'run':<16}{'seconds':>10}{'listed':>10}{'written':>10}{'docs/s':>10}{'vs ceiling':>12}{'peak RSS MB':>13}")
labels = [r + "-" + l for r in runners for l in ("full", "noop", "changed")]
for label in labels:
    s = json.load(open(os.path.join(work, label + ".summary.json")))
    rss_kb, wall = open(os.path.join(work, label + ".time")).read().split()
    c = s["counters"]
    seconds = s["elapsed_ms"] / 1000.0
    listed = c["listed"]
    written = c["indexed_ok"] + c["deleted_ok"]
    rate = listed / seconds if seconds else 0
    entry = {"pipeline_seconds": round(seconds, 2), "jvm_wall_seconds": float(wall), "listed": listed,
             "created": c["created"], "updated": c["updated"], "unchanged": c["unchanged"], "deleted": c["deleted"],
             "written": written, "failed": c["failed"], "docs_per_s": round(rate), "ratio_to_ceiling": round(rate / ceiling_rate, 3),
             "peak_rss_mb": round(int(rss_kb) / 1024)}
    result["syncs"][label] = entry
    print(f"{label:<16}{seconds:>10.1f}{listed:>10}{written:>10}{rate:>10.0f}{rate / ceiling_rate:>12.2f}{entry['peak_rss_mb']:>13}")
print(f"{'ceiling':<16}{ceiling['seconds']:>10.1f}{ceiling['docs']:>10}{ceiling['docs']:>10}{ceiling_rate:>10.0f}{1.0:>12.2f}")
os.makedirs(os.path.dirname(out), exist_ok=True)
json.dump(result, open(out, "w"), indent=2)
print("\nwritten to " + out)
PY

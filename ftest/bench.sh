#!/usr/bin/env bash
# `make bench`: numbers only, never a pass/fail on timing. Writes bench/results/bench-<time>.json.
#
# Scenarios (BENCH_SCENARIOS, default "postgresql network_drive"), each on every runner of
# BENCH_RUNNERS (default "direct flink"; flink = FlinkRunner with an embedded cluster):
#   postgresql     BENCH_ROWS rows (default 100,000) of about 1.5 KB: full sync, no-op re-sync,
#                  sync with 1% of rows changed. Ceiling: the same rows bulk-loaded straight into
#                  Elasticsearch by a plain client (500 per request, the same requests in flight).
#   network_drive  BENCH_SMB_SMALL small files (default 10,000) and BENCH_SMB_LARGE files of 1 MiB
#                  (default 200) on the Samba fixture: full sync and no-op re-sync. Ceiling: the
#                  same tree fetched with `smbclient` recursive get.
# Each sync runs in its own JVM under /usr/bin/time for its peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR="${BC_RUN_DIR:-/tmp/beam-connectors}"
SCENARIOS="${BENCH_SCENARIOS:-postgresql network_drive}"
RUNNERS="${BENCH_RUNNERS:-direct flink}"
ROWS="${BENCH_ROWS:-100000}"
SMB_SMALL="${BENCH_SMB_SMALL:-10000}"
SMB_LARGE="${BENCH_SMB_LARGE:-200}"
PARALLEL="${BENCH_PARALLEL_REQUESTS:-4}"
# The DirectRunner keeps each step's output in memory: give big runs room (the machine has 24 GiB).
if (( ROWS > 200000 )); then HEAP="${BENCH_HEAP:-8g}"; else HEAP="${BENCH_HEAP:-2g}"; fi
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="bench/results/bench-$STAMP.json"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
FLINK_OPENS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.sql/java.sql=ALL-UNNAMED)

source ftest/fixtures/common.sh
FIXTURE_NAME=bench
ensure_apt time
bash ftest/fixtures/elasticsearch.sh start
set -a; source "$RUN_DIR/elasticsearch/env"; set +a

echo "== building"
# One reactor, nothing installed: the classpath points at this checkout's own module classes, never
# at whatever snapshot another checkout last installed into ~/.m2.
mvn -B -ntp -q -pl ftest -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="$(cat "$WORK/cp.txt"):ftest/target/test-classes"

es_delete() { curl -s -o /dev/null -u "$BC_ES_USERNAME:$BC_ES_PASSWORD" -X DELETE "$BC_ES_URL/$1" || true; }

# run_sync SCENARIO SERVICE_TYPE CONFIG INDEX RUNNER STEP
#   -> $WORK/SCENARIO-RUNNER-STEP.summary.json and .time ("maxrss_kb wall_s")
run_sync() {
  local scenario="$1" service="$2" config="$3" index="$4" runner="$5" step="$6" jvm=() args=()
  local label="$scenario-$runner-$step"
  if [[ "$runner" == flink ]]; then
    jvm=("${FLINK_OPENS[@]}"); args=(--runner=FlinkRunner --flinkMaster=[local] --parallelism="$(nproc)")
  else
    args=(--runner=DirectRunner)
  fi
  echo "== $label"
  BC_ES_PASSWORD="$BC_ES_PASSWORD" /usr/bin/time -f '%M %e' -o "$WORK/$label.time" \
    java -Xmx"$HEAP" "${jvm[@]}" -cp "$CP" io.beamconnectors.pipelines.FullSyncPipeline \
      "${args[@]}" --serviceType="$service" --connectorConfig="$config" \
      --esUrl="$BC_ES_URL" --esUsername="$BC_ES_USERNAME" --esIndex="$index" \
      --bulkParallelRequests="$PARALLEL" --summaryJson="$WORK/$label.summary.json" > "$WORK/$label.out" 2> "$WORK/$label.err" \
    || { echo "sync $label failed:"; tail -30 "$WORK/$label.err"; exit 1; }
  grep -E "^\s+(listed|created|updated|unchanged|deleted|content_fetched|failed) " "$WORK/$label.out" | tr -s ' ' | paste -sd, -
}

bench_postgresql() {
  bash ftest/fixtures/postgresql.sh start
  set -a; source "$RUN_DIR/postgresql/env"; set +a
  echo "== postgresql: loading $ROWS rows into bench.items"
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
  local config="$WORK/postgresql.json"
  ( umask 077; printf '{"host":"%s","port":%s,"username":"%s","password":"%s","database":"%s","tables":"items","fetch_size":1000}\n' \
    "$BC_PG_HOST" "$BC_PG_PORT" "$BC_PG_USER" "$BC_PG_PASSWORD" "$BC_PG_DATABASE" > "$config" )
  for runner in $RUNNERS; do
    es_delete bench-postgresql
    run_sync postgresql postgresql "$config" bench-postgresql "$runner" full
    run_sync postgresql postgresql "$config" bench-postgresql "$runner" noop
    bash ftest/fixtures/postgresql.sh psql -q -c "UPDATE bench.items SET name = name || ' (changed)' WHERE id % 100 = 0"
    run_sync postgresql postgresql "$config" bench-postgresql "$runner" changed
  done
  es_delete bench-postgresql
  echo "== postgresql ceiling: plain bulk client, 500 per request, $PARALLEL in flight"
  BC_PG_PASSWORD="$BC_PG_PASSWORD" java -Xmx"$HEAP" -cp "$CP" io.beamconnectors.ftest.bench.BulkCeiling \
    "jdbc:postgresql://$BC_PG_HOST:$BC_PG_PORT/$BC_PG_DATABASE" "$BC_PG_USER" bench.items bench-ceiling "$PARALLEL" \
    > "$WORK/postgresql-ceiling.json" 2> "$WORK/postgresql-ceiling.err" || { tail -30 "$WORK/postgresql-ceiling.err"; exit 1; }
  es_delete bench-ceiling
}

bench_network_drive() {
  bash ftest/fixtures/samba.sh start
  set -a; source "$RUN_DIR/samba/env"; set +a
  local tree="$BC_SMB_SHARE_DIR/bench"
  echo "== network_drive: $SMB_SMALL small files and $SMB_LARGE x 1 MiB under $BC_SMB_SHARE/bench"
  rm -rf "$tree"
  mkdir -p "$tree/Large-Data-Folder"
  local i
  for ((i = 0; i < SMB_SMALL; i++)); do
    [[ -d "$tree/folder$((i / 100))" ]] || mkdir -p "$tree/folder$((i / 100))"
    printf 'File %d of the benchmark tree. It holds one short sentence.\n' "$i" > "$tree/folder$((i / 100))/file$i.txt"
  done
  # Text made of base64 letters; pipefail off for this line only: `head` ends the pipe early on purpose.
  ( set +o pipefail
    head -c $((SMB_LARGE * 1024 * 1024)) /dev/urandom | base64 -w 0 | head -c $((SMB_LARGE * 1024 * 1024)) \
      | split -b 1048576 -d -a 4 --additional-suffix=.txt - "$tree/Large-Data-Folder/large" )
  chown -R bcsmb: "$tree"
  local bytes; bytes="$(du -sb "$tree" | cut -f1)"
  echo "$bytes" > "$WORK/network_drive-bytes"
  local config="$WORK/network_drive.json"
  ( umask 077; printf '{"server_ip":"%s","server_port":%s,"username":"%s","password":"%s","drive_path":"%s/bench"}\n' \
    "$BC_SMB_HOST" "$BC_SMB_PORT" "$BC_SMB_USER" "$BC_SMB_PASSWORD" "$BC_SMB_SHARE" > "$config" )
  for runner in $RUNNERS; do
    es_delete bench-network-drive
    run_sync network_drive network_drive "$config" bench-network-drive "$runner" full
    run_sync network_drive network_drive "$config" bench-network-drive "$runner" noop
  done
  es_delete bench-network-drive
  echo "== network_drive ceiling: smbclient recursive get of the same tree"
  local dest="$WORK/smbget" auth="$WORK/smb.auth"
  mkdir -p "$dest"
  ( umask 077; printf 'username = %s\npassword = %s\n' "$BC_SMB_USER" "$BC_SMB_PASSWORD" > "$auth" )
  local t0 t1
  t0=$(date +%s.%N)
  smbclient "//$BC_SMB_HOST/$BC_SMB_SHARE" -p "$BC_SMB_PORT" -A "$auth" -m SMB3 \
    -c "prompt OFF; recurse ON; cd bench; lcd $dest; mget *" > "$WORK/smbget.log" 2>&1
  t1=$(date +%s.%N)
  local files; files="$(find "$dest" -type f | wc -l)"
  printf '{"docs": %d, "bytes": %d, "seconds": %s}\n' "$files" "$(du -sb "$dest" | cut -f1)" "$(echo "$t1 - $t0" | bc -l)" \
    > "$WORK/network_drive-ceiling.json"
  rm -rf "$dest" "$tree"
}

ensure_apt bc
for scenario in $SCENARIOS; do
  "bench_$scenario"
done

python3 - "$WORK" "$OUT" "$SCENARIOS" "$RUNNERS" "$ROWS" "$SMB_SMALL" "$SMB_LARGE" "$PARALLEL" <<'PY'
import json, os, sys
work, out, scenarios, runners = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
rows, smb_small, smb_large, parallel = (int(x) for x in sys.argv[5:9])
steps = {"postgresql": ["full", "noop", "changed"], "network_drive": ["full", "noop"]}
result = {"cpus": os.cpu_count(), "bulk_parallel_requests": parallel, "scenarios": {}}
print(f"\n{'run':<30}{'seconds':>9}{'listed':>9}{'written':>9}{'docs/s':>9}{'MB/s':>8}{'vs ceiling':>12}{'peak RSS MB':>13}")
for sc in scenarios:
    ceiling = json.load(open(os.path.join(work, sc + "-ceiling.json")))
    c_rate = ceiling["docs"] / ceiling["seconds"]
    c_mbs = ceiling.get("bytes", 0) / 1e6 / ceiling["seconds"]
    entry = {"ceiling": {**ceiling, "docs_per_s": round(c_rate), "mb_per_s": round(c_mbs, 1)}, "syncs": {}}
    entry["size"] = {"rows": rows} if sc == "postgresql" else {"small_files": smb_small, "large_files_1mib": smb_large}
    for runner in runners:
        for step in steps[sc]:
            label = f"{sc}-{runner}-{step}"
            s = json.load(open(os.path.join(work, label + ".summary.json")))
            rss_kb, wall = open(os.path.join(work, label + ".time")).read().split()
            c = s["counters"]
            secs = s["elapsed_ms"] / 1000.0
            rate = c["listed"] / secs if secs else 0
            mbs = c["content_bytes_fetched"] / 1e6 / secs if secs else 0
            e = {"runner": runner, "step": step, "pipeline_seconds": round(secs, 2), "jvm_wall_seconds": float(wall),
                 "listed": c["listed"], "created": c["created"], "updated": c["updated"], "unchanged": c["unchanged"],
                 "deleted": c["deleted"], "written": c["indexed_ok"] + c["deleted_ok"], "failed": c["failed"],
                 "content_fetched": c["content_fetched"], "content_bytes_fetched": c["content_bytes_fetched"],
                 "docs_per_s": round(rate), "mb_per_s": round(mbs, 1), "ratio_to_ceiling": round(rate / c_rate, 3),
                 "peak_rss_mb": round(int(rss_kb) / 1024)}
            entry["syncs"][f"{runner}-{step}"] = e
            print(f"{label:<30}{secs:>9.1f}{c['listed']:>9}{e['written']:>9}{rate:>9.0f}{mbs:>8.1f}{rate / c_rate:>12.2f}{e['peak_rss_mb']:>13}")
    print(f"{sc + '-ceiling':<30}{ceiling['seconds']:>9.1f}{ceiling['docs']:>9}{ceiling['docs']:>9}{c_rate:>9.0f}{c_mbs:>8.1f}{1.0:>12.2f}")
    result["scenarios"][sc] = entry
os.makedirs(os.path.dirname(out), exist_ok=True)
json.dump(result, open(out, "w"), indent=2)
print("\nwritten to " + out)
PY

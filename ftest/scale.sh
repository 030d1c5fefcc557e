#!/usr/bin/env bash
# `make scale`: does memory stay flat as a source grows? Numbers only, never a pass/fail on timing;
# never part of `make test`. Writes bench/results/scale-<UTC time>.json after every run, so a run
# stopped half way keeps what it measured.
#
# For each size of SCALE_SIZES (default "1000000 5000000 10000000"), in that order, the PostgreSQL
# table bc_scale.items grows to that many rows of about 200 bytes (generate_series; rows are only
# added, never rewritten), then on the Flink session cluster (the fixture, fixed TaskManager memory,
# restarted before every run so its VmHWM is that run's peak):
#   full   sync into an empty index (deleted first)
#   noop   the same sync again: nothing created, updated or deleted
# and, at SCALE_DIRECT_SIZE (default 1000000), the same full sync on the DirectRunner
# (SCALE_RUNNERS, default "flink direct", leaves either out)
# (-Xmx$SCALE_DIRECT_HEAP, GC log for the peak heap after collections, see HEAP_BYTES_PER_ITEM).
# Per run: wall seconds of the submitting JVM, pipeline seconds and docs/s from its summary, peak RSS
# of the TaskManager (/proc/PID/status VmHWM at the end, and the largest VmRSS sampled every second)
# and of the submitting JVM (/usr/bin/time), and the peak bytes under the TaskManager's io.tmp.dirs
# (flink-io-* spill files and flink-netty-shuffle-* partitions, sampled every second; the blob
# store and the web dir are left out).
#
# Everything runs on servers of its own so 10M documents never land in the shared ones:
# Elasticsearch and Flink under SCALE_RUN_DIR (default /tmp/bc-scale) on 197xx ports, started here
# and stopped by PID at the end (SCALE_KEEP_SERVERS=1 keeps them). PostgreSQL is the shared fixture
# (own database bc_scale, dropped at the end unless SCALE_KEEP_DATA=1; with SCALE_KEEP_DATA=1 a kept
# table and index are reused by the next run, so SCALE_STEPS=noop can measure a no-op on them).
# Settings: SCALE_STEPS ("full noop"; the Flink steps run at each size), SCALE_ES_HEAP (3g), SCALE_TM_PROCESS_SIZE (2560m), SCALE_TM_MANAGED_SIZE (512m),
# SCALE_SUBMIT_HEAP (1g), SCALE_DIRECT_HEAP (8g), SCALE_DEADLINE (a `date -d` time: no run starts
# that the previous size's timing says cannot end before it), SCALE_JAR (the bundled pipelines jar).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
SIZES="${SCALE_SIZES:-1000000 5000000 10000000}"
RUNNERS="${SCALE_RUNNERS:-flink direct}"
STEPS="${SCALE_STEPS:-full noop}"
DIRECT_SIZE="${SCALE_DIRECT_SIZE:-1000000}"
DIRECT_HEAP="${SCALE_DIRECT_HEAP:-8g}"
SUBMIT_HEAP="${SCALE_SUBMIT_HEAP:-1g}"
SCALE_RUN="${SCALE_RUN_DIR:-/tmp/bc-scale}"
SHARED_RUN="${BC_RUN_DIR:-/tmp/beam-connectors}"
DEADLINE="${SCALE_DEADLINE:-}"
DATABASE=bc_scale
INDEX=scale-postgresql
DIRECT_INDEX=scale-postgresql-direct
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/results/scale-$STAMP.json"
WORK="$SCALE_RUN/work-$STAMP"
mkdir -p "$WORK" "$ROOT/bench/results"
chmod 755 "$SCALE_RUN"

FIXTURE_NAME=scale
source ftest/fixtures/common.sh
ensure_apt time jq

# --- servers of our own (ports 197xx, run dir $SCALE_RUN) ---------------------------------------
own_env() {
  env BC_RUN_DIR="$SCALE_RUN" BC_ES_PORT=19740 BC_ES_TRANSPORT_PORT=19741 BC_ES_HEAP="${SCALE_ES_HEAP:-3g}" \
    BC_ES_PASSWORD="${SCALE_ES_PASSWORD:-bc-scale-loopback}" \
    BC_FLINK_REST_PORT=19781 BC_FLINK_RPC_PORT=19782 BC_FLINK_BLOB_PORT=19783 BC_FLINK_TM_RPC_PORT=19784 \
    BC_FLINK_TM_DATA_PORT=19785 BC_FLINK_JM_QUERY_PORT=19786 BC_FLINK_TM_QUERY_PORT=19787 \
    BC_FLINK_TM_PROCESS_SIZE="${SCALE_TM_PROCESS_SIZE:-2560m}" BC_FLINK_TM_MANAGED_SIZE="${SCALE_TM_MANAGED_SIZE:-512m}" \
    "$@"
}
stop_servers() {
  if [[ "${SCALE_KEEP_SERVERS:-0}" != 1 ]]; then
    own_env bash ftest/fixtures/flink.sh stop || true
    own_env bash ftest/fixtures/elasticsearch.sh stop || true
  fi
}
trap stop_servers EXIT

own_env bash ftest/fixtures/elasticsearch.sh start
set -a; source "$SCALE_RUN/elasticsearch/env"; set +a
ES_URL="$BC_ES_URL"; ES_USER="$BC_ES_USERNAME"; ES_PASS="$BC_ES_PASSWORD"
es() { printf 'user = "%s:%s"\n' "$ES_USER" "$ES_PASS" | curl -K - -sS --max-time 60 "$@"; }

# The shared PostgreSQL server (started when this machine has none running yet).
[[ -f "$SHARED_RUN/postgresql/env" ]] && bash ftest/fixtures/postgresql.sh status >/dev/null 2>&1 \
  || bash ftest/fixtures/postgresql.sh start
set -a; source "$SHARED_RUN/postgresql/env"; set +a

JAR="${SCALE_JAR:-$(ls pipelines/target/beam-connectors-pipelines-*-bundled.jar 2>/dev/null | head -1)}"
if [[ -z "$JAR" || ! -f "$JAR" ]]; then
  echo "== building the bundled pipelines jar (package, nothing installed)"
  mvn -B -ntp -q package -DskipTests -Pshade -pl transforms,pipelines -am
  JAR="$(ls pipelines/target/beam-connectors-pipelines-*-bundled.jar | head -1)"
fi

psql_scale() { bash ftest/fixtures/postgresql.sh psql -v ON_ERROR_STOP=1 -q -d "$DATABASE" "$@"; }
ROWS=0
if [[ "${SCALE_KEEP_DATA:-0}" == 1 ]] && [[ "$(bash ftest/fixtures/postgresql.sh psql -Atc \
    "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" == 1 ]]; then
  ROWS="$(psql_scale -Atc "SELECT count(*) FROM items")"  # kept by an earlier SCALE_KEEP_DATA=1 run: grown, not rebuilt
  echo "== postgresql: keeping $DATABASE.items ($ROWS rows)"
else
  bash ftest/fixtures/postgresql.sh psql -v ON_ERROR_STOP=1 -q -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
  bash ftest/fixtures/postgresql.sh psql -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $DATABASE"
  psql_scale -c "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, category TEXT, price NUMERIC(10,2), payload TEXT)"
fi
CONFIG="$WORK/postgresql.json"
( umask 077; printf '{"host":"%s","port":%s,"username":"%s","password":"%s","database":"%s","tables":"items","fetch_size":1000}\n' \
  "$BC_PG_HOST" "$BC_PG_PORT" "$BC_PG_USER" "$BC_PG_PASSWORD" "$DATABASE" > "$CONFIG" )
grow_table() {  # grow_table N: rows 1..N, about 200 bytes each as a document (id, name, category, price, payload)
  local n="$1" t0=$SECONDS
  echo "== postgresql: rows $((ROWS + 1))..$n"
  psql_scale -c "INSERT INTO items SELECT i, 'item ' || i, (ARRAY['tools','garden','kitchen','books','toys'])[1 + i % 5],
      (i % 10000) / 100.0, md5(i::text) || md5((i + 1)::text) || md5((i + 2)::text) || md5((i + 3)::text)
    FROM generate_series($((ROWS + 1)), $n) AS i" -c "VACUUM ANALYZE items"
  ROWS="$n"
  echo "$n rows, $(psql_scale -At -c "SELECT pg_size_pretty(pg_total_relation_size('items'))"), $((SECONDS - t0)) s"
}

# --- one run -------------------------------------------------------------------------------------
FLINK_RUN="$SCALE_RUN/flink"
restart_flink() {
  own_env bash ftest/fixtures/flink.sh stop >/dev/null 2>&1 || true
  rm -rf "$FLINK_RUN/tmp"
  own_env bash ftest/fixtures/flink.sh start
  set -a; source "$FLINK_RUN/env"; set +a
}

# sample PIDFILE OUTFILE: every second the TaskManager's VmRSS (kB) and the bytes under its spill
# dirs, until killed; one "rss_kb spill_bytes" line per sample.
sample() {
  set +e +o pipefail
  local pid; pid="$(cat "$1")"
  while kill -0 "$pid" 2>/dev/null; do
    local rss spill
    rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    spill="$(find "$FLINK_RUN/tmp" -maxdepth 1 \( -name 'flink-io-*' -o -name 'flink-netty-shuffle-*' \) -print0 2>/dev/null \
      | du -sbc --files0-from=- 2>/dev/null | awk 'END {printf "%.0f\n", $1}')"
    echo "${rss:-0} ${spill:-0}" >> "$2"
    sleep 1
  done
}

# run_sync LABEL RUNNER INDEX: one FullSyncPipeline JVM; writes $WORK/LABEL.{summary.json,time,out,err,samples,hwm}
run_sync() {
  local label="$1" runner="$2" index="$3" jvm=() args=() sampler=""
  if [[ "$runner" == flink ]]; then
    restart_flink
    # shellcheck disable=SC2206 # the fixture's flag list is space-separated
    jvm=(-Xmx"$SUBMIT_HEAP" $BC_FLINK_JAVA_OPTS)
    args=(--runner=FlinkRunner --flinkMaster="$BC_FLINK_MASTER" --parallelism="$BC_FLINK_PARALLELISM" --jobName="scale-$label")
    : > "$WORK/$label.samples"
    sample "$FLINK_RUN/taskmanager.pid" "$WORK/$label.samples" & sampler=$!
  else
    jvm=(-Xmx"$DIRECT_HEAP" -Xlog:gc:file="$WORK/$label.gc.log")
    args=(--runner=DirectRunner)
  fi
  echo "== $label ($(date -u +%H:%M:%S))"
  local rc=0
  BC_ES_PASSWORD="$ES_PASS" /usr/bin/time -f '%M %e' -o "$WORK/$label.time" \
    java "${jvm[@]}" -cp "$JAR" io.beamconnectors.pipelines.FullSyncPipeline "${args[@]}" \
      --serviceType=postgresql --connectorConfig="$CONFIG" --esUrl="$ES_URL" --esUsername="$ES_USER" \
      --esIndex="$index" --summaryJson="$WORK/$label.summary.json" > "$WORK/$label.out" 2> "$WORK/$label.err" || rc=$?
  if [[ -n "$sampler" ]]; then
    awk '/^VmHWM:/ {print $2}' "/proc/$(cat "$FLINK_RUN/taskmanager.pid")/status" > "$WORK/$label.hwm" 2>/dev/null || echo 0 > "$WORK/$label.hwm"
    kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
    cp "$FLINK_RUN/log/taskmanager.log" "$WORK/$label.taskmanager.log" 2>/dev/null || true
  fi
  echo "$rc" > "$WORK/$label.rc"
  if [[ "$rc" != 0 ]]; then echo "sync $label exited $rc:"; tail -20 "$WORK/$label.err"; fi
  grep -E "^\s+(listed|created|updated|unchanged|deleted|failed|documents in index) " "$WORK/$label.out" | tr -s ' ' | paste -sd, - || true
  write_results
}

write_results() {
  python3 - "$WORK" "$OUT" "$SIZES" "$DIRECT_SIZE" "$(nproc)" "$(awk '/MemTotal/ {print $2}' /proc/meminfo)" \
    "${SCALE_TM_PROCESS_SIZE:-2560m}" "${SCALE_TM_MANAGED_SIZE:-512m}" "$DIRECT_HEAP" "$SUBMIT_HEAP" <<'PY'
import glob, json, os, re, sys
work, out, sizes, direct_size, cpus, mem_kb, tm_size, tm_managed, direct_heap, submit_heap = sys.argv[1:11]
runs = {}
for rc_file in sorted(glob.glob(os.path.join(work, "*.rc"))):
    label = os.path.basename(rc_file)[:-3]
    size, runner, step = label.split("-")
    e = {"size": int(size), "runner": runner, "step": step, "exit_code": int(open(rc_file).read())}
    t = os.path.join(work, label + ".time")
    if os.path.exists(t):
        parts = open(t).read().split()
        if len(parts) >= 2 and parts[-2].isdigit():
            e["submitting_jvm_peak_rss_mb"] = round(int(parts[-2]) / 1024)
            e["wall_seconds"] = float(parts[-1])
    s = os.path.join(work, label + ".summary.json")
    if os.path.exists(s):
        summary = json.load(open(s))
        c = summary["counters"]
        secs = summary["elapsed_ms"] / 1000.0
        e.update({"pipeline_seconds": round(secs, 1), "listed": c.get("listed"), "created": c.get("created"),
                  "updated": c.get("updated"), "unchanged": c.get("unchanged"), "deleted": c.get("deleted"),
                  "written": c.get("indexed_ok", 0) + c.get("deleted_ok", 0), "failed": c.get("failed"),
                  "index_document_count": summary.get("index_document_count"), "clean": summary.get("clean"),
                  "docs_per_s": round(c.get("listed", 0) / secs) if secs else None})
    samples = os.path.join(work, label + ".samples")
    if os.path.exists(samples):
        rows = [l.split() for l in open(samples) if len(l.split()) == 2]
        e["taskmanager_samples"] = len(rows)
        e["taskmanager_peak_rss_sampled_mb"] = round(max((int(float(r[0])) for r in rows), default=0) / 1024)
        # float(): samples written before awk printed integers have 2.14897e+09 for sizes over 2^31
        e["spilled_peak_bytes"] = max((int(float(r[1])) for r in rows), default=0)
    hwm = os.path.join(work, label + ".hwm")
    if os.path.exists(hwm) and open(hwm).read().strip():
        e["taskmanager_vmhwm_mb"] = round(int(open(hwm).read().split()[0]) / 1024)
    gc = os.path.join(work, label + ".gc.log")
    if os.path.exists(gc):
        # "GC(12) Pause Young (Normal) (G1 Evacuation Pause) 812M->95M(8192M) 9.1ms": the "after" value.
        after = [int(m.group(1)) for m in re.finditer(r"->(\d+)M\(\d+M\)", open(gc).read())]
        if after:
            e["heap_after_gc_peak_mb"] = max(after)
            if e.get("listed"):
                e["heap_after_gc_peak_bytes_per_item"] = round(max(after) * 1024 * 1024 / e["listed"])
        if e.get("submitting_jvm_peak_rss_mb") and e.get("listed"):
            e["peak_rss_bytes_per_item"] = round(e["submitting_jvm_peak_rss_mb"] * 1024 * 1024 / e["listed"])
    runs[label] = e
result = {"cpus": int(cpus), "memory_mb": round(int(mem_kb) / 1024), "sizes": [int(x) for x in sizes.split()],
          "flink": {"taskmanager_process_size": tm_size, "taskmanager_managed_size": tm_managed, "slots": 2,
                    "submitting_jvm_heap": submit_heap},
          "direct": {"size": int(direct_size), "heap": direct_heap},
          "spill_measure": "peak bytes of flink-io-* and flink-netty-shuffle-* under the TaskManager's io.tmp.dirs, sampled every second",
          "runs": runs}
def get(label, key):
    return runs.get(label, {}).get(key)
goals = {}
flink_sizes = sorted({e["size"] for e in runs.values() if e["runner"] == "flink"})
if flink_sizes:
    small, big = flink_sizes[0], flink_sizes[-1]
    a, b = get(f"{small}-flink-full", "taskmanager_vmhwm_mb"), get(f"{big}-flink-full", "taskmanager_vmhwm_mb")
    if a and b and big != small:
        goals["taskmanager_rss_growth"] = {"from_size": small, "to_size": big, "ratio": round(b / a, 3), "goal": "<= 1.15"}
    full, noop = get(f"{big}-flink-full", "wall_seconds"), get(f"{big}-flink-noop", "wall_seconds")
    if full and noop:
        goals["noop_share_of_full"] = {"size": big, "ratio": round(noop / full, 3), "goal": "< 0.15"}
result["goals"] = goals
json.dump(result, open(out, "w"), indent=2)
print(f"{'run':<24}{'wall s':>8}{'docs/s':>8}{'TM HWM MB':>11}{'TM RSS MB':>11}{'submit MB':>11}{'spilled MB':>12}")
for label, e in runs.items():
    print(f"{label:<24}{e.get('wall_seconds', 0):>8.0f}{e.get('docs_per_s') or 0:>8}{e.get('taskmanager_vmhwm_mb', '-'):>11}"
          f"{e.get('taskmanager_peak_rss_sampled_mb', '-'):>11}{e.get('submitting_jvm_peak_rss_mb', '-'):>11}"
          f"{round(e.get('spilled_peak_bytes', 0) / 1e6) if 'spilled_peak_bytes' in e else '-':>12}")
print("goals: " + json.dumps(goals) + "\nwritten to " + out)
PY
}

# Seconds a run of SIZE rows would take, from the last full+noop pair, scaled linearly (0: unknown).
LAST_SIZE=0; LAST_SECONDS=0
fits_deadline() {
  [[ -z "$DEADLINE" || "$LAST_SIZE" == 0 ]] && return 0
  local need=$(( LAST_SECONDS * $1 / LAST_SIZE )) left=$(( $(date -d "$DEADLINE" +%s) - $(date +%s) ))
  echo "== $1 rows need about ${need}s (from ${LAST_SIZE} rows in ${LAST_SECONDS}s); ${left}s left before $DEADLINE"
  (( need < left ))
}

for size in $SIZES; do
  if ! fits_deadline "$size"; then
    echo "== stopping before $size rows: it would not end before $DEADLINE" | tee "$WORK/stopped.txt"
    break
  fi
  t0=$(date +%s)
  grow_table "$size"
  if [[ " $RUNNERS " == *" flink "* ]]; then
    if [[ " $STEPS " == *" full "* ]]; then
      es -o /dev/null -X DELETE "$ES_URL/$INDEX"
      run_sync "$size-flink-full" flink "$INDEX"
    fi
    [[ " $STEPS " != *" noop "* ]] || run_sync "$size-flink-noop" flink "$INDEX"
  fi
  if [[ "$size" == "$DIRECT_SIZE" && " $RUNNERS " == *" direct "* ]]; then
    own_env bash ftest/fixtures/flink.sh stop >/dev/null 2>&1 || true  # room for the DirectRunner's heap
    es -o /dev/null -X DELETE "$ES_URL/$DIRECT_INDEX"
    run_sync "$size-direct-full" direct "$DIRECT_INDEX"
    es -o /dev/null -X DELETE "$ES_URL/$DIRECT_INDEX"
  fi
  LAST_SIZE="$size"; LAST_SECONDS=$(( $(date +%s) - t0 ))
done
if [[ "${SCALE_KEEP_DATA:-0}" != 1 ]]; then
  es -o /dev/null -X DELETE "$ES_URL/$INDEX"
  bash ftest/fixtures/postgresql.sh psql -q -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
fi
write_results

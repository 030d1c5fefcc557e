#!/usr/bin/env bash
# `make bench`: numbers only, never a pass/fail on timing. Writes bench/results/bench-<time>.json.
#
# Scenarios (BENCH_SCENARIOS, default "postgresql network_drive"), each on every runner of
# BENCH_RUNNERS (default "direct flink"; flink = FlinkRunner with an embedded cluster; warm = the
# DirectRunner with all of a scenario's syncs in one JVM after warm-up syncs, as the launcher runs
# them, see WarmJvmSyncs; warmflink = the same with embedded Flink, as the launcher runs syncs with
# runner.flink.master "[local]"; cluster = FlinkRunner submitting to the Flink fixture's session cluster, as
# the launcher's flink runner does, with the cluster's CPU counted in the sync's):
#   postgresql     BENCH_ROWS rows (default 100,000) of about 1.5 KB: full sync, no-op re-sync,
#                  sync with 1% of rows changed, sync with 1% of rows deleted (put back afterwards,
#                  and the index's count checked against the table's). Ceiling: the same rows
#                  bulk-loaded straight into Elasticsearch by a plain client (500 per request, the
#                  same requests in flight).
#   network_drive  BENCH_SMB_SMALL small files (default 10,000) and BENCH_SMB_LARGE files of 1 MiB
#                  (default 200) on the Samba fixture: full sync and no-op re-sync. Ceiling: the
#                  same tree fetched with `smbclient` recursive get.
#   s3             (not in the default list) the same kind of tree, BENCH_S3_SMALL / BENCH_S3_LARGE
#                  (default: the SMB sizes), as objects of one bucket on the S3Mock fixture: full
#                  sync and no-op re-sync. Ceiling: the same objects listed and downloaded by a plain
#                  AWS SDK client with BENCH_S3_CONCURRENCY GetObject calls in flight (S3DownloadCeiling).
# Each sync (and each ceiling) runs in its own process under /usr/bin/time: peak RSS and CPU seconds
# (user + sys), with Elasticsearch's CPU (node stats) read before and after it, once Elasticsearch
# has finished the merges the step before left running (es_quiet). On the warm runner
# the JVM measures each of its syncs itself (its CPU over the sync, all threads; its peak RSS so far).
# BENCH_JFR=1 records each sync with JFR (profile settings) and prints its top-10 hot methods;
# BENCH_JFR=keep also keeps the recordings under bench/results/jfr-<time>/.
# The chart of the run is written next to the JSON: bench/results/bench-<time>.png.
# BENCH_WARMUPS: the warm runner's warm-ups in a scratch index before the measured syncs. By
# default enough to have synced 300,000 rows (the JIT keeps compiling through the first few
# 100,000-row syncs; docs/benchmarks.md, fifteenth round), at most 3: 3 at 100,000 rows, 1 from
# 300,000; 1 for the file scenarios. Each warm-up is a full sync and then a re-sync of the same
# scratch index that finds every row unchanged and deletes 100 documents planted in it, as most of
# a launcher's syncs are re-syncs (twenty-ninth round); BENCH_WARMUP_RESYNC=0: the full syncs only,
# as before that round.
# BENCH_FLINK_JAR_INSTALLED=1: the cluster runner's cluster holds the shaded jar on its class path
# and each job stages only a marker of it, as the launcher's runner.flink.jar_installed does (a
# running Flink fixture must have been started that way: stop it first).
# After each run the bench prints issue 11's targets off it (BenchTargets). BENCH_REPEAT=N (1-9)
# runs the whole bench N times and then prints each target's median and range over the N runs,
# written to bench/results/benchset-<time>.json: one run's ratio can be a fifth off the next one's.
# BENCH_NAME (default "bench") names the PostgreSQL database, the indices, the bucket and the share
# folder, so a development run (BENCH_NAME=benchdev) does not collide with a real one on the same servers.
# BENCH_SYNC_JAR=<another build's pipelines/target/*-bundled.jar>: the direct, flink and cluster
# runners sync from that jar instead of this checkout's, everything else (data, steps, ceilings,
# checks) staying this checkout's: an older commit measured the same way, on the same machine, on
# the same day. Its path and SHA-256 go into the JSON.
set -euo pipefail
if [[ -n "${BENCH_SYNC_JAR:-}" ]]; then
  [[ -f "$BENCH_SYNC_JAR" ]] || { echo "BENCH_SYNC_JAR must name a shaded pipelines jar (pipelines/target/*-bundled.jar of another build): '$BENCH_SYNC_JAR' is not a file" >&2; exit 2; }
  BENCH_SYNC_JAR="$(realpath -- "$BENCH_SYNC_JAR")"
  export BENCH_SYNC_JAR # the repeated runs below see the absolute path
fi
cd "$(dirname "$0")/.."
RUN_DIR="${BC_RUN_DIR:-/tmp/beam-connectors}"
SCENARIOS="${BENCH_SCENARIOS:-postgresql network_drive}"
RUNNERS="${BENCH_RUNNERS:-direct flink}"
ROWS="${BENCH_ROWS:-100000}"
SMB_SMALL="${BENCH_SMB_SMALL:-10000}"
SMB_LARGE="${BENCH_SMB_LARGE:-200}"
PARALLEL="${BENCH_PARALLEL_REQUESTS:-4}"
S3_SMALL="${BENCH_S3_SMALL:-$SMB_SMALL}"
S3_LARGE="${BENCH_S3_LARGE:-$SMB_LARGE}"
S3_CONCURRENCY="${BENCH_S3_CONCURRENCY:-8}"
NAME="${BENCH_NAME:-bench}"
[[ "$NAME" =~ ^[a-z][a-z0-9_]{2,30}$ ]] || { echo "BENCH_NAME must be 3 to 31 lowercase letters, digits and _, starting with a letter (it names a database, indices and a bucket): got '$NAME'" >&2; exit 2; }
IDX="${NAME//_/-}"
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_ROWS must be a whole number of at least 1 (the PostgreSQL rows to load): got '$ROWS'" >&2; exit 2; }
REPEAT="${BENCH_REPEAT:-1}"
[[ "$REPEAT" =~ ^[1-9]$ ]] || { echo "BENCH_REPEAT must be a whole number from 1 to 9 (how many times to run the whole bench): got '$REPEAT'" >&2; exit 2; }
WARMUPS="${BENCH_WARMUPS:-}"
WARMUP_RESYNC="${BENCH_WARMUP_RESYNC:-1}"
[[ "$WARMUP_RESYNC" =~ ^[01]$ ]] || { echo "BENCH_WARMUP_RESYNC must be 0 or 1 (1: each warm-up is a full sync and a re-sync; 0: a full sync only): got '$WARMUP_RESYNC'" >&2; exit 2; }
FLINK_JAR_INSTALLED="${BENCH_FLINK_JAR_INSTALLED:-0}"
[[ "$FLINK_JAR_INSTALLED" =~ ^[01]$ ]] || { echo "BENCH_FLINK_JAR_INSTALLED must be 0 or 1: got '$FLINK_JAR_INSTALLED'" >&2; exit 2; }
[[ -z "${BENCH_SYNC_JAR:-}" || "$FLINK_JAR_INSTALLED" == 0 ]] || { echo "BENCH_SYNC_JAR and BENCH_FLINK_JAR_INSTALLED=1 do not go together: the cluster holds this checkout's jar, not BENCH_SYNC_JAR's" >&2; exit 2; }
[[ -z "$WARMUPS" || "$WARMUPS" =~ ^[1-9]$ ]] || { echo "BENCH_WARMUPS must be a whole number from 1 to 9 (the warm runner's warm-ups): got '$WARMUPS'" >&2; exit 2; }
for runner in $RUNNERS; do
  [[ "$runner" =~ ^(direct|warm|flink|warmflink|cluster)$ ]] \
    || { echo "BENCH_RUNNERS: unknown runner '$runner' (use direct, warm, flink, warmflink or cluster)" >&2; exit 2; }
  [[ -z "${BENCH_SYNC_JAR:-}" || "$runner" != warm* ]] \
    || { echo "BENCH_SYNC_JAR works with the direct, flink and cluster runners only: the $runner runner calls this checkout's pipeline classes (leave $runner out of BENCH_RUNNERS)" >&2; exit 2; }
done
if (( REPEAT > 1 )); then
  # The whole bench REPEAT times, one result file each, then the targets over all of them.
  LIST="$(mktemp)"
  trap 'rm -f "$LIST" "$LIST.cp"' EXIT
  for ((r = 1; r <= REPEAT; r++)); do
    echo "=== run $r of $REPEAT"
    BENCH_REPEAT=1 BENCH_RESULT_LIST="$LIST" bash ftest/bench.sh # the working directory is the checkout's root
  done
  mapfile -t RESULTS < "$LIST"
  SET="bench/results/benchset-$(date -u +%Y%m%dT%H%M%SZ).json"
  java -cp "$(cat "$LIST.cp")" io.beamconnectors.ftest.bench.BenchTargets --json "$SET" "${RESULTS[@]}"
  exit 0
fi
# The DirectRunner keeps each step's output in memory: give big runs room (the machine has 24 GiB).
if (( ROWS > 200000 )); then HEAP="${BENCH_HEAP:-8g}"; else HEAP="${BENCH_HEAP:-2g}"; fi
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="bench/results/bench-$STAMP.json"
WORK="$(mktemp -d)"
SMB_GET_DIR="" # the network drive ceiling's download folder, when it is in memory (bench_network_drive)
trap 'rm -rf "$WORK" "$SMB_GET_DIR"' EXIT
case "${BENCH_JFR:-}" in
  "" | 0) JFR_DIR="" ;;
  1) JFR_DIR="$WORK/jfr" ;;
  keep) JFR_DIR="$PWD/bench/results/jfr-$STAMP" ;;
  *) echo "BENCH_JFR must be 1 (profile each sync, print its hot methods) or keep (and keep the recordings): got '$BENCH_JFR'" >&2; exit 2 ;;
esac
[[ -z "$JFR_DIR" ]] || mkdir -p "$JFR_DIR"
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
# (Maven 3.8 prints stray escape codes even in batch mode: stripped from what reaches the terminal.)
mvn -B -ntp -q -pl ftest -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp.txt" 2>&1 >/dev/null | sed -u $'s/\e\\[[0-9;]*m//g' >&2
CP="$(cat "$WORK/cp.txt"):ftest/target/test-classes"
# The syncs themselves run from the shaded pipelines jar, as the launcher and a Flink cluster run
# them: on the modules' class path (hundreds of jars and folders) a one-row Flink sync spends 4-5 s
# more looking up classes (docs/benchmarks.md, twelfth round). The bench's own tools and the
# ceilings keep the module class path; the warm runner adds only ftest's and the launcher's classes
# to the jar (the launcher's for its embedded Flink cluster, which warmflink runs its syncs on).
source ftest/bundled-jar.sh
ensure_bundled_jar
SYNC_CP="${BENCH_SYNC_JAR:-$BC_PIPELINES_JAR}"
[[ -z "${BENCH_SYNC_JAR:-}" ]] || echo "== the syncs run from BENCH_SYNC_JAR=$BENCH_SYNC_JAR, not from this checkout's jar"
WARM_CP="$BC_PIPELINES_JAR:launcher/target/classes:ftest/target/test-classes"

MARKER=""
if [[ " $RUNNERS " == *" cluster "* ]]; then
  # The TaskManager runs the sync's workers: its heap should match what the other runners get
  # (BENCH_HEAP). Sizes and the jar on its class path are fixed when the cluster starts; an already
  # running fixture keeps its own (stop it first: bash ftest/fixtures/flink.sh stop).
  user_lib=""
  if (( FLINK_JAR_INSTALLED )); then user_lib="$BC_PIPELINES_JAR"; fi
  BC_FLINK_USER_LIB="$user_lib" \
    BC_FLINK_TM_PROCESS_SIZE="${BC_FLINK_TM_PROCESS_SIZE:-$( [[ "$HEAP" == 2g ]] && echo 4g || echo 10g )}" \
    bash ftest/fixtures/flink.sh start
  running_lib="$(sed -n 's/^USER_LIB=//p' "$RUN_DIR/flink/settings")"
  [[ "$running_lib" == "$(printf '%q' "$user_lib")" ]] || { echo "BENCH_FLINK_JAR_INSTALLED=$FLINK_JAR_INSTALLED," \
    "but the running Flink fixture has '${running_lib}' on its class path: stop it first (bash ftest/fixtures/flink.sh stop)" >&2; exit 2; }
  set -a; source "$RUN_DIR/flink/env"; set +a
  if (( FLINK_JAR_INSTALLED )); then
    # What the launcher stages with runner.flink.jar_installed: a jar of one entry, the SHA-256 of
    # the jar the cluster holds (InstalledJar, which the workers check it against).
    MARKER="$WORK/installed-marker.jar"
    python3 - "$BC_PIPELINES_JAR" "$MARKER" <<'PY'
import hashlib, sys, zipfile
digest = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        digest.update(block)
with zipfile.ZipFile(sys.argv[2], "w") as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
    z.writestr("META-INF/beam-connectors/installed-jar.sha256", digest.hexdigest() + "\n")
PY
  fi
fi

# Every measured JVM (syncs and ceilings) runs with the collector bin/launcher gives the launcher,
# which runs DirectRunner syncs in its own JVM (docs/launcher.md, "JVM options").
GC=(-XX:+UseParallelGC)

# curl with the Elasticsearch credentials given on stdin (never on a command line `ps` shows).
es_curl() { curl -s --config - "$@" <<<"user = \"$BC_ES_USERNAME:$BC_ES_PASSWORD\""; }
es_delete() { es_curl -o /dev/null -X DELETE "$BC_ES_URL/$1" || true; }
# Elasticsearch's process CPU so far, in milliseconds (summed over the nodes; the fixture has one).
es_cpu_ms() {
  es_curl "$BC_ES_URL/_nodes/stats/process?filter_path=nodes.*.process.cpu.total_in_millis" \
    | grep -o '"total_in_millis":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }'
}

# es_quiet: waits (up to 10 minutes) until Elasticsearch runs no merge. A 1,000,000-document full
# sync leaves a merge running for a minute or more; the next step measured at once would be charged
# for it (a no-op re-sync normally runs long after the full sync).
es_quiet() {
  local deadline=$((SECONDS + 600)) current
  while :; do
    current="$(es_curl "$BC_ES_URL/_nodes/stats/indices?filter_path=nodes.*.indices.merges.current" \
      | grep -o '"current":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }')"
    [[ "$current" == 0 ]] && return 0
    if (( SECONDS >= deadline )); then
      echo "   (Elasticsearch still merging after 10 minutes: measuring anyway)"
      return 0
    fi
    sleep 1
  done
}

# The Flink fixture's JobManager and TaskManager CPU so far, in milliseconds (utime + stime of the
# two processes, from /proc; only when the cluster runner is benched).
cluster_cpu_ms() {
  local f pid total=0 ticks; ticks="$(getconf CLK_TCK)"
  for f in "$RUN_DIR/flink/jobmanager.pid" "$RUN_DIR/flink/taskmanager.pid"; do
    pid="$(cat "$f" 2>/dev/null || true)"
    [[ -n "$pid" && -r "/proc/$pid/stat" ]] \
      || { echo "the Flink fixture stopped during the bench (no live process in $f): bash ftest/fixtures/flink.sh start, then rerun" >&2; exit 1; }
    # Fields 14 and 15 of /proc/PID/stat, counted after the command name's closing parenthesis.
    total=$(( total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }') ))
  done
  echo $(( total * 1000 / ticks ))
}

# measure LABEL COMMAND...: runs COMMAND under /usr/bin/time -> $WORK/LABEL.time
# ("maxrss_kb wall_s user_s sys_s"), $WORK/LABEL.escpu (Elasticsearch CPU ms before and after) and,
# for a sync on the session cluster (label *-cluster-*), $WORK/LABEL.clustercpu (the cluster's).
measure() {
  local label="$1" rc=0; shift
  es_quiet
  es_cpu_ms > "$WORK/$label.escpu"
  [[ "$label" != *-cluster-* ]] || cluster_cpu_ms > "$WORK/$label.clustercpu"
  /usr/bin/time -f '%M %e %U %S' -o "$WORK/$label.time" "$@" || rc=$?
  es_cpu_ms >> "$WORK/$label.escpu"
  [[ "$label" != *-cluster-* ]] || cluster_cpu_ms >> "$WORK/$label.clustercpu"
  return "$rc"
}

# run_sync SCENARIO SERVICE_TYPE CONFIG INDEX RUNNER STEP
#   -> $WORK/SCENARIO-RUNNER-STEP.summary.json, .time and .escpu (see measure)
run_sync() {
  local scenario="$1" service="$2" config="$3" index="$4" runner="$5" step="$6" jvm=("${GC[@]}") args=()
  local label="$scenario-$runner-$step"
  if [[ "$runner" == flink ]]; then
    jvm+=("${FLINK_OPENS[@]}"); args=(--runner=FlinkRunner --flinkMaster=[local] --parallelism="$(nproc)")
  elif [[ "$runner" == cluster ]]; then
    # Attached: the JVM plans the job, stages the jar, waits for the job and reads its counters.
    jvm+=("${FLINK_OPENS[@]}")
    args=(--runner=FlinkRunner --flinkMaster="$BC_FLINK_MASTER" --parallelism="$BC_FLINK_PARALLELISM"
      --jobName="$NAME-$label")
    [[ -z "$MARKER" ]] || args+=(--filesToStage="$MARKER")
  else
    args=(--runner=DirectRunner)
  fi
  if [[ -n "$JFR_DIR" ]]; then
    # Deep stacks: Beam's are, and the "anywhere in the stack" ranking needs the outer frames.
    jvm+=("-XX:StartFlightRecording=filename=$JFR_DIR/$label.jfr,settings=profile,dumponexit=true"
      -XX:FlightRecorderOptions=stackdepth=256)
  fi
  echo "== $label"
  measure "$label" java -Xmx"$HEAP" "${jvm[@]}" -cp "$SYNC_CP" io.beamconnectors.pipelines.FullSyncPipeline \
      "${args[@]}" --serviceType="$service" --connectorConfig="$config" \
      --esUrl="$BC_ES_URL" --esUsername="$BC_ES_USERNAME" --esIndex="$index" \
      --bulkParallelRequests="$PARALLEL" --summaryJson="$WORK/$label.summary.json" > "$WORK/$label.out" 2> "$WORK/$label.err" \
    || { echo "sync $label failed:"; tail -30 "$WORK/$label.err"; exit 1; }
  grep -E "^\s+(listed|created|updated|unchanged|deleted|content_fetched|failed) " "$WORK/$label.out" | tr -s ' ' | paste -sd, -
  if [[ -n "$JFR_DIR" ]]; then
    echo "   where $label's time went (JFR execution samples):"
    java -cp "$CP" io.beamconnectors.ftest.bench.HotMethods "$JFR_DIR/$label.jfr" 10 "$WORK/$label.hot.json"
  fi
}

# warmups_for SCENARIO: how many warm-ups (unmeasured) the warm runner starts with (BENCH_WARMUPS).
warmups_for() {
  if [[ -n "$WARMUPS" ]]; then
    echo "$WARMUPS"
  elif [[ "$1" == postgresql ]]; then
    local n=$(( (300000 + ROWS - 1) / ROWS ))
    echo $(( n > 3 ? 3 : n ))
  else
    echo 1
  fi
}

# run_warm SCENARIO SERVICE_TYPE CONFIG INDEX RUNNER STEP...: the scenario's syncs in one JVM after
#   its warm-up syncs (WarmJvmSyncs; STEP exec:COMMAND runs COMMAND between syncs) -> the same files
#   as run_sync, under SCENARIO-RUNNER-STEP, and SCENARIO-RUNNER.warmups. RUNNER warm: the
#   DirectRunner; warmflink: embedded Flink. With BENCH_JFR, each reported step is recorded on its
#   own (the warm-up syncs are not) and its hot methods are printed.
run_warm() {
  local scenario="$1" service="$2" config="$3" index="$4" runner="$5"; shift 5
  local label="$scenario-$runner" n i warmups=() jvm=("${GC[@]}") step args=(--runner=DirectRunner)
  if [[ "$runner" == warmflink ]]; then
    jvm+=("${FLINK_OPENS[@]}"); args=(--runner=FlinkRunner --flinkMaster=[local] --parallelism="$(nproc)")
  fi
  if [[ -n "$JFR_DIR" ]]; then
    # Stack depth is a JVM option; the recordings themselves start and stop around each step.
    jvm+=(-Dbench.jfrDir="$JFR_DIR" -XX:FlightRecorderOptions=stackdepth=256)
  fi
  n="$(warmups_for "$scenario")"
  local kind=warmup what="full sync and re-sync"
  [[ "$WARMUP_RESYNC" == 1 ]] || { kind=warmup-full; what="full sync"; }
  for ((i = 0; i < n; i++)); do warmups+=("$kind"); done
  echo "$n" > "$WORK/$label.warmups"
  echo "$WARMUP_RESYNC" > "$WORK/$label.warmupresync"
  echo "== $label: $n warm-up(s) (each a $what), then the syncs below, in one JVM"
  java -Xmx"$HEAP" "${jvm[@]}" -cp "$WARM_CP" io.beamconnectors.ftest.bench.WarmJvmSyncs "$WORK" "$label" "${warmups[@]}" "$@" -- \
      "${args[@]}" --serviceType="$service" --connectorConfig="$config" \
      --esUrl="$BC_ES_URL" --esUsername="$BC_ES_USERNAME" --esIndex="$index" \
      --bulkParallelRequests="$PARALLEL" > "$WORK/$label.out" 2> "$WORK/$label.err" \
    || { echo "$runner syncs of $scenario failed:"; tail -30 "$WORK/$label.err"; exit 1; }
  awk '/^== / { if (line) print line; print; line = "" }
       /^ +(listed|created|updated|unchanged|deleted|content_fetched|failed) / { $1 = $1; line = line (line ? ", " : " ") $0 }
       END { if (line) print line }' "$WORK/$label.out"
  if [[ -n "$JFR_DIR" ]]; then
    for step in "$@"; do
      [[ "$step" != exec:* ]] || continue
      echo "   where $label-$step's time went (JFR execution samples):"
      java -cp "$CP" io.beamconnectors.ftest.bench.HotMethods "$JFR_DIR/$label-$step.jfr" 10 "$WORK/$label-$step.hot.json"
    done
  fi
}

# make_tree DIR SMALL LARGE: SMALL one-line text files in folders of 100 and LARGE text files of 1 MiB.
make_tree() {
  local tree="$1" small="$2" large="$3" i
  rm -rf "$tree"
  mkdir -p "$tree/Large-Data-Folder"
  for ((i = 0; i < small; i++)); do
    [[ -d "$tree/folder$((i / 100))" ]] || mkdir -p "$tree/folder$((i / 100))"
    printf 'File %d of the benchmark tree. It holds one short sentence.\n' "$i" > "$tree/folder$((i / 100))/file$i.txt"
  done
  # Text made of base64 letters; pipefail off for this line only: `head` ends the pipe early on purpose.
  ( set +o pipefail
    head -c $((large * 1024 * 1024)) /dev/urandom | base64 -w 0 | head -c $((large * 1024 * 1024)) \
      | split -b 1048576 -d -a 4 --additional-suffix=.txt - "$tree/Large-Data-Folder/large" )
}

# rows_after_delete: the rows left once the ids ending in 01 are gone (ids 1..BENCH_ROWS).
rows_after_delete() { echo $(( ROWS - (ROWS - 1) / 100 - 1 )); }

# check_count INDEX EXPECTED: a bench number is worth nothing if the mirror is wrong, so the run
# stops when the index does not hold exactly EXPECTED documents.
check_count() {
  local got
  es_curl -o /dev/null -X POST "$BC_ES_URL/$1/_refresh"
  got="$(es_curl "$BC_ES_URL/$1/_count" | grep -o '"count":[0-9]*' | cut -d: -f2)"
  [[ "$got" == "$2" ]] || { echo "index $1 holds ${got:-no count} documents after the deleted step, expected $2: the sync lost or kept rows" >&2; exit 1; }
  echo "   index $1 holds $got documents, as many as the table's rows"
}

# The bench table's row for id i, in SQL: the load and the deleted step's restore make the same rows.
ROW_OF_I="i, 'item ' || i, (ARRAY['tools','garden','kitchen','books','toys'])[1 + i % 5], (i % 10000) / 100.0,
       repeat(md5(i::text), 45)"

bench_postgresql() {
  bash ftest/fixtures/postgresql.sh start
  set -a; source "$RUN_DIR/postgresql/env"; set +a
  # The bench's own database: its table is never seen by a functional test's sync, nor by
  # another bench run with another BENCH_NAME.
  local psql=(bash ftest/fixtures/postgresql.sh psql -q)
  "${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$NAME'" | grep -q 1 || "${psql[@]}" -c "CREATE DATABASE $NAME"
  psql+=(-d "$NAME")
  echo "== postgresql: loading $ROWS rows into database $NAME, table items"
  "${psql[@]}" <<SQL
DROP TABLE IF EXISTS items;
CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, category TEXT, price NUMERIC(10,2), payload TEXT);
INSERT INTO items
SELECT $ROW_OF_I
FROM generate_series(1, $ROWS) AS i;
ANALYZE items;
DROP TABLE IF EXISTS startup;
CREATE TABLE startup (id BIGINT PRIMARY KEY, name TEXT);
INSERT INTO startup VALUES (1, 'one row: what a sync costs before its first document');
SQL
  local config="$WORK/postgresql.json"
  ( umask 077; printf '{"host":"%s","port":%s,"username":"%s","password":"%s","database":"%s","tables":"items","fetch_size":1000}\n' \
    "$BC_PG_HOST" "$BC_PG_PORT" "$BC_PG_USER" "$BC_PG_PASSWORD" "$NAME" > "$config" )
  local startup="$WORK/postgresql-startup.json"
  sed 's/"tables":"items"/"tables":"startup"/' "$config" > "$startup"
  printf "UPDATE items SET name = name || ' (changed)' WHERE id %% 100 = 0;\n" > "$WORK/change.sql"
  # The deleted step removes the rows whose id ends in 01 and puts them back after the runner's
  # syncs, so that every runner (and the ceiling) starts from the same table.
  printf "DELETE FROM items WHERE id %% 100 = 1;\n" > "$WORK/delete.sql"
  cat > "$WORK/restore.sql" <<SQL
INSERT INTO items
SELECT $ROW_OF_I
FROM generate_series(1, $ROWS) AS i WHERE i % 100 = 1
ON CONFLICT (id) DO NOTHING;
SQL
  local psql_file="bash ftest/fixtures/postgresql.sh psql -q -d $NAME -f"
  for runner in $RUNNERS; do
    if [[ "$runner" == warm* ]]; then
      es_delete "$IDX-postgresql"
      run_warm postgresql postgresql "$config" "$IDX-postgresql" "$runner" full noop \
        "exec:$psql_file $WORK/change.sql" changed "exec:$psql_file $WORK/delete.sql" deleted
      check_count "$IDX-postgresql" "$(rows_after_delete)"
      "${psql[@]}" -f "$WORK/restore.sql"
      continue
    fi
    # The fixed cost of a sync (JVM start, pipeline construction, JIT): a one-row table, so the
    # table below can give the CPU each further document costs.
    es_delete "$IDX-startup"
    if [[ "$runner" == cluster ]]; then
      # The cluster outlives its jobs: the first one also warms the TaskManager's JIT, which no
      # later sync pays again, so a one-row job runs first, unmeasured.
      run_sync postgresql postgresql "$startup" "$IDX-startup" "$runner" warmup
      es_delete "$IDX-startup"
    fi
    run_sync postgresql postgresql "$startup" "$IDX-startup" "$runner" startup
    es_delete "$IDX-startup"
    es_delete "$IDX-postgresql"
    run_sync postgresql postgresql "$config" "$IDX-postgresql" "$runner" full
    run_sync postgresql postgresql "$config" "$IDX-postgresql" "$runner" noop
    "${psql[@]}" -f "$WORK/change.sql"
    run_sync postgresql postgresql "$config" "$IDX-postgresql" "$runner" changed
    "${psql[@]}" -f "$WORK/delete.sql"
    run_sync postgresql postgresql "$config" "$IDX-postgresql" "$runner" deleted
    check_count "$IDX-postgresql" "$(rows_after_delete)"
    "${psql[@]}" -f "$WORK/restore.sql"
  done
  es_delete "$IDX-postgresql"
  echo "== postgresql ceiling: plain bulk client, 500 per request, $PARALLEL in flight"
  measure postgresql-ceiling java -Xmx"$HEAP" "${GC[@]}" -cp "$CP" io.beamconnectors.ftest.bench.BulkCeiling \
    "jdbc:postgresql://$BC_PG_HOST:$BC_PG_PORT/$NAME" "$BC_PG_USER" items "$IDX-ceiling" "$PARALLEL" \
    > "$WORK/postgresql-ceiling.json" 2> "$WORK/postgresql-ceiling.err" || { tail -30 "$WORK/postgresql-ceiling.err"; exit 1; }
  es_delete "$IDX-ceiling"
}

bench_network_drive() {
  bash ftest/fixtures/samba.sh start
  set -a; source "$RUN_DIR/samba/env"; set +a
  local tree="$BC_SMB_SHARE_DIR/$NAME"
  echo "== network_drive: $SMB_SMALL small files and $SMB_LARGE x 1 MiB under $BC_SMB_SHARE/$NAME"
  make_tree "$tree" "$SMB_SMALL" "$SMB_LARGE"
  chown -R bcsmb: "$tree"
  local bytes; bytes="$(du -sb "$tree" | cut -f1)"
  echo "$bytes" > "$WORK/network_drive-bytes"
  local config="$WORK/network_drive.json"
  ( umask 077; printf '{"server_ip":"%s","server_port":%s,"username":"%s","password":"%s","drive_path":"%s/%s"}\n' \
    "$BC_SMB_HOST" "$BC_SMB_PORT" "$BC_SMB_USER" "$BC_SMB_PASSWORD" "$BC_SMB_SHARE" "$NAME" > "$config" )
  for runner in $RUNNERS; do
    es_delete "$IDX-network-drive"
    if [[ "$runner" == warm* ]]; then
      run_warm network_drive network_drive "$config" "$IDX-network-drive" "$runner" full noop
      continue
    fi
    run_sync network_drive network_drive "$config" "$IDX-network-drive" "$runner" full
    run_sync network_drive network_drive "$config" "$IDX-network-drive" "$runner" noop
  done
  es_delete "$IDX-network-drive"
  echo "== network_drive ceiling: smbclient recursive get of the same tree"
  # smbclient writes the files into memory (tmpfs) where the machine has one: the sync writes no
  # file, and on this machine's disk creating the 10,200 files cost smbclient 3 to 6 CPU-s of kernel
  # time from one run to the next (its wall time 10 to 16 s within the hour; 11 s into memory).
  local dest auth="$WORK/smb.auth"
  if [[ -d /dev/shm && -w /dev/shm ]]; then
    SMB_GET_DIR="$(mktemp -d /dev/shm/bc-smbget.XXXXXX)"
    dest="$SMB_GET_DIR"
  else
    dest="$WORK/smbget"
    mkdir -p "$dest"
  fi
  ( umask 077; printf 'username = %s\npassword = %s\n' "$BC_SMB_USER" "$BC_SMB_PASSWORD" > "$auth" )
  measure network_drive-ceiling smbclient "//$BC_SMB_HOST/$BC_SMB_SHARE" -p "$BC_SMB_PORT" -A "$auth" -m SMB3 \
    -c "prompt OFF; recurse ON; cd $NAME; lcd $dest; mget *" > "$WORK/smbget.log" 2>&1
  local files wall; files="$(find "$dest" -type f | wc -l)"
  # smbclient's wall time as /usr/bin/time measured it (the Elasticsearch reads around it excluded).
  wall="$(tail -n 1 "$WORK/network_drive-ceiling.time" | cut -d' ' -f2)"
  printf '{"docs": %d, "bytes": %d, "seconds": %s, "into": "%s"}\n' "$files" "$(du -sb "$dest" | cut -f1)" "$wall" \
    "$([[ -n "$SMB_GET_DIR" ]] && echo "memory (tmpfs)" || echo "the work folder on disk")" > "$WORK/network_drive-ceiling.json"
  rm -rf "$dest" "$tree"
  SMB_GET_DIR=""
}

bench_s3() {
  bash ftest/fixtures/s3.sh start
  set -a; source "$RUN_DIR/s3/env"; set +a
  local tree="$WORK/s3tree" bucket="$IDX-s3"
  echo "== s3: $S3_SMALL small objects and $S3_LARGE x 1 MiB into bucket $bucket"
  make_tree "$tree" "$S3_SMALL" "$S3_LARGE"
  java -cp "$CP" io.beamconnectors.ftest.bench.S3BenchBucket "$tree" "$bucket" 8
  rm -rf "$tree"
  local config="$WORK/s3.json"
  ( umask 077; printf '{"buckets":"%s","aws_access_key_id":"%s","aws_secret_access_key":"%s","region":"%s","endpoint":"%s","path_style":"true"}\n' \
    "$bucket" "$BC_S3_ACCESS_KEY" "$BC_S3_SECRET_KEY" "$BC_S3_REGION" "$BC_S3_ENDPOINT" > "$config" )
  for runner in $RUNNERS; do
    es_delete "$IDX-s3"
    if [[ "$runner" == warm* ]]; then
      run_warm s3 s3 "$config" "$IDX-s3" "$runner" full noop
      continue
    fi
    run_sync s3 s3 "$config" "$IDX-s3" "$runner" full
    run_sync s3 s3 "$config" "$IDX-s3" "$runner" noop
  done
  es_delete "$IDX-s3"
  echo "== s3 ceiling: plain AWS SDK client, list then GetObject with $S3_CONCURRENCY in flight"
  measure s3-ceiling java "${GC[@]}" -cp "$CP" io.beamconnectors.ftest.bench.S3DownloadCeiling "$bucket" "$S3_CONCURRENCY" \
    > "$WORK/s3-ceiling.json" 2> "$WORK/s3-ceiling.err" || { tail -30 "$WORK/s3-ceiling.err"; exit 1; }
  java -cp "$CP" io.beamconnectors.ftest.bench.S3BenchBucket --delete "$bucket"
}

for scenario in $SCENARIOS; do
  "bench_$scenario"
done

python3 - "$WORK" "$OUT" "$SCENARIOS" "$RUNNERS" "$ROWS" "$SMB_SMALL" "$SMB_LARGE" "$S3_SMALL" "$S3_LARGE" \
  "$PARALLEL" "$S3_CONCURRENCY" "$NAME" "${BENCH_JFR:-}" "$JFR_DIR" "$FLINK_JAR_INSTALLED" "${BENCH_SYNC_JAR:-}" <<'PY'
import hashlib, json, os, sys
work, out, scenarios, runners = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
rows, smb_small, smb_large, s3_small, s3_large, parallel, s3_concurrency = (int(x) for x in sys.argv[5:12])
name, jfr, jfr_dir, jar_installed, sync_jar = sys.argv[12], sys.argv[13], sys.argv[14], sys.argv[15] == "1", sys.argv[16]
steps = {"postgresql": ["full", "noop", "changed", "deleted"], "network_drive": ["full", "noop"], "s3": ["full", "noop"]}
sizes = {"postgresql": {"rows": rows}, "network_drive": {"small_files": smb_small, "large_files_1mib": smb_large},
         "s3": {"small_files": s3_small, "large_files_1mib": s3_large}}
ceilings = {"postgresql": f"plain bulk client, {parallel} requests in flight", "network_drive": "smbclient recursive get",
            "s3": f"AWS SDK GetObject, {s3_concurrency} in flight"}
result = {"name": name, "cpus": os.cpu_count(), "bulk_parallel_requests": parallel,
          "sync_class_path": "the shaded pipelines jar", "scenarios": {}}
if sync_jar:
    with open(sync_jar, "rb") as f:
        result["sync_class_path"] = {"jar": sync_jar, "sha256": hashlib.file_digest(f, "sha256").hexdigest(),
                                     "note": "another build's shaded pipelines jar (BENCH_SYNC_JAR)"}
if jar_installed and "cluster" in runners:
    result["cluster_jar"] = "installed on the cluster's class path; each job staged a marker (BENCH_FLINK_JAR_INSTALLED)"
if jfr:
    result["jfr"] = {"recordings": jfr_dir if jfr == "keep" else None,
                     "note": "recorded with JFR (profile settings): CPU numbers include its overhead"}

def cpu(label, docs, written=None):
    """CPU of the measured process and of Elasticsearch over the same interval."""
    rss_kb, wall, user, sys_ = open(os.path.join(work, label + ".time")).read().split()[-4:]
    es_before, es_after = (int(x) for x in open(os.path.join(work, label + ".escpu")).read().split())
    own = float(user) + float(sys_)
    extra = {}
    cluster_file = os.path.join(work, label + ".clustercpu")
    if os.path.exists(cluster_file):
        # A sync on the session cluster: its work runs in the JobManager and TaskManager.
        c_before, c_after = (int(x) for x in open(cluster_file).read().split())
        extra["submitter_cpu_seconds"] = round(own, 2)
        extra["cluster_cpu_seconds"] = round((c_after - c_before) / 1000.0, 2)
        own += extra["cluster_cpu_seconds"]
    es = (es_after - es_before) / 1000.0
    per = lambda n: round(own * 1e6 / n, 1) if n else None
    return {**extra, "cpu_seconds": round(own, 2), "cpu_us_per_listed": per(docs),
            "cpu_us_per_written": per(docs if written is None else written),
            "es_cpu_seconds": round(es, 2), "cpu_ratio_to_es": round(own / es, 2) if es > 0 else None,
            "peak_rss_mb": round(int(rss_kb) / 1024), "wall_seconds": float(wall)}

fmt = lambda v, f: "-" if v is None else format(v, f)
def line(label, secs, listed, written, rate, mbs, ratio, u):
    print(f"{label:<30}{secs:>9.1f}{listed:>9}{written:>9}{rate:>9.0f}{mbs:>7.1f}{ratio:>11.2f}"
          f"{u['cpu_seconds']:>8.1f}{fmt(u['cpu_us_per_listed'], '.0f'):>10}{fmt(u['cpu_us_per_written'], '.0f'):>11}"
          f"{u['es_cpu_seconds']:>9.1f}{fmt(u['cpu_ratio_to_es'], '.2f'):>7}{u['peak_rss_mb']:>8}"
          f"{fmt(u.get('cpu_us_per_listed_beyond_startup'), '.0f'):>10}{fmt(u.get('jit_seconds'), '.1f'):>7}")

print(f"\n{'run':<30}{'seconds':>9}{'listed':>9}{'written':>9}{'docs/s':>9}{'MB/s':>7}{'vs ceiling':>11}"
      f"{'CPU s':>8}{'us/listed':>10}{'us/written':>11}{'ES CPU s':>9}{'CPU/ES':>7}{'RSS MB':>8}{'us/doc+':>10}{'JIT s':>7}")
for sc in scenarios:
    ceiling = json.load(open(os.path.join(work, sc + "-ceiling.json")))
    c_rate = ceiling["docs"] / ceiling["seconds"]
    c_mbs = ceiling.get("bytes", 0) / 1e6 / ceiling["seconds"]
    c_cpu = cpu(sc + "-ceiling", ceiling["docs"])
    entry = {"size": sizes[sc], "ceiling": {"what": ceilings[sc], **ceiling, "docs_per_s": round(c_rate),
                                            "mb_per_s": round(c_mbs, 1), **c_cpu}, "syncs": {}}
    for runner in runners:
        for step in steps[sc]:
            label = f"{sc}-{runner}-{step}"
            s = json.load(open(os.path.join(work, label + ".summary.json")))
            c = s["counters"]
            secs = s["elapsed_ms"] / 1000.0
            rate = c["listed"] / secs if secs else 0
            mbs = c["content_bytes_fetched"] / 1e6 / secs if secs else 0
            written = c["indexed_ok"] + c["deleted_ok"]
            usage = cpu(label, c["listed"], written)
            startup = f"{sc}-{runner}-startup"
            if os.path.exists(os.path.join(work, startup + ".time")) and c["listed"]:
                # CPU beyond the one-row sync's: what each document costs once the JVM is warm.
                base = cpu(startup, 1)["cpu_seconds"]
                usage["startup_cpu_seconds"] = round(base, 2)
                usage["cpu_us_per_listed_beyond_startup"] = round((usage["cpu_seconds"] - base) * 1e6 / c["listed"], 1)
            jit = os.path.join(work, label + ".jit")
            if os.path.exists(jit):
                # Warm runners: the JIT compiler threads' CPU over the sync (WarmJvmSyncs), part of its CPU.
                usage["jit_seconds"] = round(float(open(jit).read()), 2)
            e = {"runner": runner, "step": step, "pipeline_seconds": round(secs, 2),
                 "jvm_wall_seconds": usage.pop("wall_seconds"),
                 "listed": c["listed"], "created": c["created"], "updated": c["updated"], "unchanged": c["unchanged"],
                 "deleted": c["deleted"], "written": written, "failed": c["failed"],
                 "content_fetched": c["content_fetched"], "content_bytes_fetched": c["content_bytes_fetched"],
                 "docs_per_s": round(rate), "mb_per_s": round(mbs, 1), "ratio_to_ceiling": round(rate / c_rate, 3),
                 **usage}
            warmups = os.path.join(work, f"{sc}-{runner}.warmups")
            if os.path.exists(warmups):
                e["warmup_syncs"] = int(open(warmups).read())
                resync = os.path.join(work, f"{sc}-{runner}.warmupresync")
                # Whether each warm-up was a full sync and a re-sync (from the twenty-ninth round on).
                e["warmup_resync"] = os.path.exists(resync) and open(resync).read().strip() == "1"
            hot = os.path.join(work, label + ".hot.json")
            if os.path.exists(hot):
                e["hot_methods"] = json.load(open(hot))
            entry["syncs"][f"{runner}-{step}"] = e
            line(label, secs, c["listed"], written, rate, mbs, rate / c_rate, e)
    line(sc + "-ceiling", ceiling["seconds"], ceiling["docs"], ceiling["docs"], c_rate, c_mbs, 1.0, entry["ceiling"])
    result["scenarios"][sc] = entry
print("\nCPU s: user + sys of the sync's JVM (the ceiling's client process on ceiling lines), JVM start-up"
      " and JIT included; us/listed, us/written: that CPU per document; ES CPU s: Elasticsearch's process CPU"
      " over the same interval (node stats); CPU/ES: the first over the second; us/doc+: CPU per listed"
      " document beyond a one-row sync's (start-up, pipeline construction and JIT taken out); JIT s: the JIT"
      " compiler threads' CPU over a warm sync, part of its CPU s (from /proc: a warm JVM still"
      " compiles code that runs once per sync, so it shrinks with the syncs the JVM has run). warm: the"
      " DirectRunner with the scenario's syncs in one JVM after warm-ups (warmup_syncs in the JSON, each a full sync and a re-sync unless warmup_resync is false; as the"
      " launcher runs them); warmflink: the same on embedded Flink (the launcher's runner.flink.master \"[local]\");"
      " its CPU s is that JVM's over the one sync, and its RSS the JVM's peak so far. cluster: FlinkRunner"
      " submitting to a running session cluster; its CPU s adds the JobManager's and TaskManager's CPU over"
      " the sync to the submitting JVM's, and its RSS is the submitting JVM's.")
if jfr:
    print("These runs were profiled with JFR (BENCH_JFR): their CPU includes the recorder's overhead.")
os.makedirs(os.path.dirname(out), exist_ok=True)
json.dump(result, open(out, "w"), indent=2)
print("\nwritten to " + out)
PY
java -Djava.awt.headless=true -cp "$CP" io.beamconnectors.ftest.bench.BenchChart "$OUT" "${OUT%.json}.png"
java -cp "$CP" io.beamconnectors.ftest.bench.BenchTargets "$OUT"
if [[ -n "${BENCH_RESULT_LIST:-}" ]]; then
  echo "$OUT" >> "$BENCH_RESULT_LIST"
  printf '%s' "$CP" > "$BENCH_RESULT_LIST.cp" # the outer run's BenchTargets needs the bench's class path
fi
[[ "${BENCH_JFR:-}" != keep ]] || echo "JFR recordings kept in $JFR_DIR (open them with JDK Mission Control or \`jfr print\`)"

#!/usr/bin/env bash
# Runs the unit tests and the functional tests against real servers.
#   ftest/run.sh all             every fixture, unit tests + every *Ftest (what `make test` runs)
#   ftest/run.sh NAME            one source's functional test (postgresql, network_drive, s3,
#                                google_cloud_storage, azure_blob_storage) with its fixtures;
#                                oracle and mssql need a server given by BC_ORACLE_* / BC_MSSQL_*
#                                and report their tests as SKIPPED (printed, with the reason) without
#   ftest/run.sh flink_cluster   syncs submitted from the bundled pipelines jar to a Flink session
#                                cluster (fixtures: postgresql, s3, flink); builds the jar when it
#                                is missing or older than the sources
#   ftest/run.sh launcher        the launcher suites: LauncherFtest (direct runner),
#                                LauncherEmbeddedFlinkFtest (flink runner, embedded), LauncherFlinkFtest
#                                (flink runner on the session cluster; builds the jar like
#                                flink_cluster), LauncherFlinkInstalledJarFtest (the same with the
#                                jar on the cluster's class path; restarts the cluster),
#                                ConnectorApiFtest (fixtures: postgresql, flink)
# Elasticsearch 9: `all` and `launcher` then run the launcher suites (LauncherFtest,
# ConnectorApiFtest) a second time against an Elasticsearch 9.2.0 of their own (`all` also
# PostgresqlFtest and LookupKeyFtest), started by the same fixture script with its own run dir and ports and stopped
# afterwards:
#   BC_ES9_VERSION (9.2.0), BC_ES9_PORT (19202), BC_ES9_TRANSPORT_PORT (19302),
#   BC_ES9_RUN_DIR ($BC_RUN_DIR/es9), BC_ES9_TESTS (another -Dtest list), BC_ES9=0 skips this
#   second pass (printed).
# Fixtures this script starts are stopped (by PID, by their own scripts) when it exits; fixtures
# that were already running are reused and left running.
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTURES=ftest/fixtures
target="${1:-all}"

# Maven 3.8 (Debian's) prints stray ESC[0m resets even in batch mode: strip them from what the
# user reads, on both streams. pipefail (above) keeps Maven's exit status.
without_escapes() {
  "$@" 2> >(sed -u $'s/\e\\[[0-9;]*m//g' >&2) | sed -u $'s/\e\\[[0-9;]*m//g'
}

# NAME -> "FIXTURE[,FIXTURE...] TEST_CLASS" (elasticsearch is always started).
fixture_for() {
  case "$1" in
    postgresql) echo "postgresql PostgresqlFtest" ;;
    network_drive) echo "samba NetworkDriveFtest" ;;
    s3) echo "s3 S3Ftest" ;;
    google_cloud_storage) echo "gcs GcsFtest" ;;
    azure_blob_storage) echo "azurite AzureBlobFtest" ;;
    # No Oracle or SQL Server can run here: these use a server given by BC_ORACLE_* / BC_MSSQL_*
    # variables and are reported as skipped (with the reason) without one.
    oracle) echo "- OracleFtest" ;;
    mssql) echo "- MssqlFtest" ;;
    flink_cluster) echo "postgresql,s3,flink FlinkClusterFtest" ;;
    launcher) echo "postgresql,flink LauncherFtest,LauncherEmbeddedFlinkFtest,LauncherFlinkFtest,LauncherFlinkInstalledJarFtest,ConnectorApiFtest" ;;
    *) echo "unknown NAME '$1': use postgresql, network_drive, s3, google_cloud_storage, azure_blob_storage, oracle, mssql, flink_cluster or launcher" >&2; exit 2 ;;
  esac
}

if [[ "$target" == all ]]; then
  fixtures=(elasticsearch postgresql samba s3 azurite gcs flink)
  tests=""
  es9_tests="LauncherFtest,ConnectorApiFtest,PostgresqlFtest,LookupKeyFtest"
else
  read -r fx cls < <(fixture_for "$target")
  fxs=()
  [[ "$fx" == - ]] || IFS=, read -r -a fxs <<<"$fx"
  fixtures=(elasticsearch "${fxs[@]}")
  tests="$cls"
  es9_tests=""
  [[ "$target" == launcher ]] && es9_tests="LauncherFtest,ConnectorApiFtest"
fi

# The second Elasticsearch (9.x) of the launcher pass: the same fixture script, its own state and ports.
ES9_VERSION="${BC_ES9_VERSION:-9.2.0}"
ES9_RUN_DIR="${BC_ES9_RUN_DIR:-${BC_RUN_DIR:-/tmp/beam-connectors}/es9}"
ES9_PORT="${BC_ES9_PORT:-19202}"
ES9_TRANSPORT_PORT="${BC_ES9_TRANSPORT_PORT:-19302}"
# BC_ES9_TESTS replaces the list (surefire -Dtest syntax, e.g. 'LauncherFtest#a+b,ConnectorApiFtest').
if [[ -n "$es9_tests" && -n "${BC_ES9_TESTS:-}" ]]; then
  es9_tests="$BC_ES9_TESTS"
fi
if [[ "${BC_ES9:-1}" == 0 && -n "$es9_tests" ]]; then
  echo "[run.sh] BC_ES9=0: $es9_tests SKIPPED against Elasticsearch $ES9_VERSION (not passed)" >&2
  es9_tests=""
fi
es9_fixture() {
  BC_RUN_DIR="$ES9_RUN_DIR" BC_ES_VERSION="$ES9_VERSION" BC_ES_PORT="$ES9_PORT" \
    BC_ES_TRANSPORT_PORT="$ES9_TRANSPORT_PORT" bash "$FIXTURES/elasticsearch.sh" "$@"
}

source ftest/bundled-jar.sh
if [[ "$target" == flink_cluster || "$target" == launcher || "$target" == all ]]; then
  ensure_bundled_jar
fi

started=()
es9_started=0
es9_pid=""

cleanup() {
  local rc=$?
  if (( es9_started )); then
    [[ -z "$es9_pid" ]] || wait "$es9_pid" 2>/dev/null || true  # a start still under way ends first
    es9_fixture stop || true
  fi
  for ((i=${#started[@]}-1; i>=0; i--)); do
    bash "$FIXTURES/${started[i]}.sh" stop || true
  done
  exit $rc
}
trap cleanup EXIT INT TERM

for f in "${fixtures[@]}"; do
  if ! bash "$FIXTURES/$f.sh" status >/dev/null 2>&1; then
    started+=("$f")
  fi
done
# Start them together: most of the time is JVM and npm start-up, which overlaps well.
pids=()
for f in "${fixtures[@]}"; do
  bash "$FIXTURES/$f.sh" start & pids+=($!)
done
# Wait for every start, even after one failed: stopping the fixtures (cleanup) while another start is
# still under way would miss the server it is about to launch and leave it running.
start_failed=0
for p in "${pids[@]}"; do wait "$p" || start_failed=1; done
(( start_failed == 0 )) || { echo "[run.sh] a fixture did not start (its error is above): stopping the others" >&2; exit 1; }
# The 9.x node starts in the background while the first pass builds and runs (after the other
# fixtures: two fixture scripts installing packages or users at once would race).
if [[ -n "$es9_tests" ]]; then
  es9_fixture status >/dev/null 2>&1 || es9_started=1
  mkdir -p "$ES9_RUN_DIR"
  es9_fixture start >"$ES9_RUN_DIR/start.log" 2>&1 & es9_pid=$!
fi

set -a
for f in "${fixtures[@]}"; do
  # shellcheck disable=SC1090
  source "${BC_RUN_DIR:-/tmp/beam-connectors}/$f/env"
done
set +a

# Prints every suite with skipped tests and the first reason (skipped is not passed: say so).
report_skipped() {
  local r n k reason
  for r in "$@"; do
    [[ -f "$r" ]] || continue
    k=$(grep -o '<testsuite [^>]*skipped="[0-9]*"' "$r" | sed 's/.*skipped="\([0-9]*\)"/\1/' | head -1)
    (( ${k:-0} > 0 )) || continue
    n=$(grep -o '<testsuite [^>]*tests="[0-9]*"' "$r" | sed 's/.*tests="\([0-9]*\)"/\1/' | head -1)
    reason=$( { grep -ho 'Assumption failed: [^<]*' "$r" || true; } | head -n 1 | sed 's/^Assumption failed: //')
    echo "[run.sh] $(basename "$r" .xml | sed 's/^TEST-//'): $k of ${n:-?} tests SKIPPED (not passed): ${reason:-no reason given}" >&2
  done
}

MVN=(mvn -B -ntp)

# Fails when the ftest module ran no test of the named classes (comma list): -Dtest filters every
# module of the reactor, so surefire cannot tell "no such test" from "not in this module".
check_ran() {
  local cls r n k ran skipped
  for cls in ${1//,/ }; do
    cls="${cls%%#*}"  # Class#method+method: the report is the class's
    ran=0
    skipped=0
    for r in ftest/target/surefire-reports/TEST-*"$cls".xml; do
      [[ -f "$r" ]] || continue
      n=$(grep -o '<testsuite [^>]*tests="[0-9]*"' "$r" | sed 's/.*tests="\([0-9]*\)"/\1/' | head -1)
      k=$(grep -o '<testsuite [^>]*skipped="[0-9]*"' "$r" | sed 's/.*skipped="\([0-9]*\)"/\1/' | head -1)
      ran=$((ran + ${n:-0}))
      skipped=$((skipped + ${k:-0}))
    done
    if (( ran == 0 )); then
      echo "ftest $cls ran no test: the class is missing, renamed or all its tests are filtered out" >&2
      exit 1
    fi
    if (( skipped > 0 )); then
      # oracle and mssql are skipped as a whole without their BC_* variables (their servers cannot
      # run here): accepted, and printed.
      report_skipped ftest/target/surefire-reports/TEST-*"$cls".xml
    fi
  done
}

# The version a running Elasticsearch reports (GET /), the credentials through stdin, never argv.
es_version_of() {
  local url="$1" user="$2" pw="$3"
  pw="${pw//\\/\\\\}"
  pw="${pw//\"/\\\"}"
  printf 'user = "%s:%s"\n' "$user" "$pw" | curl -K - -sS --max-time 10 "$url/" \
    | sed -n 's/.*"number" *: *"\([^"]*\)".*/\1/p' | head -n 1
}

# One line per suite: which Elasticsearch it ran against, its counts and wall time.
print_suites() {
  local es="$1" r name n f e k t
  for r in ftest/target/surefire-reports/TEST-*.xml; do
    [[ -f "$r" ]] || continue
    name=$(basename "$r" .xml | sed 's/^TEST-//; s/.*\.//')
    n=$(grep -o '<testsuite [^>]*' "$r" | head -1)
    t=$(sed 's/.* time="\([^"]*\)".*/\1/' <<<"$n"); f=$(sed 's/.* failures="\([0-9]*\)".*/\1/' <<<"$n")
    e=$(sed 's/.* errors="\([0-9]*\)".*/\1/' <<<"$n"); k=$(sed 's/.* skipped="\([0-9]*\)".*/\1/' <<<"$n")
    echo "[run.sh] $name against Elasticsearch $es: $(sed 's/.* tests="\([0-9]*\)".*/\1/' <<<"$n") tests, $f failures, $e errors, $k skipped, ${t} s" >&2
  done
}

if [[ -z "$tests" ]]; then
  without_escapes "${MVN[@]}" install -Pftest
  report_skipped ftest/target/surefire-reports/TEST-*.xml
else
  # One reactor (-am): the ftest module compiles against this checkout's modules, never against
  # whatever snapshot another checkout last installed into ~/.m2.
  rm -rf ftest/target/surefire-reports
  without_escapes "${MVN[@]}" verify -pl ftest -am -Pftest -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false
  check_ran "$tests"
fi
print_suites "$(es_version_of "$BC_ES_URL" "${BC_ES_USERNAME:-elastic}" "$BC_ES_PASSWORD") ($BC_ES_URL)"

# The second pass: the same suites against Elasticsearch 9.x (see the top of this file). The
# first pass's reports are kept in ftest/target/surefire-reports; this pass's go to
# ftest/target/surefire-reports-es<version>.
if [[ -n "$es9_tests" ]]; then
  t0=$SECONDS
  if ! wait "$es9_pid"; then
    cat "$ES9_RUN_DIR/start.log" >&2
    echo "[run.sh] starting Elasticsearch $ES9_VERSION failed (log above)" >&2
    exit 1
  fi
  cat "$ES9_RUN_DIR/start.log" >&2
  first="ftest/target/surefire-reports-first-pass"
  rm -rf "$first" "ftest/target/surefire-reports-es$ES9_VERSION"
  [[ -d ftest/target/surefire-reports ]] && mv ftest/target/surefire-reports "$first"
  set +e  # (a subshell tested with || would ignore its own set -e)
  (
    set -e
    set -a
    # shellcheck disable=SC1090
    source "$ES9_RUN_DIR/elasticsearch/env"
    set +a
    # The restart case may stop and start this node (never the shared one): it is ours.
    export BC_ES_PORT="$ES9_PORT" BC_ES_TRANSPORT_PORT="$ES9_TRANSPORT_PORT" BC_LAUNCHER_ES_RUN_DIR="$ES9_RUN_DIR"
    export BC_ES_EXPECTED_VERSION="$ES9_VERSION"
    actual="$(es_version_of "$BC_ES_URL" "${BC_ES_USERNAME:-elastic}" "$BC_ES_PASSWORD")"
    if [[ "$actual" != "$ES9_VERSION" ]]; then
      echo "[run.sh] the second Elasticsearch at $BC_ES_URL reports version '${actual:-?}', not $ES9_VERSION" >&2
      exit 1
    fi
    echo "[run.sh] running $es9_tests against Elasticsearch $actual at $BC_ES_URL" >&2
    without_escapes "${MVN[@]}" verify -pl ftest -am -Pftest -Dtest="$es9_tests" -Dsurefire.failIfNoSpecifiedTests=false
    check_ran "$es9_tests"
    print_suites "$actual ($BC_ES_URL)"
  )
  rc=$?
  set -e
  if [[ -d ftest/target/surefire-reports ]]; then
    mv ftest/target/surefire-reports "ftest/target/surefire-reports-es$ES9_VERSION"
  fi
  if [[ -d "$first" ]]; then
    mv "$first" ftest/target/surefire-reports
  fi
  echo "[run.sh] Elasticsearch $ES9_VERSION pass ($es9_tests): $((SECONDS - t0)) s, exit $rc (reports in ftest/target/surefire-reports-es$ES9_VERSION)" >&2
  if (( rc != 0 )); then
    exit "$rc"
  fi
fi

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
# Fixtures this script starts are stopped (by PID, by their own scripts) when it exits; fixtures
# that were already running are reused and left running.
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTURES=ftest/fixtures
target="${1:-all}"

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
    launcher) echo "postgresql LauncherFtest" ;;
    *) echo "unknown NAME '$1': use postgresql, network_drive, s3, google_cloud_storage, azure_blob_storage, oracle, mssql, flink_cluster or launcher" >&2; exit 2 ;;
  esac
}

if [[ "$target" == all ]]; then
  fixtures=(elasticsearch postgresql samba s3 azurite gcs flink)
  tests=""
else
  read -r fx cls < <(fixture_for "$target")
  fxs=()
  [[ "$fx" == - ]] || IFS=, read -r -a fxs <<<"$fx"
  fixtures=(elasticsearch "${fxs[@]}")
  tests="$cls"
fi

# The shaded pipelines jar a Flink cluster is given: built into this checkout only (package, never
# install), and only when it is missing or older than a source or pom it is made from.
ensure_bundled_jar() {
  local jar
  jar="$(ls pipelines/target/beam-connectors-pipelines-*-bundled.jar 2>/dev/null | head -n 1 || true)"
  if [[ -z "$jar" ]] || [[ -n "$(find pom.xml transforms/pom.xml transforms/src/main pipelines/pom.xml pipelines/src/main \
      -newer "$jar" -type f -print -quit)" ]]; then
    echo "[run.sh] building the bundled pipelines jar (mvn package -Pshade -pl pipelines -am)" >&2
    mvn -q -B -ntp package -DskipTests -Pshade -pl pipelines -am
    jar="$(ls pipelines/target/beam-connectors-pipelines-*-bundled.jar | head -n 1)"
  fi
  BC_PIPELINES_JAR="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
  export BC_PIPELINES_JAR
}
if [[ "$target" == flink_cluster || "$target" == all ]]; then
  ensure_bundled_jar
fi

started=()
cleanup() {
  local rc=$?
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
for p in "${pids[@]}"; do wait "$p"; done

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
if [[ -z "$tests" ]]; then
  "${MVN[@]}" install -Pftest
  report_skipped ftest/target/surefire-reports/TEST-*.xml
else
  # One reactor (-am): the ftest module compiles against this checkout's modules, never against
  # whatever snapshot another checkout last installed into ~/.m2.
  rm -rf ftest/target/surefire-reports
  "${MVN[@]}" verify -pl ftest -am -Pftest -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false
  # -Dtest filters every module of the reactor, so surefire cannot tell "no such test" from
  # "not in this module": check the ftest module really ran the named class.
  ran=0
  skipped=0
  for r in ftest/target/surefire-reports/TEST-*"$tests".xml; do
    [[ -f "$r" ]] || continue
    n=$(grep -o '<testsuite [^>]*tests="[0-9]*"' "$r" | sed 's/.*tests="\([0-9]*\)"/\1/' | head -1)
    k=$(grep -o '<testsuite [^>]*skipped="[0-9]*"' "$r" | sed 's/.*skipped="\([0-9]*\)"/\1/' | head -1)
    ran=$((ran + ${n:-0}))
    skipped=$((skipped + ${k:-0}))
  done
  if (( ran == 0 )); then
    echo "ftest $tests ran no test: the class is missing, renamed or all its tests are filtered out" >&2
    exit 1
  fi
  if (( skipped > 0 )); then
    # oracle and mssql are skipped as a whole without their BC_* variables (their servers cannot
    # run here): accepted, and printed.
    report_skipped ftest/target/surefire-reports/TEST-*"$tests".xml
  fi
fi

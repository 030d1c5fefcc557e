#!/usr/bin/env bash
# Runs the unit tests and the functional tests against real servers.
#   ftest/run.sh all             every fixture, unit tests + every *Ftest (what `make test` runs)
#   ftest/run.sh NAME            one source's functional test (postgresql, network_drive, s3,
#                                google_cloud_storage, azure_blob_storage) with its fixtures
# Fixtures this script starts are stopped (by PID, by their own scripts) when it exits; fixtures
# that were already running are reused and left running.
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTURES=ftest/fixtures
target="${1:-all}"

fixture_for() {
  case "$1" in
    postgresql) echo "postgresql PostgresqlFtest" ;;
    network_drive) echo "samba NetworkDriveFtest" ;;
    s3) echo "s3 S3Ftest" ;;
    google_cloud_storage) echo "gcs GcsFtest" ;;
    azure_blob_storage) echo "azurite AzureBlobFtest" ;;
    launcher) echo "postgresql LauncherFtest" ;;
    *) echo "unknown NAME '$1': use postgresql, network_drive, s3, google_cloud_storage, azure_blob_storage or launcher" >&2; exit 2 ;;
  esac
}

if [[ "$target" == all ]]; then
  fixtures=(elasticsearch postgresql samba s3 azurite gcs)
  tests=""
else
  read -r fx cls < <(fixture_for "$target")
  fixtures=(elasticsearch "$fx")
  tests="$cls"
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

MVN=(mvn -B -ntp)
if [[ -z "$tests" ]]; then
  "${MVN[@]}" install -Pftest
else
  # One reactor (-am): the ftest module compiles against this checkout's modules, never against
  # whatever snapshot another checkout last installed into ~/.m2.
  rm -rf ftest/target/surefire-reports
  "${MVN[@]}" verify -pl ftest -am -Pftest -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false
  # -Dtest filters every module of the reactor, so surefire cannot tell "no such test" from
  # "not in this module": check the ftest module really ran the named class.
  ran=0
  for r in ftest/target/surefire-reports/TEST-*"$tests".xml; do
    [[ -f "$r" ]] || continue
    n=$(grep -o '<testsuite [^>]*tests="[0-9]*"' "$r" | sed 's/.*tests="\([0-9]*\)"/\1/' | head -1)
    ran=$((ran + ${n:-0}))
  done
  if (( ran == 0 )); then
    echo "ftest $tests ran no test: the class is missing, renamed or all its tests are filtered out" >&2
    exit 1
  fi
fi

#!/usr/bin/env bash
# Builds the flex template: the launcher image (Dockerfile next to this script) and the template
# spec file in Cloud Storage (`gcloud dataflow flex-template build`). Every argument comes from an
# environment variable; nothing is built by Maven here. Build the jar and metadata.json first:
#   mvn -B -ntp package -DskipTests -Pshade -pl flex-templates -am
#
# Required:
#   BC_FLEX_TEMPLATE_PATH   gs:// path of the spec file to write, e.g. gs://my-bucket/templates/beam-connectors.json
#   BC_FLEX_IMAGE           image to build and reference, e.g. europe-west1-docker.pkg.dev/PROJECT/REPO/beam-connectors-flex:0.1.0
# Optional:
#   BC_FLEX_PROJECT                   --project for gcloud (default: gcloud's configured project)
#   BC_FLEX_IMAGE_BUILDER             docker (default: docker build + push), cloudbuild (gcloud builds submit), none (image exists)
#   BC_FLEX_BASE_IMAGE                launcher base image (default in the Dockerfile: java17-template-launcher-base:latest)
#   BC_FLEX_JAR                       template jar (default: flex-templates/target/beam-connectors-flex-templates-*-bundled.jar)
#   BC_FLEX_METADATA                  metadata file (default: flex-templates/target/metadata.json)
#   Defaults stored in the spec (each launch may override them):
#   BC_FLEX_SERVICE_ACCOUNT_EMAIL, BC_FLEX_TEMP_LOCATION, BC_FLEX_STAGING_LOCATION, BC_FLEX_MAX_WORKERS,
#   BC_FLEX_NUM_WORKERS, BC_FLEX_WORKER_MACHINE_TYPE, BC_FLEX_NETWORK, BC_FLEX_SUBNETWORK, BC_FLEX_WORKER_REGION,
#   BC_FLEX_DATAFLOW_KMS_KEY, BC_FLEX_GCS_LOG_DIR, BC_FLEX_ADDITIONAL_USER_LABELS (k=v,k=v),
#   BC_FLEX_ADDITIONAL_EXPERIMENTS (a,b), BC_FLEX_DISABLE_PUBLIC_IPS (true), BC_FLEX_CLOUD_BUILD_SERVICE_ACCOUNT
#   BC_FLEX_DRY_RUN=1     print the commands instead of running them
#   BC_FLEX_PRINT_ONLY=1  build no image and write no spec: gcloud prints the spec it would write (--print-only)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

fail() { echo "build.sh: $*" >&2; exit 2; }
[[ -n "${BC_FLEX_TEMPLATE_PATH:-}" ]] || fail "BC_FLEX_TEMPLATE_PATH is not set: export the gs:// path of the spec file to write"
[[ "$BC_FLEX_TEMPLATE_PATH" == gs://*/* ]] || fail "BC_FLEX_TEMPLATE_PATH must be a gs://bucket/path, not '$BC_FLEX_TEMPLATE_PATH'"
[[ -n "${BC_FLEX_IMAGE:-}" ]] || fail "BC_FLEX_IMAGE is not set: export the Artifact Registry image, e.g. REGION-docker.pkg.dev/PROJECT/REPO/beam-connectors-flex:TAG"

metadata="${BC_FLEX_METADATA:-$here/target/metadata.json}"
[[ -f "$metadata" ]] || fail "$metadata is missing: run 'mvn -B -ntp package -DskipTests -Pshade -pl flex-templates -am' first"

builder="${BC_FLEX_IMAGE_BUILDER:-docker}"
print_only="${BC_FLEX_PRINT_ONLY:-}"
[[ -n "$print_only" ]] && builder=none
case "$builder" in docker|cloudbuild|none) ;; *) fail "BC_FLEX_IMAGE_BUILDER must be docker, cloudbuild or none, not '$builder'" ;; esac

run() {
  if [[ -n "${BC_FLEX_DRY_RUN:-}" ]]; then
    printf '%q ' "$@"; echo
  else
    "$@"
  fi
}

project_args=()
[[ -n "${BC_FLEX_PROJECT:-}" ]] && project_args=(--project "$BC_FLEX_PROJECT")

if [[ "$builder" != none ]]; then
  if [[ -n "${BC_FLEX_JAR:-}" ]]; then
    jar="$BC_FLEX_JAR"
  else
    shopt -s nullglob
    jars=("$here"/target/beam-connectors-flex-templates-*-bundled.jar)
    shopt -u nullglob
    (( ${#jars[@]} == 1 )) || fail "expected one flex-templates/target/*-bundled.jar, found ${#jars[@]}: build it with -Pshade or set BC_FLEX_JAR"
    jar="${jars[0]}"
  fi
  [[ -f "$jar" ]] || fail "template jar $jar is missing: build it with -Pshade or set BC_FLEX_JAR"
  context="$(mktemp -d)"
  trap 'rm -rf "$context"' EXIT
  cp "$here/Dockerfile" "$context/Dockerfile"
  cp "$jar" "$context/beam-connectors-flex-template.jar"
  base_args=()
  [[ -n "${BC_FLEX_BASE_IMAGE:-}" ]] && base_args=(--build-arg "BASE_IMAGE=$BC_FLEX_BASE_IMAGE")
  if [[ "$builder" == docker ]]; then
    run docker build "${base_args[@]}" -t "$BC_FLEX_IMAGE" "$context"
    run docker push "$BC_FLEX_IMAGE"
  else
    [[ -z "${BC_FLEX_BASE_IMAGE:-}" ]] || fail "BC_FLEX_BASE_IMAGE needs BC_FLEX_IMAGE_BUILDER=docker (gcloud builds submit --tag takes no build args)"
    sa_args=()
    [[ -n "${BC_FLEX_CLOUD_BUILD_SERVICE_ACCOUNT:-}" ]] && sa_args=(--service-account "$BC_FLEX_CLOUD_BUILD_SERVICE_ACCOUNT")
    run gcloud builds submit "${project_args[@]}" "${sa_args[@]}" --tag "$BC_FLEX_IMAGE" "$context"
  fi
fi

args=(gcloud dataflow flex-template build "$BC_FLEX_TEMPLATE_PATH"
  --image "$BC_FLEX_IMAGE" --sdk-language JAVA --metadata-file "$metadata")
args+=("${project_args[@]}")
optional() { # optional ENV_NAME --flag
  local value="${!1:-}"
  [[ -n "$value" ]] && args+=("$2" "$value")
  return 0
}
optional BC_FLEX_SERVICE_ACCOUNT_EMAIL --service-account-email
optional BC_FLEX_TEMP_LOCATION --temp-location
optional BC_FLEX_STAGING_LOCATION --staging-location
optional BC_FLEX_MAX_WORKERS --max-workers
optional BC_FLEX_NUM_WORKERS --num-workers
optional BC_FLEX_WORKER_MACHINE_TYPE --worker-machine-type
optional BC_FLEX_NETWORK --network
optional BC_FLEX_SUBNETWORK --subnetwork
optional BC_FLEX_WORKER_REGION --worker-region
optional BC_FLEX_DATAFLOW_KMS_KEY --dataflow-kms-key
optional BC_FLEX_GCS_LOG_DIR --gcs-log-dir
optional BC_FLEX_ADDITIONAL_USER_LABELS --additional-user-labels
optional BC_FLEX_ADDITIONAL_EXPERIMENTS --additional-experiments
case "${BC_FLEX_DISABLE_PUBLIC_IPS:-}" in
  ""|false) ;;
  true) args+=(--disable-public-ips) ;;
  *) fail "BC_FLEX_DISABLE_PUBLIC_IPS must be true or false, not '$BC_FLEX_DISABLE_PUBLIC_IPS'" ;;
esac
[[ -n "$print_only" ]] && args+=(--print-only)
run "${args[@]}"

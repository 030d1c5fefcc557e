# Sourced by ftest/run.sh and ftest/bench.sh (not run on its own).
# ensure_bundled_jar: sets and exports BC_PIPELINES_JAR to the shaded pipelines jar, the one jar a
# Flink cluster is given and a sync runs from in production. It is built into this checkout only
# (package, never install), and only when it is missing or older than a source or pom it is made
# from. Maven's stray escape codes are stripped; its output goes to stderr.
ensure_bundled_jar() {
  local jar
  jar="$(ls pipelines/target/beam-connectors-pipelines-*-bundled.jar 2>/dev/null | head -n 1 || true)"
  if [[ -z "$jar" ]] || [[ -n "$(find pom.xml transforms/pom.xml transforms/src/main pipelines/pom.xml pipelines/src/main \
      -newer "$jar" -type f -print -quit)" ]]; then
    echo "building the bundled pipelines jar (mvn package -Pshade -pl pipelines -am)" >&2
    mvn -q -B -ntp package -DskipTests -Pshade -pl pipelines -am 2>&1 | sed -u $'s/\e\\[[0-9;]*m//g' >&2
    jar="$(ls pipelines/target/beam-connectors-pipelines-*-bundled.jar | head -n 1)"
  fi
  BC_PIPELINES_JAR="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
  export BC_PIPELINES_JAR
}

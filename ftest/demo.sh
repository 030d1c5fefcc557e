#!/usr/bin/env bash
# `make run`: the launcher demo on a fresh machine. Starts the Elasticsearch and PostgreSQL fixtures
# if they are not running (they stay up: `make fixtures-stop` stops them), loads a small demo table,
# starts `launcher --action poll` in the background, creates a connector with the CLI, requests a
# sync with `sync --wait`, prints the job's counters and a sample search, and leaves the launcher
# running with the command that stops it. (The one-shot FullSyncPipeline is still there for
# scripts and templates: docs/configuration.md.)
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR="${BC_RUN_DIR:-/tmp/beam-connectors}"
CONNECTOR="${BC_DEMO_CONNECTOR:-demo-postgresql}"
INDEX="${BC_DEMO_INDEX:-search-demo-postgresql}"
LAUNCHER_DIR="$RUN_DIR/launcher"
export MAVEN_OPTS="${MAVEN_OPTS:-} -Dstyle.color=never"   # no terminal escape codes in the demo's output

bash ftest/fixtures/elasticsearch.sh start
bash ftest/fixtures/postgresql.sh start
set -a
source "$RUN_DIR/elasticsearch/env"
source "$RUN_DIR/postgresql/env"
set +a

echo "== loading the demo table demo.products"
bash ftest/fixtures/postgresql.sh psql -q -v ON_ERROR_STOP=1 <<'SQL'
DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;
CREATE TABLE demo.products (sku TEXT PRIMARY KEY, name TEXT, price NUMERIC(8,2), description TEXT, updated_at TIMESTAMP);
INSERT INTO demo.products
SELECT 'SKU-' || lpad(i::text, 4, '0'),
       (ARRAY['Trail running shoe', 'Waterproof jacket', 'Insulated bottle', 'Camping stove', 'Head torch'])[1 + i % 5] || ' ' || i,
       round((10 + i * 1.37)::numeric, 2),
       'Demo product number ' || i || ' for the beam-connectors launcher demo.',
       timestamp '2024-01-01 00:00:00' + i * interval '1 hour'
FROM generate_series(1, 200) AS i;
SQL

echo "== building the launcher jar (make launcher-jar)"
# Maven's quiet mode still writes colour resets; the demo's output stays free of escape codes.
make -s launcher-jar 2>&1 | sed 's/\x1b\[[0-9;]*m//g'

mkdir -p "$LAUNCHER_DIR"
umask 077
config="$LAUNCHER_DIR/config.yml"
cat > "$config" <<YAML
# Demo launcher config (launcher/config.yml.example explains every key).
elasticsearch:
  host: $BC_ES_URL
  username: $BC_ES_USERNAME
  password: \${BC_ES_PASSWORD}
service:
  idling: 2
connectors:
  - connector_id: $CONNECTOR
    service_type: postgresql
YAML
values="$LAUNCHER_DIR/$CONNECTOR.json"
cat > "$values" <<JSON
{"host": "$BC_PG_HOST", "port": $BC_PG_PORT, "username": "$BC_PG_USER", "password": "$BC_PG_PASSWORD",
 "database": "$BC_PG_DATABASE", "tables": "products"}
JSON
launcher=(launcher/bin/launcher --config "$config")

pidfile="$LAUNCHER_DIR/launcher.pid"
if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "== the launcher is already running (pid $(cat "$pidfile"))"
else
  echo "== starting the launcher (--action poll), log: $LAUNCHER_DIR/launcher.log"
  nohup "${launcher[@]}" --action poll >"$LAUNCHER_DIR/launcher.log" 2>&1 &
  echo $! >"$pidfile"
fi

echo "== connector $CONNECTOR -> $INDEX"
if "${launcher[@]}" connector show "$CONNECTOR" >/dev/null 2>&1; then
  "${launcher[@]}" connector configure "$CONNECTOR" --configuration "$values"
else
  "${launcher[@]}" connector create --id "$CONNECTOR" --service-type postgresql --index-name "$INDEX" \
    --configuration "$values"
fi

echo "== sync --wait"
"${launcher[@]}" sync "$CONNECTOR" --wait --timeout 600

echo "== sample search: name:jacket"
curl -s -u "$BC_ES_USERNAME:$BC_ES_PASSWORD" -H 'Content-Type: application/json' \
  "$BC_ES_URL/$INDEX/_search?size=3&filter_path=hits.total,hits.hits._id,hits.hits._source.demo_products_name,hits.hits._source.demo_products_price" \
  -d '{"query": {"match": {"demo_products_name": "jacket"}}, "sort": [{"id": "asc"}]}'
echo
echo "The launcher keeps running (pid $(cat "$pidfile")); it serves '$CONNECTOR' (try: ${launcher[*]} connector schedule $CONNECTOR --cron \"0 */5 * * * ?\")."
echo "Stop it with: kill $(cat "$pidfile")     Stop the servers with: make fixtures-stop"

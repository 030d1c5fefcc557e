#!/usr/bin/env bash
# `make run`: a local demo on a fresh machine. Starts the Elasticsearch and PostgreSQL fixtures if
# they are not running (they stay up afterwards: `make fixtures-stop` stops them), loads a small
# demo table, runs one full sync on the DirectRunner, prints the summary and a sample search.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR="${BC_RUN_DIR:-/tmp/beam-connectors}"
INDEX="${BC_DEMO_INDEX:-search-demo-postgresql}"

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
       'Demo product number ' || i || ' for the beam-connectors full sync.',
       timestamp '2024-01-01 00:00:00' + i * interval '1 hour'
FROM generate_series(1, 200) AS i;
SQL

echo "== building"
mvn -B -ntp -q install -DskipTests

config="$RUN_DIR/demo-connector.json"
umask 077
cat > "$config" <<JSON
{"host": "$BC_PG_HOST", "port": $BC_PG_PORT, "username": "$BC_PG_USER", "password": "$BC_PG_PASSWORD",
 "database": "$BC_PG_DATABASE", "tables": "products"}
JSON

echo "== full sync of PostgreSQL '$BC_PG_DATABASE' into Elasticsearch index '$INDEX' (DirectRunner)"
BC_ES_PASSWORD="$BC_ES_PASSWORD" mvn -B -ntp -q -pl pipelines exec:java \
  -Dexec.mainClass=io.beamconnectors.pipelines.FullSyncPipeline \
  -Dexec.args="--runner=DirectRunner --serviceType=postgresql --connectorConfig=$config --esUrl=$BC_ES_URL --esUsername=$BC_ES_USERNAME --esIndex=$INDEX"

echo "== sample search: name:jacket"
curl -s -u "$BC_ES_USERNAME:$BC_ES_PASSWORD" -H 'Content-Type: application/json' \
  "$BC_ES_URL/$INDEX/_search?size=3&filter_path=hits.total,hits.hits._id,hits.hits._source.demo_products_name,hits.hits._source.demo_products_price" \
  -d '{"query": {"match": {"demo_products_name": "jacket"}}, "sort": [{"id": "asc"}]}'
echo
echo "Elasticsearch and PostgreSQL are still running; stop them with: make fixtures-stop"

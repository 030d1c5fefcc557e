# beam-connectors: the front door. `make run` and `make test` are the two commands of the README.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
MVN := mvn -B -ntp
# Debian's Maven 3.8 prints stray ESC[0m resets even in batch mode: stripped from both streams.
NO_ESCAPES := 2> >(sed -u $$'s/\e\\[[0-9;]*m//g' >&2) | sed -u $$'s/\e\\[[0-9;]*m//g'

.PHONY: install run test unit ftest bench scale jar launcher-jar clean fixtures-stop

install:  ## build every module (no tests)
	$(MVN) -q install -DskipTests $(NO_ESCAPES)

run:  ## launcher demo: Elasticsearch + PostgreSQL, a demo table, `launcher --action poll`, a connector, sync --wait, a search
	bash ftest/demo.sh

test:  ## unit tests + functional tests against real servers (what .ci/run calls)
	bash ftest/run.sh all

unit:  ## unit tests only, no servers
	$(MVN) install $(NO_ESCAPES)

ftest:  ## one source's functional test: make ftest NAME=postgresql
	@test -n "$(NAME)" || { echo "usage: make ftest NAME=<postgresql|network_drive|s3|google_cloud_storage|azure_blob_storage|oracle|mssql|flink_cluster|launcher>"; exit 2; }
	bash ftest/run.sh $(NAME)

bench:  ## benchmarks (numbers only, never fails on timing): BENCH_ROWS=1000000 make bench
	bash ftest/bench.sh

scale:  ## memory as a source grows (numbers only, not part of `make test`): SCALE_SIZES="1000000 5000000 10000000" make scale
	bash ftest/scale.sh

jar:  ## the runnable shaded pipelines jar (large; built once)
	$(MVN) -q install -DskipTests -Pshade -pl transforms,pipelines $(NO_ESCAPES)

launcher-jar:  ## the runnable launcher jar for launcher/bin/launcher (packaged in this checkout, not installed)
	$(MVN) -q -Dstyle.color=never package -DskipTests -Plauncher-jar -pl launcher -am $(NO_ESCAPES)

fixtures-stop:  ## stop every fixture server of this checkout's run dir
	for f in flink gcs azurite s3 samba postgresql elasticsearch; do bash ftest/fixtures/$$f.sh stop || true; done

clean:
	$(MVN) -q clean $(NO_ESCAPES)

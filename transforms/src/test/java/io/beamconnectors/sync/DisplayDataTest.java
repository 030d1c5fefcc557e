package io.beamconnectors.sync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.ReadIndexState;
import io.beamconnectors.elasticsearch.WriteToIndex;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.SourceRegistry;
import io.beamconnectors.sources.SourceConnector;
import java.util.Map;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.junit.jupiter.api.Test;

/** Runners show display data in their UIs: settings yes, secrets never. */
class DisplayDataTest {
  private static final String SECRET = "s3cr3t-Pa55";

  @Test
  void publicTransformsShowTheirSettingsAndNoSecret() {
    SourceConnector pg = SourceRegistry.builtIn().create("postgresql");
    ConnectorConfiguration config = pg.configuration(Map.of("host", "db.example", "port", 5432, "username", "u",
        "password", SECRET, "database", "d", "tables", "*"));
    ElasticsearchConnection es = ElasticsearchConnection.of("http://127.0.0.1:9200", "search-x").withBasicAuth("elastic", SECRET);
    for (DisplayData d : new DisplayData[] {
        DisplayData.from(FullSync.of(pg, config, es)),
        DisplayData.from(WriteToIndex.to(es)),
        DisplayData.from(ReadIndexState.of(es))}) {
      String shown = d.toString();
      assertTrue(shown.contains("search-x"), shown);
      assertFalse(shown.contains(SECRET), shown);
    }
    assertTrue(DisplayData.from(FullSync.of(pg, config, es)).toString().contains("postgresql"));
  }
}

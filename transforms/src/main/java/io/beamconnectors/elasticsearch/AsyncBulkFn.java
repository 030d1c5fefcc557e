package io.beamconnectors.elasticsearch;

import java.io.IOException;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO.Document;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.elasticsearch.client.RestClient;
import org.joda.time.Duration;

/**
 * The bulk writer of a batch per bundle: a step of its own around a {@link BulkSession}, which
 * says how entries are batched, sent, retried and counted. Its output is the final failures, as
 * the one-line JSON description {@link WriteToIndex#describeFailure} gives.
 *
 * <p>Why not ElasticsearchIO's own writer here: it sends one request at a time per bundle and waits
 * for each, so on one machine several bundles must run at once to keep Elasticsearch busy, and the
 * DirectRunner's scheduler spins a core whenever one of its threads is idle. ElasticsearchIO's
 * stateful writer still serves distributed runners ({@link WriteToIndex}).
 */
final class AsyncBulkFn extends DoFn<Document, String> {
  private static final long serialVersionUID = 1L;

  private final ElasticsearchConnection connection;
  private final BulkSession.Rounds rounds;

  private transient RestClient client;
  private transient BulkSession session;

  AsyncBulkFn(ElasticsearchConnection connection, BulkSession.Rounds rounds) {
    this.connection = connection;
    this.rounds = rounds;
  }

  @Override
  public Duration getAllowedTimestampSkew() {
    // Entries answered while a later element is processed come out with their own (earlier) timestamp.
    return Duration.millis(Long.MAX_VALUE);
  }

  @Setup
  public void setup() {
    client = connection.createClient(rounds.maxInFlight());
    session = new BulkSession(client, connection.index(), rounds);
  }

  @StartBundle
  public void startBundle() {
    session.startBundle();
  }

  @ProcessElement
  public void process(@Element Document entry, OutputReceiver<String> out) throws InterruptedException {
    session.add(entry, out::outputWithTimestamp);
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws InterruptedException {
    session.finishBundle((desc, at) -> c.output(desc, at, GlobalWindow.INSTANCE));
  }

  @Teardown
  public void teardown() throws IOException {
    if (client != null) {
      client.close();
    }
  }
}

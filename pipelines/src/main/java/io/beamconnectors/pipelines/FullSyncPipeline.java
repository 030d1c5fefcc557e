package io.beamconnectors.pipelines;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.content.ContentSettings;
import io.beamconnectors.elasticsearch.BulkSettings;
import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceRegistry;
import io.beamconnectors.sync.FullSync;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full-sync pipeline: validates the connector configuration, pings the source, makes sure the
 * content index exists with its mappings, runs {@link FullSync} on the chosen runner and prints
 * a one-screen summary. Exit codes: 0 clean sync, 1 sync finished with listing failures or failed
 * writes, 2 bad configuration, 3 source unreachable, 4 pipeline failed.
 */
public final class FullSyncPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(FullSyncPipeline.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Everything a run needs, resolved from options and environment. */
  public record Plan(SourceConnector connector, ConnectorConfiguration configuration,
      ElasticsearchConnection elasticsearch, FullSync sync) {}

  private FullSyncPipeline() {}

  public static void main(String[] args) {
    FullSyncOptions options;
    try {
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(FullSyncOptions.class);
    } catch (IllegalArgumentException e) {
      // A missing or unknown option: Beam's message names it; its stack trace helps nobody.
      LOG.debug("Invalid command line", e);
      System.err.println(e.getMessage().strip());
      System.exit(2);
      return;
    }
    directRunnerDefaults(options, args);
    int code;
    try {
      LocalFlinkConfiguration.applyDefaults(options, System.getenv());
      SyncSummary summary = run(options, System.getenv());
      System.out.println(summary.format());
      if (options.getSummaryJson() != null) {
        JSON.writerWithDefaultPrettyPrinter().writeValue(Path.of(options.getSummaryJson()).toFile(), summary.toMap());
      }
      code = summary.clean() ? 0 : 1;
    } catch (ConfigurationException e) {
      System.err.println(e.getMessage());
      code = 2;
    } catch (SourceUnreachableException e) {
      System.err.println(e.getMessage());
      code = 3;
    } catch (RuntimeException | IOException e) {
      LOG.error("Sync failed", e);
      System.err.println("Sync failed: " + e);
      code = 4;
    }
    System.exit(code);
  }

  /**
   * Defaults for a real sync on the DirectRunner, each only where the user did not set it:
   * <ul>
   *   <li>no re-encoding of every element to catch mutation and coder bugs (right for tests, pure
   *       cost for a sync);
   *   <li>{@code targetParallelism}: the source's {@link SourceConnector#directRunnerThreads} for
   *       this machine's cores, instead of Beam's max(cores, 3). The source is known only once the
   *       plan is built (a job-driven sync reads it from the sync-job document), so this records
   *       that the choice is the sync's, sets the sources' common default, and {@link #plan}
   *       settles it ({@link #directRunnerThreadsFor});
   *   <li>{@code spreadGroups} equal to the threads: one listing group per thread ({@link
   *       io.beamconnectors.sources.SpreadWork}), since the DirectRunner's cost is per bundle.
   * </ul>
   * {@code args} are the command line's: an option given there is the user's. The launcher passes
   * none of these options, so its syncs get the same defaults.
   */
  public static void directRunnerDefaults(FullSyncOptions options, String[] args) {
    if (!options.getRunner().getSimpleName().equals("DirectRunner")) {
      return;
    }
    org.apache.beam.runners.direct.DirectOptions direct = options.as(org.apache.beam.runners.direct.DirectOptions.class);
    if (!userSet(args, "--enforceImmutability", "--enforceEncodability")) {
      direct.setEnforceImmutability(false);
      direct.setEnforceEncodability(false);
    }
    if (!userSet(args, "--targetParallelism")) {
      options.setDirectRunnerThreadsBySource(true);
      direct.setTargetParallelism(SourceConnector.commonDirectRunnerThreads(Runtime.getRuntime().availableProcessors()));
    }
    if (!userSet(args, "--spreadGroups")) {
      options.setSpreadGroupsFollowThreads(true);
      options.setSpreadGroups(direct.getTargetParallelism());
    }
  }

  /**
   * The DirectRunner's threads for {@code connector}'s source on this machine, where {@link
   * #directRunnerDefaults} left the choice to the sync; the spread groups follow them where the
   * user set none.
   */
  public static void directRunnerThreadsFor(FullSyncOptions options, SourceConnector connector) {
    if (!options.getRunner().getSimpleName().equals("DirectRunner") || !options.getDirectRunnerThreadsBySource()) {
      return;
    }
    org.apache.beam.runners.direct.DirectOptions direct = options.as(org.apache.beam.runners.direct.DirectOptions.class);
    direct.setTargetParallelism(connector.directRunnerThreads(Runtime.getRuntime().availableProcessors()));
    if (options.getSpreadGroupsFollowThreads()) {
      options.setSpreadGroups(direct.getTargetParallelism());
    }
  }

  private static boolean userSet(String[] args, String... names) {
    return java.util.Arrays.stream(args).anyMatch(a -> java.util.Arrays.stream(names).anyMatch(a::startsWith));
  }

  /** Builds the plan: configuration read and validated, connections resolved. No I/O besides the config file. */
  public static Plan plan(FullSyncOptions options, Map<String, String> env) throws IOException {
    Map<String, Object> values = Map.of();
    if (options.getConnectorConfig() != null && !options.getConnectorConfig().isBlank()) {
      Path file = Path.of(options.getConnectorConfig());
      if (!Files.isReadable(file)) {
        throw new ConfigurationException("--connectorConfig file '" + file + "' cannot be read: check the path");
      }
      try {
        values = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        // Only the position: the parser's own message can quote the file's text, secrets included.
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        throw new ConfigurationException("--connectorConfig file '" + file + "' is not a valid JSON object"
            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
            + ": fix the JSON syntax there");
      }
    }
    return plan(options, env, values, SourceRegistry.builtIn());
  }

  /**
   * Builds the plan from configuration values already read (the launcher's job-driven sync reads
   * them from the sync-job document) and a source registry (config.yml's {@code sources}).
   */
  public static Plan plan(FullSyncOptions options, Map<String, String> env, Map<String, ?> values,
      SourceRegistry registry) {
    SourceConnector connector = registry.create(options.getServiceType());
    ConnectorConfiguration configuration = connector.configuration(values);
    connector.validate(configuration);
    directRunnerThreadsFor(options, connector);

    ElasticsearchConnection es = elasticsearchConnection(options, env, options.getEsIndex());

    ContentSettings content = ContentSettings.defaults()
        .withMode(options.getContentMode())
        .withMaxFileSizeBytes(options.getMaxFileSizeBytes())
        .withTimeoutSeconds(options.getExtractionTimeoutSeconds());
    int downloads = options.getParallelDownloads();
    if (downloads < 1 || downloads > ContentSettings.MAX_PARALLEL_DOWNLOADS) {
      throw new ConfigurationException("--parallelDownloads must be between 1 and "
          + ContentSettings.MAX_PARALLEL_DOWNLOADS + ": got " + downloads);
    }
    content = content.withParallelDownloads(downloads);
    if (!options.getContentExtensions().isBlank()) {
      Set<String> exts = new LinkedHashSet<>();
      for (String e : options.getContentExtensions().split(",")) {
        if (!e.isBlank()) {
          exts.add(e.trim().startsWith(".") ? e.trim() : "." + e.trim());
        }
      }
      content = content.withExtensions(exts);
    }
    BulkSettings bulk;
    try {
      bulk = BulkSettings.defaults()
          .withMaxBatchSize(options.getBulkMaxOperations())
          .withMaxBatchBytes(options.getBulkMaxBytes())
          .withMaxParallelRequests(options.getBulkParallelRequests())
          .withRetries(options.getBulkMaxAttempts(), 120);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--bulkMaxOperations, --bulkMaxBytes, --bulkParallelRequests and"
          + " --bulkMaxAttempts must each be at least 1");
    }
    FullSync sync = FullSync.of(connector, configuration, es)
        .withJoinStrategy(options.getJoinStrategy())
        .withBulkSettings(bulk)
        .withContentSettings(content)
        .withStateSlices(options.getStateSlices());
    return new Plan(connector, configuration, es, sync);
  }

  /**
   * The Elasticsearch connection of the options for {@code index}: the credential from
   * {@code BC_ES_API_KEY}, {@code BC_ES_BEARER_TOKEN} or {@code --esUsername} with
   * {@code BC_ES_PASSWORD} in {@code env}, in that order.
   */
  public static ElasticsearchConnection elasticsearchConnection(FullSyncOptions options, Map<String, String> env,
      String index) {
    ElasticsearchConnection es = ElasticsearchConnection.of(options.getEsUrl(), index);
    if (env.get("BC_ES_API_KEY") != null && !env.get("BC_ES_API_KEY").isEmpty()) {
      es = es.withApiKey(env.get("BC_ES_API_KEY"));
    } else if (env.get("BC_ES_BEARER_TOKEN") != null && !env.get("BC_ES_BEARER_TOKEN").isEmpty()) {
      es = es.withBearerToken(env.get("BC_ES_BEARER_TOKEN"));
    } else if (options.getEsUsername() != null) {
      es = es.withBasicAuth(options.getEsUsername(), env.getOrDefault("BC_ES_PASSWORD", ""));
    }
    if (options.getEsCaCertificate() != null) {
      es = es.withCaCertificate(options.getEsCaCertificate());
    }
    return es;
  }

  /**
   * Everything before the pipeline runs, for every way of starting a sync: pings the source (when
   * asked), checks its configured parts (a missing table or bucket is a {@link ConfigurationException},
   * never an emptied source) and creates the content index with its mappings when missing.
   */
  public static void prepare(Plan plan, boolean ping) throws IOException {
    List<String> secrets = new ArrayList<>(Secrets.of(plan.configuration()));
    if (ping) {
      try {
        plan.connector().ping(plan.configuration());
      } catch (Exception e) {
        throw new SourceUnreachableException("Source check failed, nothing was synced: " + Secrets.describe(e, secrets));
      }
    }
    try {
      plan.connector().checkConfiguredParts(plan.configuration());
    } catch (ConfigurationException e) {
      throw e;
    } catch (Exception e) {
      throw new SourceUnreachableException("Checking the configured parts of the source failed, nothing was synced: "
          + Secrets.describe(e, secrets));
    }
    try (ContentIndex index = new ContentIndex(plan.elasticsearch())) {
      if (index.ensureExists(plan.connector().indexPropertiesJson())) {
        LOG.info("Created content index {} with explicit mappings", plan.elasticsearch().index());
      } else {
        index.ensureLookupField();
      }
    } catch (org.elasticsearch.client.ResponseException e) {
      throwIfAccessDenied(plan.elasticsearch().index(), e);
      throw e;
    }
  }

  /** A 401 or 403 on the content index becomes the one-line fix (nothing was written yet). */
  static void throwIfAccessDenied(String index, org.elasticsearch.client.ResponseException e) {
    int status = e.getResponse().getStatusLine().getStatusCode();
    if (status == 401) {
      throw ConfigurationException.ofSetting("Elasticsearch rejected the credential used for the content index '" + index
          + "' (HTTP 401 Unauthorized), nothing was synced: check the username and password or the API key");
    }
    if (status == 403) {
      throw ConfigurationException.ofSetting("Elasticsearch refused the content index '" + index + "' to the credential"
          + " that writes it (HTTP 403 Forbidden), nothing was synced: give that user or API key the index privilege"
          + " 'all' on '" + index + "' (or at least create_index, view_index_metadata, maintenance, read and write)");
    }
  }

  /** Runs one full sync and returns its summary. */
  public static SyncSummary run(FullSyncOptions options, Map<String, String> env) throws IOException {
    Plan plan = plan(options, env);
    prepare(plan, options.getPing());
    DirectRunnerHeapCheck.check(options, plan, Runtime.getRuntime().maxMemory());
    return runToEnd(options, plan);
  }

  /**
   * Runs a prepared plan to its end and returns its summary, with the issues read back (from
   * {@code --issuesOutput}, or a local directory made and removed here) and the content index
   * refreshed and counted. A pipeline that does not end DONE is an {@link IllegalStateException}.
   */
  public static SyncSummary runToEnd(FullSyncOptions options, Plan plan) throws IOException {
    boolean ownIssuesDir = options.getIssuesOutput() == null || options.getIssuesOutput().isBlank();
    String issuesPrefix = ownIssuesDir ? io.beamconnectors.sync.IssueFiles.newLocalPrefix() : options.getIssuesOutput();
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply("FullSync " + plan.connector().serviceType(), plan.sync().withIssuesOutput(issuesPrefix));
    long start = System.currentTimeMillis();
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("Pipeline ended in state " + state);
    }
    SyncSummary summary = SyncSummary.from(result, System.currentTimeMillis() - start)
        .withIssues(io.beamconnectors.sync.IssueFiles.read(issuesPrefix));
    if (ownIssuesDir) {
      io.beamconnectors.sync.IssueFiles.deleteLocal(issuesPrefix);
    }
    try (ContentIndex index = new ContentIndex(plan.elasticsearch())) {
      // Makes the sync's writes searchable now and counts the mirror (the reference's total_document_count).
      index.refresh();
      return summary.withIndexDocumentCount(index.count());
    }
  }

  /** The source did not answer its ping. */
  public static final class SourceUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SourceUnreachableException(String message) {
      super(message);
    }
  }
}

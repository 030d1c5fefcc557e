package io.beamconnectors.flextemplates;

import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.pipelines.JobSyncPipeline;
import io.beamconnectors.pipelines.SyncJobOptions;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.nio.file.Path;
import io.beamconnectors.launcher.protocol.DirectProtocol;
import io.beamconnectors.launcher.service.JobSecrets;
import io.beamconnectors.sources.Secrets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.dataflow.DataflowPipelineJob;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flex template's main ({@code FLEX_TEMPLATE_JAVA_MAIN_CLASS}): resolves the secret
 * references to values, checks the configuration and the source as {@link FullSyncPipeline} does,
 * makes sure the content index exists, submits the sync and returns. It never waits for the job:
 * Dataflow's template launcher holds the launch open until main returns.
 *
 * <p>On a runner whose {@code run()} finishes the job before returning (the DirectRunner, which
 * blocks by default) the summary is printed as {@code FullSyncPipeline} prints it; on Dataflow the
 * job's counters are in the job's metrics. Exit codes: 0 submitted (or finished clean), 1 finished
 * with listing failures or failed writes, 2 bad configuration, 3 source unreachable, 4 failure,
 * 5 (only with {@code --selfReportConnectorId}) another sync of the connector was in progress.
 *
 * <p>With {@code --selfReportConnectorId} the run reports itself in the connector indices
 * ({@link SelfReportedJob}) and therefore waits for its pipeline: it heartbeats the job while the
 * pipeline runs and writes the counters when it ends.
 */
public final class FlexTemplateMain {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(FlexTemplateMain.class);
  static final String ENV_PASSWORD = "BC_ES_PASSWORD";
  static final String ENV_API_KEY = "BC_ES_API_KEY";
  static final String ENV_BEARER_TOKEN = "BC_ES_BEARER_TOKEN";

  /** What {@link #launch} started. */
  public record Launched(FlexTemplateOptions options, FullSyncPipeline.Plan plan, PipelineResult result,
      long startedAtMillis) {}

  private FlexTemplateMain() {}

  public static void main(String[] args) {
    int code;
    try (SecretManagerAccess secretManager = new SecretManagerAccess()) {
      if (selfReportRequested(args)) {
        SyncSummary summary = runSelfReported(args, System.getenv(), secretManager);
        System.out.println(summary.format());
        code = summary.clean() ? 0 : 1;
      } else {
        code = report(launch(args, System.getenv(), secretManager));
      }
    } catch (SelfReportedJob.OverlappingRunException e) {
      System.err.println(e.getMessage());
      code = 5;
    } catch (ConfigurationException | IllegalArgumentException e) {
      // IllegalArgumentException: Beam's own option validation (a missing required option, a bad number).
      System.err.println(e.getMessage());
      code = 2;
    } catch (FullSyncPipeline.SourceUnreachableException e) {
      System.err.println(e.getMessage());
      code = 3;
    } catch (RuntimeException | IOException e) {
      LOG.error("Launching the sync failed", e);
      System.err.println("Launching the sync failed: " + e);
      code = 4;
    }
    System.exit(code);
  }

  /**
   * Parses the options, resolves the secret references and submits the sync; returns without
   * waiting for the job. {@code env} is the process environment (the {@code BC_ES_*} variables still
   * work when no secret reference is given).
   */
  public static Launched launch(String[] args, Map<String, String> env, SecretReference.SecretManager secretManager)
      throws IOException {
    if (syncJobRequested(args)) {
      return launchSyncJob(args, env, secretManager);
    }
    FlexTemplateOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(FlexTemplateOptions.class);
    Map<String, String> resolved = resolveSecrets(options, env, secretManager);

    FullSyncPipeline.Plan plan;
    if (options.getConnectorConfigSecret() != null && !options.getConnectorConfigSecret().isBlank()) {
      if (options.getConnectorConfig() != null && !options.getConnectorConfig().isBlank()) {
        throw new ConfigurationException("--connectorConfig and --connectorConfigSecret are both set: keep one");
      }
      String json = SecretReference.parse("connectorConfigSecret", options.getConnectorConfigSecret())
          .resolve(env, secretManager);
      plan = planFromSecret(options, resolved, json);
    } else {
      plan = FullSyncPipeline.plan(options, resolved);
    }

    FullSyncPipeline.prepare(plan, options.getPing());
    io.beamconnectors.pipelines.DirectRunnerHeapCheck.check(options, plan, Runtime.getRuntime().maxMemory());

    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply("FullSync " + plan.connector().serviceType(), plan.sync());
    long start = System.currentTimeMillis();
    PipelineResult result = pipeline.run(); // never waitUntilFinish: the template launch would block on it
    return new Launched(options, plan, result, start);
  }

  /**
   * A launcher's sync job ({@code --syncJobId}): the job document gives service type, index and
   * configuration ({@link JobSyncPipeline#start}, as on the launcher's other runners), the
   * Elasticsearch credential comes from its secret reference; submitted without waiting, the
   * launcher watches the Dataflow job and writes the job document.
   */
  private static Launched launchSyncJob(String[] args, Map<String, String> env,
      SecretReference.SecretManager secretManager) throws IOException {
    // No withValidation(): --serviceType and --esIndex come from the job document.
    FlexTemplateOptions options = PipelineOptionsFactory.fromArgs(args).as(FlexTemplateOptions.class);
    FullSyncPipeline.directRunnerDefaults(options, args);
    if (isSet(options.getConnectorConfig()) || isSet(options.getConnectorConfigSecret())) {
      throw new ConfigurationException("--syncJobId takes the source configuration from the sync-job document:"
          + " drop --connectorConfig and --connectorConfigSecret");
    }
    if (!isSet(options.getSyncJobId())) {
      throw new ConfigurationException("--syncJobId is empty: give the id of a document in .elastic-connectors-sync-jobs");
    }
    JobSyncPipeline.Started started = JobSyncPipeline.start(options.as(SyncJobOptions.class),
        resolveSecrets(options, env, secretManager), io.beamconnectors.sources.SourceRegistry.builtIn());
    return new Launched(options, started.plan(), started.result(), started.startMillis());
  }

  /** Whether the arguments name a launcher's sync job ({@code --syncJobId}). */
  static boolean syncJobRequested(String[] args) {
    return java.util.Arrays.stream(args).anyMatch(a -> a.startsWith("--syncJobId"));
  }

  /**
   * The connector configuration from a secret, handed to {@link FullSyncPipeline#plan} as values:
   * it never touches the disk. A JSON error names the option and the position, never the text
   * (it holds the source's secrets).
   */
  private static FullSyncPipeline.Plan planFromSecret(FlexTemplateOptions options,
      Map<String, String> env, String json) {
    Map<String, Object> values;
    try {
      values = JSON.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      throw new ConfigurationException("--connectorConfigSecret's value is not a valid JSON object"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
          + ": fix the JSON syntax in the secret");
    }
    return FullSyncPipeline.plan(options, env, values, io.beamconnectors.sources.SourceRegistry.builtIn());
  }

  private static Map<String, String> resolveSecrets(FlexTemplateOptions options, Map<String, String> env,
      SecretReference.SecretManager secretManager) {
    Map<String, String> resolved = new HashMap<>(env);
    putSecret(resolved, ENV_PASSWORD, "esPasswordSecret", options.getEsPasswordSecret(), env, secretManager);
    putSecret(resolved, ENV_API_KEY, "esApiKeySecret", options.getEsApiKeySecret(), env, secretManager);
    putSecret(resolved, ENV_BEARER_TOKEN, "esBearerTokenSecret", options.getEsBearerTokenSecret(), env, secretManager);
    return resolved;
  }

  /** Whether the arguments ask for a self-reported run ({@code --selfReportConnectorId}). */
  static boolean selfReportRequested(String[] args) {
    return java.util.Arrays.stream(args).anyMatch(a -> a.startsWith("--selfReportConnectorId"));
  }

  /**
   * A run that reports itself as a scheduled full sync job of {@code --selfReportConnectorId}:
   * claims its job (or records an overlap and throws {@link SelfReportedJob.OverlappingRunException}),
   * takes service type, index and configuration from the connector, runs the sync to its end while
   * heartbeating the job, and finishes the job and the connector's {@code last_*} fields. A failure
   * after the claim is recorded on the job (without secrets) and rethrown.
   */
  public static SyncSummary runSelfReported(String[] args, Map<String, String> env,
      SecretReference.SecretManager secretManager) throws IOException {
    // No withValidation(): --serviceType and --esIndex come from the connector document.
    FlexTemplateOptions options = PipelineOptionsFactory.fromArgs(args).as(FlexTemplateOptions.class);
    FullSyncPipeline.directRunnerDefaults(options, args);
    if (isSet(options.getSyncJobId())) {
      throw new ConfigurationException("--selfReportConnectorId and --syncJobId are both set: a self-reported run"
          + " creates its own job, a launcher's run is given one; keep one");
    }
    if (isSet(options.getConnectorConfig()) || isSet(options.getConnectorConfigSecret())) {
      throw new ConfigurationException("--selfReportConnectorId takes the source configuration from the connector"
          + " document: drop --connectorConfig and --connectorConfigSecret");
    }
    if (options.getSelfReportHeartbeatSeconds() < 1) {
      throw new ConfigurationException("--selfReportHeartbeatSeconds must be at least 1, was "
          + options.getSelfReportHeartbeatSeconds());
    }
    Map<String, String> resolved = resolveSecrets(options, env, secretManager);
    io.beamconnectors.elasticsearch.ElasticsearchConnection protocolConnection =
        FullSyncPipeline.elasticsearchConnection(options, resolved, DirectProtocol.CONNECTORS);
    List<String> secrets = new ArrayList<>(protocolConnection.secrets());
    try (DirectProtocol protocol = new DirectProtocol(protocolConnection)) {
      SelfReportedJob job = SelfReportedJob.claim(protocol, options.getSelfReportConnectorId(), workerHostname());
      secrets = JobSecrets.of(job.configuration(), secrets);
      LOG.info("Claimed sync job {} of connector {}", job.jobId(), options.getSelfReportConnectorId());
      ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sync-job-heartbeat");
        t.setDaemon(true);
        return t;
      });
      try {
        SyncSummary summary = runClaimed(options, resolved, job, heartbeat, secrets);
        job.finish(summary);
        return summary;
      } catch (RuntimeException | IOException e) {
        String error = e instanceof ConfigurationException || e instanceof FullSyncPipeline.SourceUnreachableException
            ? Secrets.redact(e.getMessage(), secrets) : "The sync failed: " + Secrets.describe(e, secrets);
        try {
          job.fail(error);
        } catch (IOException | RuntimeException recording) {
          LOG.warn("Recording the failure of sync job {} failed: {}", job.jobId(), Secrets.describe(recording, secrets));
        }
        throw e;
      } finally {
        heartbeat.shutdownNow();
      }
    }
  }

  private static SyncSummary runClaimed(FlexTemplateOptions options, Map<String, String> env, SelfReportedJob job,
      ScheduledExecutorService heartbeat, List<String> secrets) throws IOException {
    String serviceType = job.job().serviceType();
    String index = job.job().indexName();
    if (serviceType == null || serviceType.isEmpty() || index == null || index.isEmpty()) {
      throw new ConfigurationException("connector " + options.getSelfReportConnectorId() + " has no service_type or"
          + " index_name: set both on the connector document");
    }
    if (isSet(options.getServiceType()) && !options.getServiceType().equals(serviceType)) {
      throw new ConfigurationException("--serviceType '" + options.getServiceType() + "' differs from the connector's"
          + " service_type '" + serviceType + "': drop --serviceType");
    }
    if (isSet(options.getEsIndex()) && !options.getEsIndex().equals(index)) {
      throw new ConfigurationException("--esIndex '" + options.getEsIndex() + "' differs from the connector's"
          + " index_name '" + index + "': drop --esIndex");
    }
    options.setServiceType(serviceType);
    options.setEsIndex(index);
    Map<String, Object> values = job.configuration().isObject()
        ? JSON.convertValue(job.configuration(), new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {})
        : Map.of();
    FullSyncPipeline.Plan plan = FullSyncPipeline.plan(options, env, values, io.beamconnectors.sources.SourceRegistry.builtIn());
    FullSyncPipeline.prepare(plan, options.getPing());
    io.beamconnectors.pipelines.DirectRunnerHeapCheck.check(options, plan, Runtime.getRuntime().maxMemory());
    long period = options.getSelfReportHeartbeatSeconds();
    heartbeat.scheduleAtFixedRate(() -> {
      try {
        job.heartbeat();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Heartbeat of sync job {} failed (next one in {} s): {}", job.jobId(), period, Secrets.describe(e, secrets));
      }
    }, period, period, TimeUnit.SECONDS);
    return FullSyncPipeline.runToEnd(options, plan);
  }

  private static boolean isSet(String v) {
    return v != null && !v.isBlank();
  }

  private static String workerHostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown";
    }
  }

  private static void putSecret(Map<String, String> target, String variable, String option, String reference,
      Map<String, String> env, SecretReference.SecretManager secretManager) {
    if (reference != null && !reference.isBlank()) {
      target.put(variable, SecretReference.parse(option, reference).resolve(env, secretManager));
    }
  }

  /** Prints what happened and returns the exit code. */
  static int report(Launched launched) throws IOException {
    PipelineResult result = launched.result();
    if (result instanceof DataflowPipelineJob job) {
      System.out.println("Submitted Dataflow job " + job.getJobId() + " in " + job.getRegion() + " for index "
          + launched.plan().elasticsearch().index() + "; its counters are in the job's metrics (namespace sync).");
      return 0;
    }
    PipelineResult.State state = result.getState();
    if (state == null || !state.isTerminal()) {
      System.out.println("Submitted the sync (state " + state + ") for index " + launched.plan().elasticsearch().index());
      return 0;
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("Pipeline ended in state " + state);
    }
    SyncSummary summary = SyncSummary.from(result, System.currentTimeMillis() - launched.startedAtMillis());
    try (ContentIndex index = new ContentIndex(launched.plan().elasticsearch())) {
      index.refresh();
      summary = summary.withIndexDocumentCount(index.count());
    }
    System.out.println(summary.format());
    if (launched.options().getSummaryJson() != null) {
      new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
          .writeValue(Path.of(launched.options().getSummaryJson()).toFile(), summary.toMap());
    }
    return summary.clean() ? 0 : 1;
  }
}

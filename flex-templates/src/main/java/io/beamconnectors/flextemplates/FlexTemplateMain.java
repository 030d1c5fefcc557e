package io.beamconnectors.flextemplates;

import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
 * with listing failures or failed writes, 2 bad configuration, 3 source unreachable, 4 failure.
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
      code = report(launch(args, System.getenv(), secretManager));
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
    FlexTemplateOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(FlexTemplateOptions.class);
    Map<String, String> resolved = new HashMap<>(env);
    putSecret(resolved, ENV_PASSWORD, "esPasswordSecret", options.getEsPasswordSecret(), env, secretManager);
    putSecret(resolved, ENV_API_KEY, "esApiKeySecret", options.getEsApiKeySecret(), env, secretManager);
    putSecret(resolved, ENV_BEARER_TOKEN, "esBearerTokenSecret", options.getEsBearerTokenSecret(), env, secretManager);

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

    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply("FullSync " + plan.connector().serviceType(), plan.sync());
    long start = System.currentTimeMillis();
    PipelineResult result = pipeline.run(); // never waitUntilFinish: the template launch would block on it
    return new Launched(options, plan, result, start);
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

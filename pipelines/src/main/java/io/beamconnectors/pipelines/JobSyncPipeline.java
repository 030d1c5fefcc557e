package io.beamconnectors.pipelines;

import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.SourceRegistry;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job-driven full sync: reads the connector snapshot from a sync-job document and runs
 * {@link FullSyncPipeline}'s plan with it. The launcher calls {@link #start} (which returns as soon
 * as the runner accepted the pipeline when the runner does not block) and {@link #finish}; as a
 * main class (Flink, Dataflow templates) it runs to the end and exits with FullSyncPipeline's codes.
 * The credential comes from the environment variable or file the options name, never from options.
 */
public final class JobSyncPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(JobSyncPipeline.class);

  /** A pipeline handed to its runner, with what {@link #finish} needs. */
  public record Started(SyncJobDocument job, FullSyncPipeline.Plan plan, PipelineResult result, long startMillis,
      String issuesPrefix) {}

  /**
   * A pipeline built and checked but not yet handed to its runner: what a caller whose runner
   * blocks in {@code run()} (Flink attached) needs before the run, such as the configuration's
   * secrets to redact a failure with.
   */
  public record Prepared(SyncJobDocument job, FullSyncPipeline.Plan plan, Pipeline pipeline, String issuesPrefix) {}

  private JobSyncPipeline() {}

  public static void main(String[] args) {
    SyncJobOptions options = PipelineOptionsFactory.fromArgs(args).as(SyncJobOptions.class);
    FullSyncPipeline.directRunnerDefaults(options, args);
    int code;
    try {
      LocalFlinkConfiguration.applyDefaults(options, System.getenv());
      Started started = start(options, System.getenv(), SourceRegistry.builtIn());
      PipelineResult.State state = started.result().waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("Pipeline ended in state " + state);
      }
      SyncSummary summary = finish(started);
      System.out.println(summary.format());
      code = summary.clean() ? 0 : 1;
    } catch (ConfigurationException e) {
      System.err.println(e.getMessage());
      code = 2;
    } catch (FullSyncPipeline.SourceUnreachableException e) {
      System.err.println(e.getMessage());
      code = 3;
    } catch (RuntimeException | IOException e) {
      LOG.debug("Sync failed", e);
      System.err.println("Sync failed: " + e);
      code = 4;
    }
    System.exit(code);
  }

  /**
   * The environment the plan reads its Elasticsearch credential from: {@code BC_ES_PASSWORD} (with
   * {@code --esUsername}) or {@code BC_ES_API_KEY}, taken from the referenced variable or file.
   */
  public static Map<String, String> credentialEnvironment(SyncJobOptions options, Map<String, String> env)
      throws IOException {
    String credential = null;
    if (options.getEsCredentialEnv() != null && !options.getEsCredentialEnv().isBlank()) {
      credential = env.get(options.getEsCredentialEnv());
      if (credential == null || credential.isEmpty()) {
        throw new ConfigurationException("--esCredentialEnv names the environment variable '"
            + options.getEsCredentialEnv() + "', which is not set: export it where the pipeline runs");
      }
    } else if (options.getEsCredentialFile() != null && !options.getEsCredentialFile().isBlank()) {
      Path file = Path.of(options.getEsCredentialFile());
      if (!Files.isReadable(file)) {
        throw new ConfigurationException("--esCredentialFile '" + file + "' cannot be read: check the path and its permissions");
      }
      credential = Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    Map<String, String> out = new HashMap<>(env);
    if (credential != null) {
      out.remove("BC_ES_API_KEY");
      out.remove("BC_ES_BEARER_TOKEN");
      if (options.getEsUsername() != null && !options.getEsUsername().isBlank()) {
        out.put("BC_ES_PASSWORD", credential);
      } else {
        out.put("BC_ES_API_KEY", credential);
      }
    }
    return out;
  }

  /**
   * The environment the content writes authenticate from: with {@code --esContentApiKeyEnv} the
   * API key in that variable (the connector's own key), else the protocol credential's.
   */
  static Map<String, String> contentEnvironment(SyncJobOptions options, Map<String, String> env,
      Map<String, String> planEnv) {
    String name = options.getEsContentApiKeyEnv();
    if (name == null || name.isBlank()) {
      return planEnv;
    }
    String key = env.get(name);
    if (key == null || key.isEmpty()) {
      throw new ConfigurationException("--esContentApiKeyEnv names the environment variable '" + name
          + "', which is not set: export it where the pipeline runs");
    }
    Map<String, String> out = new HashMap<>(planEnv);
    out.remove("BC_ES_PASSWORD");
    out.remove("BC_ES_BEARER_TOKEN");
    out.put("BC_ES_API_KEY", key);
    return out;
  }

  /**
   * Reads the job, builds the plan, pings the source, checks its configured parts, makes sure the
   * content index exists and hands the pipeline to the runner.
   */
  public static Started start(SyncJobOptions options, Map<String, String> env, SourceRegistry registry)
      throws IOException {
    return start(prepare(options, env, registry));
  }

  /** Hands a prepared pipeline to its runner; returns when the runner does (at the end for a blocking one). */
  public static Started start(Prepared prepared) {
    long start = System.currentTimeMillis();
    PipelineResult result = prepared.pipeline().run();
    return new Started(prepared.job(), prepared.plan(), result, start, prepared.issuesPrefix());
  }

  /**
   * Reads the job, builds the plan, pings the source, checks its configured parts, makes sure the
   * content index exists and builds the pipeline.
   */
  public static Prepared prepare(SyncJobOptions options, Map<String, String> env, SourceRegistry registry)
      throws IOException {
    Map<String, String> planEnv = credentialEnvironment(options, env);
    ElasticsearchConnection protocolConnection = protocolConnection(options, planEnv);
    SyncJobDocument job = SyncJobDocument.read(protocolConnection, options.getSyncJobId());
    // Given ones must agree with the job (a template launch may repeat them); unset ones come from it.
    if (isSet(options.getServiceType()) && !options.getServiceType().equals(job.serviceType())) {
      throw new ConfigurationException("--serviceType '" + options.getServiceType() + "' differs from sync job "
          + options.getSyncJobId() + "'s service_type '" + job.serviceType() + "': drop --serviceType");
    }
    if (isSet(options.getEsIndex()) && !options.getEsIndex().equals(job.indexName())) {
      throw new ConfigurationException("--esIndex '" + options.getEsIndex() + "' differs from sync job "
          + options.getSyncJobId() + "'s index_name '" + job.indexName() + "': drop --esIndex");
    }
    options.setServiceType(job.serviceType());
    options.setEsIndex(job.indexName());
    FullSyncPipeline.Plan plan = FullSyncPipeline.plan(options, contentEnvironment(options, env, planEnv),
        job.configuration(), registry);
    FullSyncPipeline.prepare(plan, options.getPing());
    DirectRunnerHeapCheck.check(options, plan, Runtime.getRuntime().maxMemory());
    // --issuesOutput (e.g. a gs:// prefix for a pipeline on Dataflow) when given, else a local
    // directory that finish() reads and removes.
    String issuesPrefix = isSet(options.getIssuesOutput()) ? options.getIssuesOutput()
        : io.beamconnectors.sync.IssueFiles.newLocalPrefix();
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply("FullSync " + plan.connector().serviceType(), plan.sync().withIssuesOutput(issuesPrefix));
    return new Prepared(job, plan, pipeline, issuesPrefix);
  }

  /** After the pipeline finished DONE: its summary with the content index refreshed and counted. */
  public static SyncSummary finish(Started started) throws IOException {
    SyncSummary summary = SyncSummary.from(started.result(), System.currentTimeMillis() - started.startMillis())
        .withIssues(io.beamconnectors.sync.IssueFiles.read(started.issuesPrefix()));
    io.beamconnectors.sync.IssueFiles.deleteLocal(started.issuesPrefix());
    try (ContentIndex index = new ContentIndex(started.plan().elasticsearch())) {
      index.refresh();
      return summary.withIndexDocumentCount(index.count());
    }
  }

  private static boolean isSet(String v) {
    return v != null && !v.isBlank();
  }

  private static ElasticsearchConnection protocolConnection(SyncJobOptions options, Map<String, String> env) {
    ElasticsearchConnection es = ElasticsearchConnection.of(options.getEsUrl(), SyncJobDocument.JOBS_INDEX);
    if (env.get("BC_ES_API_KEY") != null && !env.get("BC_ES_API_KEY").isEmpty()) {
      es = es.withApiKey(env.get("BC_ES_API_KEY"));
    } else if (options.getEsUsername() != null) {
      es = es.withBasicAuth(options.getEsUsername(), env.getOrDefault("BC_ES_PASSWORD", ""));
    }
    if (options.getEsCaCertificate() != null) {
      es = es.withCaCertificate(options.getEsCaCertificate());
    }
    return es;
  }
}

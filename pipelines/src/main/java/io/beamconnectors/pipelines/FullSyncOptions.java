package io.beamconnectors.pipelines;

import io.beamconnectors.sources.SpreadOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Hidden;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * Options of the full-sync pipeline. Secrets are not options (options are shown by runners' UIs
 * and logs): the Elasticsearch password, API key or bearer token come from the environment
 * variables {@code BC_ES_PASSWORD}, {@code BC_ES_API_KEY}, {@code BC_ES_BEARER_TOKEN}; source
 * secrets come from the connector configuration file.
 */
public interface FullSyncOptions extends PipelineOptions, SpreadOptions {

  @Description("Source service type, e.g. postgresql, s3, network_drive (a key of the source registry).")
  @Validation.Required
  String getServiceType();

  void setServiceType(String v);

  @Description("Path of a JSON file with the connector configuration: {\"field\": value} or the connector"
      + " document's {\"field\": {\"value\": ...}} form.")
  String getConnectorConfig();

  void setConnectorConfig(String v);

  @Description("Elasticsearch base URL(s), comma-separated.")
  @Default.String("http://127.0.0.1:9200")
  String getEsUrl();

  void setEsUrl(String v);

  @Description("Content index to mirror into (created with explicit mappings when missing).")
  @Validation.Required
  String getEsIndex();

  void setEsIndex(String v);

  @Description("Elasticsearch user for basic auth; its password comes from the BC_ES_PASSWORD environment variable.")
  String getEsUsername();

  void setEsUsername(String v);

  @Description("PEM file of the CA that signed Elasticsearch's HTTP certificate.")
  String getEsCaCertificate();

  void setEsCaCertificate(String v);

  @Description("Bulk operations per request.")
  @Default.Integer(500)
  int getBulkMaxOperations();

  void setBulkMaxOperations(int v);

  @Description("Bulk request size cap in bytes.")
  @Default.Long(5L * 1024 * 1024)
  long getBulkMaxBytes();

  void setBulkMaxBytes(long v);

  @Description("Bulk requests in flight.")
  @Default.Integer(4)
  int getBulkParallelRequests();

  void setBulkParallelRequests(int v);

  @Description("Attempts per bulk request (retried with backoff on 429 and I/O errors).")
  @Default.Integer(5)
  int getBulkMaxAttempts();

  void setBulkMaxAttempts(int v);

  @Description("Parallel slices when reading the index state.")
  @Default.Integer(4)
  int getStateSlices();

  void setStateSlices(int v);

  @Description("How listing and index state are joined: AUTO (SIDE_INPUT on the DirectRunner, SHUFFLE"
      + " elsewhere), SHUFFLE (CoGroupByKey, flat memory, any size), SIDE_INPUT (in-memory, one machine).")
  @Default.Enum("AUTO")
  io.beamconnectors.sync.JoinStrategy getJoinStrategy();

  void setJoinStrategy(io.beamconnectors.sync.JoinStrategy v);

  @Description("Content handling: EXTRACT (Tika text into body), ATTACHMENT (base64 _attachment), NONE.")
  @Default.Enum("EXTRACT")
  io.beamconnectors.content.ContentSettings.Mode getContentMode();

  void setContentMode(io.beamconnectors.content.ContentSettings.Mode v);

  @Description("Largest file whose content is fetched, in bytes.")
  @Default.Long(10L * 1024 * 1024)
  long getMaxFileSizeBytes();

  void setMaxFileSizeBytes(long v);

  @Description("Comma-separated extensions whose content is fetched (case-sensitive); empty means the reference's list.")
  @Default.String("")
  String getContentExtensions();

  void setContentExtensions(String v);

  @Description("Seconds one file's text extraction may take.")
  @Default.Integer(60)
  int getExtractionTimeoutSeconds();

  void setExtractionTimeoutSeconds(int v);

  @Description("Files each worker downloads and extracts at once (1 to 64).")
  @Default.Integer(io.beamconnectors.content.ContentSettings.DEFAULT_PARALLEL_DOWNLOADS)
  int getParallelDownloads();

  void setParallelDownloads(int v);

  @Description("Also write the summary counters as JSON to this file (for scripts and benchmarks).")
  String getSummaryJson();

  void setSummaryJson(String v);

  @Description("Check the source with a ping before building the pipeline.")
  @Default.Boolean(true)
  boolean getPing();

  void setPing(boolean v);

  @Description("File prefix the sync writes its issues to (any Beam file system: a local path, gs://...,"
      + " hdfs://...); the summary reads them back. Default: a new temporary directory on this machine,"
      + " which suits the DirectRunner and a Flink cluster on this machine; set a shared location on"
      + " runners whose workers run elsewhere.")
  String getIssuesOutput();

  void setIssuesOutput(String v);

  @Description("Start a DirectRunner sync even when the items the index and the source report would need more"
      + " heap than -Xmx allows (the check stops such a sync before it runs; FlinkRunner is the way for large"
      + " sources).")
  @Default.Boolean(false)
  boolean getSkipHeapCheck();

  void setSkipHeapCheck(boolean v);

  @Hidden
  @Description("Set by the sync, not by users: the DirectRunner's thread count (--targetParallelism) was not"
      + " given, so the sync chooses it for the source once the source is known.")
  @Default.Boolean(false)
  boolean getDirectRunnerThreadsBySource();

  void setDirectRunnerThreadsBySource(boolean v);

  @Hidden
  @Description("Set by the sync, not by users: --spreadGroups was not given, so on the DirectRunner it follows the"
      + " thread count chosen for the source.")
  @Default.Boolean(false)
  boolean getSpreadGroupsFollowThreads();

  void setSpreadGroupsFollowThreads(boolean v);
}

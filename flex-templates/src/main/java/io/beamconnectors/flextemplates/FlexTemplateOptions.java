package io.beamconnectors.flextemplates;

import io.beamconnectors.pipelines.FullSyncOptions;
import org.apache.beam.sdk.options.Description;

/**
 * The options of the flex template: every {@link FullSyncOptions} option plus references to the
 * secrets the template needs, and the two document-driven modes ({@code syncJobId}: a launcher's
 * sync job; {@code selfReportConnectorId}: a run that reports itself), in which {@link
 * #DOCUMENT_PROVIDED} options come from the document instead. A reference is never the secret: on Dataflow it is a Secret Manager
 * secret version ({@code projects/P/secrets/S/versions/V}); for a local run it may be
 * {@code env:VARIABLE} or {@code file:/path} (see {@link SecretReference}).
 */
public interface FlexTemplateOptions extends FullSyncOptions {
  /**
   * Options {@link FullSyncOptions} requires that a run given {@code --syncJobId} or
   * {@code --selfReportConnectorId} takes from that document: optional in the template metadata.
   */
  java.util.Set<String> DOCUMENT_PROVIDED = java.util.Set.of("serviceType", "esIndex");

  @Description("Secret Manager secret version holding the Elasticsearch password for --esUsername"
      + " (projects/PROJECT/secrets/NAME/versions/VERSION).")
  String getEsPasswordSecret();

  void setEsPasswordSecret(String v);

  @Description("Secret Manager secret version holding an Elasticsearch API key (the base64 id:key form);"
      + " used instead of --esUsername and a password.")
  String getEsApiKeySecret();

  void setEsApiKeySecret(String v);

  @Description("Secret Manager secret version holding an Elasticsearch bearer token; used instead of"
      + " --esUsername and a password.")
  String getEsBearerTokenSecret();

  void setEsBearerTokenSecret(String v);

  @Description("Secret Manager secret version holding the connector configuration JSON (it carries the"
      + " source's credentials); the template's form of --connectorConfig.")
  String getConnectorConfigSecret();

  void setConnectorConfigSecret(String v);

  @Description("Id of a connector document in .elastic-connectors: the run creates, claims, heartbeats and finishes"
      + " its own scheduled full sync job of that connector (service type, index and configuration come from the"
      + " connector), so it shows in Kibana like a launcher run; a run that finds another job of the connector in"
      + " progress records an error job and does nothing. The run waits for its pipeline to end.")
  String getSelfReportConnectorId();

  void setSelfReportConnectorId(String v);

  @Description("Id of a sync-job document in .elastic-connectors-sync-jobs, as the launcher's dataflow runner passes"
      + " it: the run syncs that job's connector snapshot (service type, index and configuration come from the job"
      + " document) and the launcher watches the Dataflow job and writes the job document.")
  String getSyncJobId();

  void setSyncJobId(String v);

  @Description("Seconds between the heartbeats (last_seen) of a self-reported sync job.")
  @org.apache.beam.sdk.options.Default.Integer(60)
  int getSelfReportHeartbeatSeconds();

  void setSelfReportHeartbeatSeconds(int v);
}

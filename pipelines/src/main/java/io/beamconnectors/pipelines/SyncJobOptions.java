package io.beamconnectors.pipelines;

import org.apache.beam.sdk.options.Description;

/**
 * Options of a job-driven sync: the pipeline gets the sync-job id, the Elasticsearch endpoint and a
 * reference to a credential (an environment variable name or a file path), never a secret, and
 * reads service type, content index and connector configuration from the sync-job document.
 * {@code --serviceType} and {@code --esIndex} are filled in from the job document.
 */
public interface SyncJobOptions extends FullSyncOptions {

  @Description("Id of the sync-job document in .elastic-connectors-sync-jobs whose connector snapshot is synced.")
  String getSyncJobId();

  void setSyncJobId(String v);

  @Description("Name of the environment variable holding the Elasticsearch credential: the password of"
      + " --esUsername, or an encoded API key when --esUsername is not set.")
  String getEsCredentialEnv();

  void setEsCredentialEnv(String v);

  @Description("Path of a file holding the Elasticsearch credential (same meaning as --esCredentialEnv;"
      + " surrounding whitespace is ignored).")
  String getEsCredentialFile();

  void setEsCredentialFile(String v);

  @Description("Name of the environment variable holding an encoded Elasticsearch API key used for the"
      + " content index only (the connector's own key); the job document is still read with the credential"
      + " above.")
  String getEsContentApiKeyEnv();

  void setEsContentApiKeyEnv(String v);
}

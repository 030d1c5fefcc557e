package io.beamconnectors.launcher.runner;

import io.beamconnectors.launcher.config.LauncherConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments a job-driven pipeline is submitted with: the sync-job id, the Elasticsearch
 * endpoint and user, and the name of the environment variable holding the credential. No secret
 * is ever part of them (they show in runner UIs and logs).
 */
public final class PipelineArguments {
  /** The variable the launcher puts the Elasticsearch credential in for its pipelines. */
  public static final String CREDENTIAL_ENV = "BC_LAUNCHER_ES_CREDENTIAL";
  /** The variable holding the connector's own API key ({@code connectors[].api_key}) for content writes. */
  public static final String CONTENT_API_KEY_ENV = "BC_LAUNCHER_ES_CONTENT_API_KEY";

  private PipelineArguments() {}

  public static List<String> of(String syncJobId, LauncherConfig.Elasticsearch es) {
    return of(syncJobId, es, false);
  }

  /** With {@code contentApiKey}, the content index is written with the key in {@link #CONTENT_API_KEY_ENV}. */
  public static List<String> of(String syncJobId, LauncherConfig.Elasticsearch es, boolean contentApiKey) {
    List<String> args = new ArrayList<>();
    args.add("--syncJobId=" + syncJobId);
    args.add("--esUrl=" + String.join(",", es.hosts()));
    if (es.apiKey() == null || es.apiKey().isEmpty()) {
      if (es.username() != null && !es.username().isEmpty()) {
        args.add("--esUsername=" + es.username());
      }
    }
    if (es.credential() != null && !es.credential().isEmpty()) {
      args.add("--esCredentialEnv=" + CREDENTIAL_ENV);
    }
    if (contentApiKey) {
      args.add("--esContentApiKeyEnv=" + CONTENT_API_KEY_ENV);
    }
    if (es.caCerts() != null && !es.caCerts().isEmpty()) {
      args.add("--esCaCertificate=" + es.caCerts());
    }
    return args;
  }
}

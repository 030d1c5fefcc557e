package io.beamconnectors.launcher.runner.dataflow;

import com.google.api.services.dataflow.model.FlexTemplateRuntimeEnvironment;
import com.google.api.services.dataflow.model.LaunchFlexTemplateParameter;
import com.google.api.services.dataflow.model.LaunchFlexTemplateRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the body of {@code POST /v1b3/projects/{project}/locations/{region}/flexTemplates:launch}
 * for one sync job: the job name derived from the sync-job id (the retry key, see
 * {@link DataflowJobName}), the template spec path, the pipeline parameters and the runtime
 * environment from {@link DataflowLaunchSettings}.
 *
 * <p>Template parameters are shown to anyone who can view the job, so a parameter whose name says
 * it is a secret (password, API key, token, secret, credential) must hold a Secret Manager resource
 * name ({@code projects/P/secrets/S/versions/V}), never the secret itself; anything else is
 * refused before a request exists.
 */
public final class FlexTemplateLaunches {
  /** A Secret Manager secret version, the only form a secret-named parameter may take. */
  public static final Pattern SECRET_VERSION_NAME = Pattern.compile("projects/[^/\\s]+/secrets/[^/\\s]+/versions/[^/\\s]+");
  private static final Pattern SECRET_LIKE_NAME = Pattern.compile(".*(password|secret|apikey|api_key|token|credential).*");
  /** Dataflow passes parameters as {@code --name=value} pipeline options: Java identifiers. */
  private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private FlexTemplateLaunches() {}

  /** The launch request; nothing is sent. */
  public static LaunchFlexTemplateRequest request(DataflowLaunchSettings settings, String syncJobId,
      Map<String, String> parameters) {
    if (settings == null) {
      throw new IllegalArgumentException("Dataflow launch settings are missing: configure runner.dataflow");
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : (parameters == null ? Map.<String, String>of() : parameters).entrySet()) {
      String name = e.getKey();
      if (name == null || !PARAMETER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("template parameter name '" + name
            + "' is not a pipeline option name: use letters, digits and '_'");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("template parameter " + name + " has no value: leave it out instead");
      }
      if (SECRET_LIKE_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches()
          && !SECRET_VERSION_NAME.matcher(e.getValue()).matches()) {
        // Never quote the value: it may be the secret itself.
        throw new IllegalArgumentException("template parameter " + name + " must be a Secret Manager resource name"
            + " (projects/P/secrets/S/versions/V), not a secret value: store the secret in Secret Manager");
      }
      params.put(name, e.getValue());
    }

    FlexTemplateRuntimeEnvironment env = new FlexTemplateRuntimeEnvironment();
    boolean anyEnv = false;
    if (settings.serviceAccountEmail() != null) {
      env.setServiceAccountEmail(settings.serviceAccountEmail());
      anyEnv = true;
    }
    if (settings.tempLocation() != null) {
      env.setTempLocation(settings.tempLocation());
      anyEnv = true;
    }
    if (settings.stagingLocation() != null) {
      env.setStagingLocation(settings.stagingLocation());
      anyEnv = true;
    }
    if (settings.maxWorkers() != null) {
      env.setMaxWorkers(settings.maxWorkers());
      anyEnv = true;
    }
    if (settings.numWorkers() != null) {
      env.setNumWorkers(settings.numWorkers());
      anyEnv = true;
    }
    if (settings.machineType() != null) {
      env.setMachineType(settings.machineType());
      anyEnv = true;
    }
    if (settings.network() != null) {
      env.setNetwork(settings.network());
      anyEnv = true;
    }
    if (settings.subnetwork() != null) {
      env.setSubnetwork(settings.subnetwork());
      anyEnv = true;
    }
    if (settings.privateIpsOnly()) {
      env.setIpConfiguration("WORKER_IP_PRIVATE");
      anyEnv = true;
    }
    if (!settings.labels().isEmpty()) {
      env.setAdditionalUserLabels(new LinkedHashMap<>(settings.labels()));
      anyEnv = true;
    }
    if (!settings.experiments().isEmpty()) {
      env.setAdditionalExperiments(settings.experiments());
      anyEnv = true;
    }

    LaunchFlexTemplateParameter launch = new LaunchFlexTemplateParameter()
        .setJobName(DataflowJobName.forSyncJob(syncJobId))
        .setContainerSpecGcsPath(settings.templateSpecGcsPath());
    if (!params.isEmpty()) {
      launch.setParameters(params);
    }
    if (anyEnv) {
      launch.setEnvironment(env);
    }
    return new LaunchFlexTemplateRequest().setLaunchParameter(launch);
  }
}

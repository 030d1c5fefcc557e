package io.beamconnectors.launcher.runner.dataflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how the launcher starts flex-template jobs: the {@code runner.dataflow} section of the
 * launcher configuration. Immutable; every {@code with*} method checks its argument and names the
 * setting in its error. Unset optional values are left to Dataflow's defaults (they are not sent).
 */
public final class DataflowLaunchSettings {
  private static final Pattern PROJECT = Pattern.compile("([a-z0-9.-]+:)?[a-z][-a-z0-9]{4,28}[a-z0-9]");
  private static final Pattern REGION = Pattern.compile("[a-z]+-[a-z]+[0-9]+");
  private static final Pattern GCS_OBJECT = Pattern.compile("gs://[a-z0-9][-_.a-z0-9]{1,220}[a-z0-9]/.+");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  /** Dataflow label keys and values: lower case, digits, '_' and '-', at most 63 characters. */
  private static final Pattern LABEL_KEY = Pattern.compile("[a-z][-_a-z0-9]{0,62}");
  private static final Pattern LABEL_VALUE = Pattern.compile("[-_a-z0-9]{0,63}");

  private final String project;
  private final String region;
  private final String templateSpecGcsPath;
  private final String serviceAccountEmail;
  private final String tempLocation;
  private final String stagingLocation;
  private final Integer maxWorkers;
  private final Integer numWorkers;
  private final String machineType;
  private final String network;
  private final String subnetwork;
  private final boolean privateIpsOnly;
  private final Map<String, String> labels;
  private final List<String> experiments;

  private DataflowLaunchSettings(String project, String region, String templateSpecGcsPath, String serviceAccountEmail,
      String tempLocation, String stagingLocation, Integer maxWorkers, Integer numWorkers, String machineType,
      String network, String subnetwork, boolean privateIpsOnly, Map<String, String> labels, List<String> experiments) {
    this.project = project;
    this.region = region;
    this.templateSpecGcsPath = templateSpecGcsPath;
    this.serviceAccountEmail = serviceAccountEmail;
    this.tempLocation = tempLocation;
    this.stagingLocation = stagingLocation;
    this.maxWorkers = maxWorkers;
    this.numWorkers = numWorkers;
    this.machineType = machineType;
    this.network = network;
    this.subnetwork = subnetwork;
    this.privateIpsOnly = privateIpsOnly;
    this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    this.experiments = List.copyOf(experiments);
  }

  /**
   * The three settings every launch needs.
   *
   * @param templateSpecGcsPath the template spec file written by {@code gcloud dataflow flex-template build}
   */
  public static DataflowLaunchSettings of(String project, String region, String templateSpecGcsPath) {
    require("runner.dataflow.project", project, PROJECT, "a Google Cloud project id such as my-project-123");
    require("runner.dataflow.region", region, REGION, "a Dataflow region such as europe-west1");
    require("runner.dataflow.template_location", templateSpecGcsPath, GCS_OBJECT,
        "the gs:// path of the template spec JSON, e.g. gs://my-bucket/templates/beam-connectors.json");
    return new DataflowLaunchSettings(project, region, templateSpecGcsPath, null, null, null, null, null, null,
        null, null, false, Map.of(), List.of());
  }

  /** The worker service account; it needs roles/dataflow.worker and read access to the secrets. */
  public DataflowLaunchSettings withServiceAccountEmail(String email) {
    require("runner.dataflow.service_account", email, EMAIL, "a service account email");
    return copy(email, tempLocation, stagingLocation, maxWorkers, numWorkers, machineType, network, subnetwork,
        privateIpsOnly, labels, experiments);
  }

  public DataflowLaunchSettings withTempLocation(String gcsPath) {
    require("runner.dataflow.temp_location", gcsPath, GCS_OBJECT, "a gs://bucket/path for temporary files");
    return copy(serviceAccountEmail, gcsPath, stagingLocation, maxWorkers, numWorkers, machineType, network,
        subnetwork, privateIpsOnly, labels, experiments);
  }

  public DataflowLaunchSettings withStagingLocation(String gcsPath) {
    require("runner.dataflow.staging_location", gcsPath, GCS_OBJECT, "a gs://bucket/path for staged files");
    return copy(serviceAccountEmail, tempLocation, gcsPath, maxWorkers, numWorkers, machineType, network, subnetwork,
        privateIpsOnly, labels, experiments);
  }

  public DataflowLaunchSettings withMaxWorkers(int n) {
    requirePositive("runner.dataflow.max_workers", n);
    if (numWorkers != null && numWorkers > n) {
      throw new IllegalArgumentException("runner.dataflow.max_workers (" + n + ") is below num_workers (" + numWorkers
          + "): raise max_workers or lower num_workers");
    }
    return copy(serviceAccountEmail, tempLocation, stagingLocation, n, numWorkers, machineType, network, subnetwork,
        privateIpsOnly, labels, experiments);
  }

  public DataflowLaunchSettings withNumWorkers(int n) {
    requirePositive("runner.dataflow.num_workers", n);
    if (maxWorkers != null && n > maxWorkers) {
      throw new IllegalArgumentException("runner.dataflow.num_workers (" + n + ") is above max_workers (" + maxWorkers
          + "): lower num_workers or raise max_workers");
    }
    return copy(serviceAccountEmail, tempLocation, stagingLocation, maxWorkers, n, machineType, network, subnetwork,
        privateIpsOnly, labels, experiments);
  }

  public DataflowLaunchSettings withMachineType(String type) {
    require("runner.dataflow.machine_type", type, Pattern.compile("[a-z0-9][-a-z0-9]*"), "a machine type such as n2-standard-4");
    return copy(serviceAccountEmail, tempLocation, stagingLocation, maxWorkers, numWorkers, type, network, subnetwork,
        privateIpsOnly, labels, experiments);
  }

  /** Network and subnetwork as Dataflow takes them (a name, or a full or partial resource URL). */
  public DataflowLaunchSettings withNetwork(String network, String subnetwork) {
    if ((network == null || network.isBlank()) && (subnetwork == null || subnetwork.isBlank())) {
      throw new IllegalArgumentException("runner.dataflow.network and subnetwork are both empty: set at least one");
    }
    return copy(serviceAccountEmail, tempLocation, stagingLocation, maxWorkers, numWorkers, machineType,
        blankToNull(network), blankToNull(subnetwork), privateIpsOnly, labels, experiments);
  }

  /** Workers without public IPs (the subnetwork then needs Private Google Access and a route to Elasticsearch). */
  public DataflowLaunchSettings withPrivateIpsOnly(boolean privateOnly) {
    return copy(serviceAccountEmail, tempLocation, stagingLocation, maxWorkers, numWorkers, machineType, network,
        subnetwork, privateOnly, labels, experiments);
  }

  /** Adds a job label (lower case, at most 63 characters, Dataflow's label rules). */
  public DataflowLaunchSettings withLabel(String key, String value) {
    require("runner.dataflow.labels key", key, LABEL_KEY, "lower-case letters, digits, '_' or '-', starting with a letter");
    require("runner.dataflow.labels." + key, value, LABEL_VALUE, "lower-case letters, digits, '_' or '-', at most 63");
    Map<String, String> l = new LinkedHashMap<>(labels);
    l.put(key, value);
    return copy(serviceAccountEmail, tempLocation, stagingLocation, maxWorkers, numWorkers, machineType, network,
        subnetwork, privateIpsOnly, l, experiments);
  }

  public DataflowLaunchSettings withExperiment(String experiment) {
    if (experiment == null || experiment.isBlank()) {
      throw new IllegalArgumentException("runner.dataflow.experiments has an empty entry: remove it");
    }
    List<String> e = new ArrayList<>(experiments);
    e.add(experiment.trim());
    return copy(serviceAccountEmail, tempLocation, stagingLocation, maxWorkers, numWorkers, machineType, network,
        subnetwork, privateIpsOnly, labels, e);
  }

  private DataflowLaunchSettings copy(String serviceAccountEmail, String tempLocation, String stagingLocation,
      Integer maxWorkers, Integer numWorkers, String machineType, String network, String subnetwork,
      boolean privateIpsOnly, Map<String, String> labels, List<String> experiments) {
    return new DataflowLaunchSettings(project, region, templateSpecGcsPath, serviceAccountEmail, tempLocation,
        stagingLocation, maxWorkers, numWorkers, machineType, network, subnetwork, privateIpsOnly, labels, experiments);
  }

  private static void require(String setting, String value, Pattern pattern, String expected) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(setting + " is empty: set it to " + expected);
    }
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(setting + " '" + value + "' is not valid: set it to " + expected);
    }
  }

  private static void requirePositive(String setting, int n) {
    if (n < 1) {
      throw new IllegalArgumentException(setting + " is " + n + ": set it to 1 or more");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  public String project() {
    return project;
  }

  public String region() {
    return region;
  }

  public String templateSpecGcsPath() {
    return templateSpecGcsPath;
  }

  public String serviceAccountEmail() {
    return serviceAccountEmail;
  }

  public String tempLocation() {
    return tempLocation;
  }

  public String stagingLocation() {
    return stagingLocation;
  }

  public Integer maxWorkers() {
    return maxWorkers;
  }

  public Integer numWorkers() {
    return numWorkers;
  }

  public String machineType() {
    return machineType;
  }

  public String network() {
    return network;
  }

  public String subnetwork() {
    return subnetwork;
  }

  public boolean privateIpsOnly() {
    return privateIpsOnly;
  }

  public Map<String, String> labels() {
    return labels;
  }

  public List<String> experiments() {
    return experiments;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DataflowLaunchSettings s)) {
      return false;
    }
    return privateIpsOnly == s.privateIpsOnly && project.equals(s.project) && region.equals(s.region)
        && templateSpecGcsPath.equals(s.templateSpecGcsPath)
        && Objects.equals(serviceAccountEmail, s.serviceAccountEmail) && Objects.equals(tempLocation, s.tempLocation)
        && Objects.equals(stagingLocation, s.stagingLocation) && Objects.equals(maxWorkers, s.maxWorkers)
        && Objects.equals(numWorkers, s.numWorkers) && Objects.equals(machineType, s.machineType)
        && Objects.equals(network, s.network) && Objects.equals(subnetwork, s.subnetwork)
        && labels.equals(s.labels) && experiments.equals(s.experiments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(project, region, templateSpecGcsPath, serviceAccountEmail, tempLocation, stagingLocation,
        maxWorkers, numWorkers, machineType, network, subnetwork, privateIpsOnly, labels, experiments);
  }

  @Override
  public String toString() {
    return "DataflowLaunchSettings{project=" + project + ", region=" + region + ", template=" + templateSpecGcsPath + "}";
  }
}

package io.beamconnectors.launcher.config;

import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.launcher.runner.dataflow.DataflowLaunchSettings;
import io.beamconnectors.launcher.runner.dataflow.FlexTemplateLaunches;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.SourceRegistry;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The launcher's config.yml: Elasticsearch, service timings, served connectors, extra sources and
 * the runner. Key names follow the reference's config.yml where they still mean the same; every
 * key, default and meaning is in {@code launcher/config.yml.example}. {@code ${VAR}} and
 * {@code ${VAR:-default}} are replaced from the environment; an unknown key is an error naming it.
 * Defaults live here and only here.
 */
public record LauncherConfig(Elasticsearch elasticsearch, Service service, List<ConnectorEntry> connectors,
    Map<String, String> sources, Runner runner) {

  /** How to reach Elasticsearch; the password or API key may come from BC_ES_PASSWORD / BC_ES_API_KEY. */
  public record Elasticsearch(List<String> hosts, String username, String password, String apiKey,
      String caCerts, String protocol) {

    /** The protocol connection (content index set per job). */
    public ElasticsearchConnection connection() {
      ElasticsearchConnection c = ElasticsearchConnection.of(String.join(",", hosts), null);
      if (apiKey != null && !apiKey.isEmpty()) {
        c = c.withApiKey(apiKey);
      } else if (username != null && !username.isEmpty()) {
        c = c.withBasicAuth(username, password == null ? "" : password);
      }
      if (caCerts != null && !caCerts.isEmpty()) {
        c = c.withCaCertificate(caCerts);
      }
      return c;
    }

    /** The secret the pipeline needs, handed over by reference (env var or file), never as an option. */
    public String credential() {
      if (apiKey != null && !apiKey.isEmpty()) {
        return apiKey;
      }
      return password;
    }

    @Override
    public String toString() {
      return "Elasticsearch{hosts=" + hosts + ", username=" + username + ", protocol=" + protocol + "}";
    }
  }

  /** Loop timings and limits, in seconds. */
  public record Service(Duration idling, Duration heartbeat, int maxConcurrentContentSyncs,
      Duration jobCleanupInterval, Duration idleJobThreshold, Duration jobReportingInterval,
      Duration jobCheckInterval, String logLevel, String workerHostname) {}

  /** A connector this launcher serves (the reference's {@code connectors:} list). */
  public record ConnectorEntry(String connectorId, String serviceType, String apiKey) {
    @Override
    public String toString() {
      return "ConnectorEntry{" + connectorId + ", " + serviceType + (apiKey == null ? "" : ", api_key=********") + "}";
    }
  }

  /** Which runner executes syncs, and each runner's settings ({@code dataflow} is null unless configured). */
  public record Runner(String type, Map<String, Object> direct, Flink flink, Dataflow dataflow) {}

  /**
   * Where flex-template sync jobs are launched, and the Secret Manager secret version holding the
   * Elasticsearch password or API key the pipeline reads on Dataflow (never the secret itself).
   */
  public record Dataflow(DataflowLaunchSettings launch, String esCredentialSecret) {}

  /**
   * A Flink session cluster (REST address), the shaded pipelines jar, the parallelism, and whether
   * that jar is installed in every node's {@code lib/} ({@code jar_installed}): then each job stages
   * a marker of it instead of the jar itself. A master of {@link #EMBEDDED} runs every sync on one
   * embedded Flink cluster inside the launcher's JVM instead: no jar, parallelism the cores by default.
   */
  public record Flink(String master, int parallelism, String jar, boolean jarInstalled) {
    /**
     * Beam's name for an embedded cluster ({@code --flinkMaster=[local]}), which the launcher's
     * config takes; the launcher runs such syncs on its own ({@code EmbeddedFlinkCluster}).
     */
    public static final String EMBEDDED = "[local]";

    public boolean embedded() {
      return EMBEDDED.equals(master);
    }
  }

  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  public static LauncherConfig load(Path file, Map<String, String> env) throws IOException {
    if (!Files.isReadable(file)) {
      throw ConfigurationException.ofSetting("config file '" + file + "' cannot be read: pass --config with the path"
          + " of a config.yml (launcher/config.yml.example lists every key)");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return parse(text, env, file.toString());
  }

  public static LauncherConfig parse(String text, Map<String, String> env, String where) {
    Object root;
    try (Reader r = new java.io.StringReader(text)) {
      // Variables are replaced in the parsed values, so a value with YAML syntax in it stays one string.
      root = expandAll(new Yaml(new SafeConstructor(new LoaderOptions())).load(r), env);
    } catch (IOException | RuntimeException e) {
      String mark = e instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null
          ? " (line " + (m.getProblemMark().getLine() + 1) + ")" : "";
      throw ConfigurationException.ofSetting(where + " is not valid YAML" + mark + ": fix the syntax there");
    }
    Map<String, Object> top = root == null ? Map.of() : map(root, "", where);
    known(top, "", Set.of("elasticsearch", "service", "connectors", "sources", "runner"), where);

    Map<String, Object> es = map(top.get("elasticsearch"), "elasticsearch", where);
    known(es, "elasticsearch.", Set.of("host", "hosts", "username", "password", "api_key", "ca_certs", "protocol"), where);
    List<String> hosts = new ArrayList<>();
    if (es.get("hosts") instanceof List<?> l) {
      l.forEach(h -> hosts.add(String.valueOf(h)));
    } else {
      hosts.add(str(es.getOrDefault("host", "http://127.0.0.1:9200")));
    }
    String password = str(es.get("password"));
    if (password == null || password.isEmpty()) {
      password = env.get("BC_ES_PASSWORD");
    }
    String apiKey = str(es.get("api_key"));
    if ((apiKey == null || apiKey.isEmpty()) && es.get("username") == null) {
      apiKey = env.get("BC_ES_API_KEY");
    }
    String protocol = str(es.getOrDefault("protocol", "direct")).toLowerCase(Locale.ROOT);
    if (!Set.of("direct", "api", "auto").contains(protocol)) {
      throw ConfigurationException.ofSetting(where + ": elasticsearch.protocol '" + protocol + "' is not one of direct, api, auto");
    }
    Elasticsearch elasticsearch = new Elasticsearch(hosts, str(es.get("username")), password, apiKey,
        str(es.get("ca_certs")), protocol);

    Map<String, Object> sv = map(top.get("service"), "service", where);
    known(sv, "service.", Set.of("idling", "heartbeat", "max_concurrent_content_syncs", "job_cleanup_interval",
        "idle_job_threshold", "job_reporting_interval", "job_check_interval", "log_level", "worker_hostname"), where);
    Service service = new Service(
        seconds(sv, "idling", 30, where), seconds(sv, "heartbeat", 300, where),
        (int) number(sv, "max_concurrent_content_syncs", 1, where),
        seconds(sv, "job_cleanup_interval", 300, where), seconds(sv, "idle_job_threshold", 300, where),
        seconds(sv, "job_reporting_interval", 10, where), seconds(sv, "job_check_interval", 5, where),
        str(sv.getOrDefault("log_level", "INFO")).toUpperCase(Locale.ROOT),
        str(sv.getOrDefault("worker_hostname", hostname())));
    if (service.maxConcurrentContentSyncs() < 1) {
      throw ConfigurationException.ofSetting(where + ": service.max_concurrent_content_syncs must be at least 1");
    }

    List<ConnectorEntry> connectors = new ArrayList<>();
    Object cl = top.get("connectors");
    if (cl instanceof List<?> list) {
      int i = 0;
      for (Object o : list) {
        Map<String, Object> c = map(o, "connectors[" + i + "]", where);
        known(c, "connectors[" + i + "].", Set.of("connector_id", "service_type", "api_key"), where);
        String id = str(c.get("connector_id"));
        if (id == null || id.isEmpty()) {
          throw ConfigurationException.ofSetting(where + ": connectors[" + i + "].connector_id is missing: give the id of"
              + " the connector document");
        }
        connectors.add(new ConnectorEntry(id, str(c.get("service_type")), str(c.get("api_key"))));
        i++;
      }
    } else if (cl != null) {
      throw ConfigurationException.ofSetting(where + ": connectors must be a list of {connector_id, service_type, api_key}");
    }

    Map<String, String> sources = new LinkedHashMap<>();
    map(top.get("sources"), "sources", where).forEach((k, v) -> sources.put(k, str(v)));

    Map<String, Object> rn = map(top.get("runner"), "runner", where);
    known(rn, "runner.", Set.of("type", "direct", "flink", "dataflow"), where);
    String type = str(rn.getOrDefault("type", "direct")).toLowerCase(Locale.ROOT);
    if (!Set.of("direct", "flink", "dataflow").contains(type)) {
      throw ConfigurationException.ofSetting(where + ": runner.type '" + type + "' is not one of direct, flink, dataflow");
    }
    Map<String, Object> fl = map(rn.get("flink"), "runner.flink", where);
    known(fl, "runner.flink.", Set.of("master", "parallelism", "jar", "jar_installed"), where);
    String master = str(fl.get("master"));
    boolean embedded = Flink.EMBEDDED.equals(master);
    // Embedded, a job may use every core of the launcher's machine; on a session cluster, one slot
    // unless told otherwise.
    int defaultParallelism = embedded ? Runtime.getRuntime().availableProcessors() : 1;
    Flink flink = new Flink(master, (int) number(fl, "parallelism", defaultParallelism, where), str(fl.get("jar")),
        flag(fl, "jar_installed", "runner.flink.", where));
    if (type.equals("flink") && embedded && flink.jarInstalled()) {
      throw ConfigurationException.ofSetting(where + ": runner.flink.jar_installed is for a session cluster, but"
          + " runner.flink.master is " + Flink.EMBEDDED + " (embedded Flink runs in the launcher's JVM and stages"
          + " nothing): remove runner.flink.jar_installed");
    }
    String flinkConfDir = env.get("FLINK_CONF_DIR");
    if (type.equals("flink") && embedded && flinkConfDir != null && !flinkConfDir.isBlank()
        && !Files.isDirectory(Path.of(flinkConfDir))) {
      // Flink's classes read it once per JVM (FileOutputFormat's static set-up): the first embedded
      // sync would fail deep inside Flink, and every later one with NoClassDefFoundError.
      throw ConfigurationException.ofSetting(where + ": runner.flink.master is " + Flink.EMBEDDED + ", and embedded Flink"
          + " reads the environment variable FLINK_CONF_DIR, which names '" + flinkConfDir + "', not a folder:"
          + " point it at a Flink configuration folder, or unset it");
    }
    if (type.equals("flink") && !embedded && (flink.master() == null || flink.jar() == null)) {
      throw ConfigurationException.ofSetting(where + ": runner.type is flink but runner.flink.master or runner.flink.jar"
          + " is missing: set the session cluster's REST address (host:port) and the shaded pipelines jar, or"
          + " runner.flink.master: \"" + Flink.EMBEDDED + "\" to run Flink inside the launcher");
    }
    Dataflow dataflow = null;
    Map<String, Object> df = map(rn.get("dataflow"), "runner.dataflow", where);
    if (type.equals("dataflow") || !df.isEmpty()) {
      dataflow = dataflow(df, elasticsearch, where);
    }
    Runner runner = new Runner(type, map(rn.get("direct"), "runner.direct", where), flink, dataflow);
    return new LauncherConfig(elasticsearch, service, List.copyOf(connectors), Map.copyOf(sources), runner);
  }

  /** A true/false key, false when absent; anything else is refused rather than read as false. */
  private static boolean flag(Map<String, Object> m, String key, String prefix, String where) {
    Object v = m.get(key);
    if (v == null || v instanceof Boolean) {
      return Boolean.TRUE.equals(v);
    }
    String s = str(v).trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return s.equals("true");
    }
    throw ConfigurationException.ofSetting(where + ": " + prefix + key + " is '" + v + "': set true or false");
  }

  private static final Set<String> DATAFLOW_KEYS = Set.of("project", "region", "template_location", "service_account",
      "temp_location", "staging_location", "max_workers", "num_workers", "machine_type", "network", "subnetwork",
      "private_ips_only", "labels", "experiments", "es_credential_secret");

  /** The {@code runner.dataflow} section; the settings' own checks name the key and the fix. */
  private static Dataflow dataflow(Map<String, Object> df, Elasticsearch es, String where) {
    known(df, "runner.dataflow.", DATAFLOW_KEYS, where);
    try {
      DataflowLaunchSettings s = DataflowLaunchSettings.of(str(df.get("project")), str(df.get("region")),
          str(df.get("template_location")));
      if (df.get("service_account") != null) {
        s = s.withServiceAccountEmail(str(df.get("service_account")));
      }
      if (df.get("temp_location") != null) {
        s = s.withTempLocation(str(df.get("temp_location")));
      }
      if (df.get("staging_location") != null) {
        s = s.withStagingLocation(str(df.get("staging_location")));
      }
      if (df.get("num_workers") != null) {
        s = s.withNumWorkers(whole(df, "num_workers", where));
      }
      if (df.get("max_workers") != null) {
        s = s.withMaxWorkers(whole(df, "max_workers", where));
      }
      if (df.get("machine_type") != null) {
        s = s.withMachineType(str(df.get("machine_type")));
      }
      if (df.get("network") != null || df.get("subnetwork") != null) {
        s = s.withNetwork(str(df.get("network")), str(df.get("subnetwork")));
      }
      if (df.get("private_ips_only") != null) {
        s = s.withPrivateIpsOnly(flag(df, "private_ips_only", "runner.dataflow.", where));
      }
      for (Map.Entry<String, Object> l : map(df.get("labels"), "runner.dataflow.labels", where).entrySet()) {
        s = s.withLabel(l.getKey(), str(l.getValue()));
      }
      if (df.get("experiments") instanceof List<?> list) {
        for (Object e : list) {
          s = s.withExperiment(str(e));
        }
      } else if (df.get("experiments") != null) {
        throw new IllegalArgumentException("runner.dataflow.experiments must be a list of experiment names");
      }
      String secret = str(df.get("es_credential_secret"));
      boolean hasCredential = es.credential() != null && !es.credential().isEmpty();
      if (secret != null && !FlexTemplateLaunches.SECRET_VERSION_NAME.matcher(secret).matches()) {
        // Never quote the value: it may be the secret itself.
        throw new IllegalArgumentException("runner.dataflow.es_credential_secret is not a Secret Manager secret version"
            + " name: give projects/PROJECT/secrets/NAME/versions/VERSION, never the password or key itself");
      }
      if (secret == null && hasCredential) {
        throw new IllegalArgumentException("runner.dataflow.es_credential_secret is missing: a pipeline on Dataflow"
            + " reads the Elasticsearch " + (es.apiKey() != null && !es.apiKey().isEmpty() ? "API key" : "password")
            + " from Secret Manager; store it there and set the secret version name (projects/P/secrets/S/versions/V)");
      }
      return new Dataflow(s, secret);
    } catch (IllegalArgumentException e) {
      throw ConfigurationException.ofSetting(where + ": " + e.getMessage());
    }
  }

  private static int whole(Map<String, Object> m, String key, String where) {
    double d = number(m, key, 0, where);
    if (d != Math.rint(d)) {
      throw ConfigurationException.ofSetting(where + ": runner.dataflow." + key + " '" + m.get(key) + "' is not a whole number");
    }
    return (int) d;
  }

  /** The source registry: built-in sources plus config.yml's {@code sources}. */
  public SourceRegistry sourceRegistry() {
    return SourceRegistry.withSources(sources);
  }

  /** The connector's own API key for its content index ({@code connectors[].api_key}), or null. */
  public String connectorApiKey(String connectorId) {
    for (ConnectorEntry c : connectors) {
      if (c.connectorId().equals(connectorId) && c.apiKey() != null && !c.apiKey().isEmpty()) {
        return c.apiKey();
      }
    }
    return null;
  }

  /** Every secret of this configuration (Elasticsearch credentials, connector API keys), to keep out of messages. */
  public List<String> secrets() {
    List<String> out = new ArrayList<>(elasticsearch.connection().secrets());
    connectors.stream().map(ConnectorEntry::apiKey).filter(k -> k != null && !k.isEmpty()).forEach(out::add);
    return out;
  }

  /** Connector ids this launcher serves, or null when it serves every connector of a known service type. */
  public List<String> servedConnectorIds() {
    return connectors.isEmpty() ? null : connectors.stream().map(ConnectorEntry::connectorId).toList();
  }

  private static Object expandAll(Object node, Map<String, String> env) {
    if (node instanceof String s) {
      return expand(s, env);
    }
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), expandAll(v, env)));
      return out;
    }
    if (node instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(expandAll(v, env)));
      return out;
    }
    return node;
  }

  private static String expand(String text, Map<String, String> env) {
    Matcher m = VAR.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null || v.isEmpty()) {
        v = m.group(2) != null ? m.group(2) : "";
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String key, String where) {
    if (o == null) {
      return Map.of();
    }
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw ConfigurationException.ofSetting(where + ": " + key + " must be a mapping of keys to values");
  }

  private static void known(Map<String, Object> m, String prefix, Set<String> keys, String where) {
    for (String k : m.keySet()) {
      if (!keys.contains(k)) {
        throw ConfigurationException.ofSetting(where + ": unknown key '" + prefix + k + "': use one of " + new java.util.TreeSet<>(keys)
            + " (launcher/config.yml.example lists every key)");
      }
    }
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  private static double number(Map<String, Object> m, String key, double dflt, String where) {
    Object o = m.get(key);
    if (o == null || (o instanceof String s && s.isBlank())) {
      return dflt;
    }
    try {
      return o instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(o).trim());
    } catch (NumberFormatException e) {
      throw ConfigurationException.ofSetting(where + ": " + key + " '" + o + "' is not a number");
    }
  }

  private static Duration seconds(Map<String, Object> m, String key, double dflt, String where) {
    double s = number(m, key, dflt, where);
    if (s <= 0) {
      throw ConfigurationException.ofSetting(where + ": service." + key + " must be more than 0 seconds, was " + s);
    }
    return Duration.ofMillis(Math.round(s * 1000));
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}

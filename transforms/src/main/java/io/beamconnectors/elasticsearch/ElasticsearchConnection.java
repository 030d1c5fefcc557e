package io.beamconnectors.elasticsearch;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import io.beamconnectors.deployment.InstalledJar;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.display.HasDisplayData;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * Where and how to reach Elasticsearch, and which content index to mirror into. An immutable,
 * serializable spec (it travels to workers) built from {@link #of} with checked {@code with*}
 * methods whose messages name the option; the defaults are the constants below. Auth: basic, API
 * key or bearer token (the first set of API key, bearer token, basic wins); TLS trust from a PEM
 * CA file. {@link #toString()} and {@link #populateDisplayData} never show the password, API key
 * or token.
 *
 * @param urls base URLs, e.g. {@code https://127.0.0.1:9200}, without trailing slashes
 * @param index the content index, or null for a connection whose index is set per job
 * @param username basic auth user, or null
 * @param password basic auth password, or null
 * @param apiKey the encoded API key, or null
 * @param bearerToken a bearer token, or null
 * @param caCertificatePath a PEM file of the CAs to trust, or null for the JVM's trust store
 * @param socketTimeoutMs how long one response may take
 */
public record ElasticsearchConnection(List<String> urls, String index, String username, String password,
    String apiKey, String bearerToken, String caCertificatePath, int socketTimeoutMs)
    implements Serializable, HasDisplayData {
  private static final long serialVersionUID = 2L;
  /** Default of {@link #socketTimeoutMs}: a bulk request of large documents may take a while. */
  public static final int DEFAULT_SOCKET_TIMEOUT_MS = 120_000;
  /** How long connecting may take. */
  public static final int CONNECT_TIMEOUT_MS = 10_000;

  public ElasticsearchConnection {
    checkArgument(urls != null && !urls.isEmpty(), "Elasticsearch URL is empty: set --esUrl, e.g. http://127.0.0.1:9200");
    urls = List.copyOf(urls);
    for (String u : urls) {
      checkArgument(isHostUrl(u), "Elasticsearch URL (--esUrl) must be http(s)://host[:port], without user or"
          + " password: got '%s'", u.contains("@") ? "<hidden: it holds a user part>" : u);
    }
    checkArgument(index == null || !index.isBlank(), "Elasticsearch index (--esIndex) cannot be blank: set the"
        + " content index name, e.g. search-postgresql");
    checkArgument(username == null || !username.isBlank(), "Elasticsearch username (--esUsername) cannot be blank");
    checkArgument(username == null || password != null, "Elasticsearch password (BC_ES_PASSWORD) cannot be null with"
        + " username '%s': use \"\" for none", username);
    checkArgument(apiKey == null || !apiKey.isBlank(), "Elasticsearch API key (BC_ES_API_KEY) cannot be blank");
    checkArgument(bearerToken == null || !bearerToken.isBlank(),
        "Elasticsearch bearer token (BC_ES_BEARER_TOKEN) cannot be blank");
    checkArgument(caCertificatePath == null || !caCertificatePath.isBlank(),
        "Elasticsearch CA certificate (--esCaCertificate) cannot be blank: give a PEM file's path");
    checkArgument(socketTimeoutMs > 0, "Elasticsearch socket timeout must be positive, got %s ms", socketTimeoutMs);
  }

  private static boolean isHostUrl(String url) {
    if (url == null || url.isBlank() || url.contains("@")) {
      return false;
    }
    try {
      HttpHost host = HttpHost.create(url);
      return host.getHostName() != null && !host.getHostName().isEmpty()
          && (host.getSchemeName().equals("http") || host.getSchemeName().equals("https"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** @param urls comma-separated or single base URLs, e.g. {@code http://127.0.0.1:9200} */
  public static ElasticsearchConnection of(String urls, String index) {
    checkArgument(urls != null, "Elasticsearch URL is empty: set --esUrl, e.g. http://127.0.0.1:9200");
    List<String> list = new ArrayList<>();
    for (String u : urls.split(",")) {
      if (!u.isBlank()) {
        list.add(u.trim().replaceAll("/+$", ""));
      }
    }
    return new ElasticsearchConnection(list, index, null, null, null, null, null, DEFAULT_SOCKET_TIMEOUT_MS);
  }

  public ElasticsearchConnection withIndex(String v) {
    checkArgument(v != null, "Elasticsearch index (--esIndex) cannot be null");
    return with(c -> c.index = v);
  }

  public ElasticsearchConnection withBasicAuth(String user, String pass) {
    checkArgument(user != null, "Elasticsearch username (--esUsername) cannot be null");
    return with(c -> {
      c.username = user;
      c.password = pass;
    });
  }

  /** The encoded API key (the base64 {@code id:api_key} form Elasticsearch returns as "encoded"). */
  public ElasticsearchConnection withApiKey(String v) {
    checkArgument(v != null, "Elasticsearch API key (BC_ES_API_KEY) cannot be null");
    return with(c -> c.apiKey = v);
  }

  public ElasticsearchConnection withBearerToken(String v) {
    checkArgument(v != null, "Elasticsearch bearer token (BC_ES_BEARER_TOKEN) cannot be null");
    return with(c -> c.bearerToken = v);
  }

  public ElasticsearchConnection withCaCertificate(String pemPath) {
    checkArgument(pemPath != null, "Elasticsearch CA certificate (--esCaCertificate) cannot be null");
    return with(c -> c.caCertificatePath = pemPath);
  }

  public ElasticsearchConnection withSocketTimeoutMs(int v) {
    return with(c -> c.socketTimeoutMs = v);
  }

  /** A copy with {@code change} applied, checked by the canonical constructor. */
  private ElasticsearchConnection with(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new ElasticsearchConnection(urls, c.index, c.username, c.password, c.apiKey, c.bearerToken,
        c.caCertificatePath, c.socketTimeoutMs);
  }

  /** The changeable components while one {@code with*} changes them. */
  private static final class Copy {
    String index;
    String username;
    String password;
    String apiKey;
    String bearerToken;
    String caCertificatePath;
    int socketTimeoutMs;

    Copy(ElasticsearchConnection e) {
      index = e.index;
      username = e.username;
      password = e.password;
      apiKey = e.apiKey;
      bearerToken = e.bearerToken;
      caCertificatePath = e.caCertificatePath;
      socketTimeoutMs = e.socketTimeoutMs;
    }
  }

  /** Which kind of auth is used, without its secret: api-key, bearer, basic(user) or none. */
  public String authKind() {
    return apiKey != null ? "api-key" : bearerToken != null ? "bearer" : username != null ? "basic(" + username + ")" : "none";
  }

  /** The URLs, index, auth kind (no secret), CA path and timeout. */
  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    builder.add(DisplayData.item("esUrls", String.join(",", urls)).withLabel("Elasticsearch URLs"))
        .addIfNotNull(DisplayData.item("esIndex", index).withLabel("Content index"))
        .add(DisplayData.item("esAuth", authKind()).withLabel("Elasticsearch auth"))
        .addIfNotNull(DisplayData.item("esCaCertificate", caCertificatePath).withLabel("CA certificate"))
        .add(DisplayData.item("esSocketTimeoutMs", socketTimeoutMs).withLabel("Socket timeout (ms)"));
  }

  /** Secret values of this connection, for redaction of messages. */
  public List<String> secrets() {
    List<String> s = new ArrayList<>();
    for (String v : new String[] {password, apiKey, bearerToken}) {
      if (v != null && !v.isEmpty()) {
        s.add(v);
      }
    }
    return s;
  }

  private Header[] authHeaders() {
    List<Header> headers = new ArrayList<>();
    if (apiKey != null && !apiKey.isEmpty()) {
      headers.add(new BasicHeader("Authorization", "ApiKey " + apiKey));
    } else if (bearerToken != null && !bearerToken.isEmpty()) {
      headers.add(new BasicHeader("Authorization", "Bearer " + bearerToken));
    } else if (username != null && !username.isEmpty()) {
      String basic = Base64.getEncoder()
          .encodeToString((username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
      headers.add(new BasicHeader("Authorization", "Basic " + basic));
    }
    return headers.toArray(new Header[0]);
  }

  /**
   * A low-level client; the caller closes it (open in {@code @Setup}, close in {@code @Teardown}).
   * Every worker step that reads the index, looks ids up or writes opens one first, so this is where
   * a job built for a jar installed on the cluster checks that the cluster holds that jar
   * ({@link InstalledJar#verifyWorker}): before anything is written or deleted.
   */
  public RestClient createClient() {
    return createClient(RestClientBuilder.DEFAULT_MAX_CONN_PER_ROUTE);
  }

  /**
   * {@link #createClient()}, with room for {@code requestsAtOnce} requests in flight to one node.
   * The REST client keeps at most 10 connections to a node (30 in all) unless told otherwise, and
   * queues what is beyond them; a step that keeps more requests out (its bulk requests, its
   * lookups) would be held to 10 without a word. Never fewer than those defaults.
   */
  public RestClient createClient(int requestsAtOnce) {
    checkArgument(requestsAtOnce >= 1, "requestsAtOnce must be at least 1, got %s", requestsAtOnce);
    InstalledJar.verifyWorker();
    HttpHost[] hosts = urls.stream().map(HttpHost::create).toArray(HttpHost[]::new);
    int perNode = Math.max(RestClientBuilder.DEFAULT_MAX_CONN_PER_ROUTE, requestsAtOnce);
    int total = Math.max(RestClientBuilder.DEFAULT_MAX_CONN_TOTAL, perNode * hosts.length);
    SSLContext ssl = caCertificatePath != null && !caCertificatePath.isEmpty() ? sslContext() : null;
    return RestClient.builder(hosts)
        .setDefaultHeaders(authHeaders())
        .setRequestConfigCallback(rc -> rc.setConnectTimeout(CONNECT_TIMEOUT_MS).setSocketTimeout(socketTimeoutMs))
        .setHttpClientConfigCallback(h -> {
          h.setMaxConnPerRoute(perNode).setMaxConnTotal(total);
          return ssl == null ? h : h.setSSLContext(ssl);
        })
        .build();
  }

  private SSLContext sslContext() {
    try (InputStream in = new FileInputStream(caCertificatePath)) {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : cf.generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "Cannot read the Elasticsearch CA certificate at '" + caCertificatePath
              + "' (" + e.getMessage() + "): point --esCaCertificate at a PEM file", e);
    }
  }

  /** The same connection for Beam's ElasticsearchIO writes. */
  public ElasticsearchIO.ConnectionConfiguration toBeam() {
    ElasticsearchIO.ConnectionConfiguration c =
        ElasticsearchIO.ConnectionConfiguration.create(urls.toArray(new String[0]), index)
            .withSocketTimeout(socketTimeoutMs)
            .withConnectTimeout(CONNECT_TIMEOUT_MS);
    if (apiKey != null && !apiKey.isEmpty()) {
      c = c.withApiKey(apiKey);
    } else if (bearerToken != null && !bearerToken.isEmpty()) {
      c = c.withBearerToken(bearerToken);
    } else if (username != null && !username.isEmpty()) {
      c = c.withUsername(username).withPassword(password == null ? "" : password);
    }
    // Beam's IO trusts the JVM's trust store only (it takes a keystore path, not a PEM CA); where it
    // writes (Dataflow's first round) a private CA must be in the workers' JVM trust store.
    // Documented in docs/architecture.md.
    return c;
  }

  @Override
  public String toString() {
    return "ElasticsearchConnection{" + urls + ", index=" + index + ", auth=" + authKind() + "}";
  }
}

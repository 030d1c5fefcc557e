package io.beamconnectors.elasticsearch;

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
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * Where and how to reach Elasticsearch, and which content index to mirror into. Immutable and
 * serializable (it travels to workers); {@link #toString()} never shows credentials. Auth: basic,
 * API key or bearer token; TLS trust from a PEM CA file.
 */
public final class ElasticsearchConnection implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int DEFAULT_SOCKET_TIMEOUT_MS = 120_000;
  private static final int DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

  private final List<String> urls;
  private final String index;
  private final String username;
  private final String password;
  private final String apiKey;
  private final String bearerToken;
  private final String caCertificatePath;
  private final int socketTimeoutMs;

  private ElasticsearchConnection(
      List<String> urls,
      String index,
      String username,
      String password,
      String apiKey,
      String bearerToken,
      String caCertificatePath,
      int socketTimeoutMs) {
    this.urls = List.copyOf(urls);
    this.index = index;
    this.username = username;
    this.password = password;
    this.apiKey = apiKey;
    this.bearerToken = bearerToken;
    this.caCertificatePath = caCertificatePath;
    this.socketTimeoutMs = socketTimeoutMs;
  }

  /** @param urls comma-separated or single base URLs, e.g. {@code http://127.0.0.1:9200} */
  public static ElasticsearchConnection of(String urls, String index) {
    List<String> list = new ArrayList<>();
    for (String u : Objects.requireNonNull(urls, "urls").split(",")) {
      if (!u.isBlank()) {
        list.add(u.trim().replaceAll("/+$", ""));
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("Elasticsearch URL is empty: set --esUrl, e.g. http://127.0.0.1:9200");
    }
    return new ElasticsearchConnection(list, index, null, null, null, null, null, DEFAULT_SOCKET_TIMEOUT_MS);
  }

  public ElasticsearchConnection withIndex(String v) {
    return new ElasticsearchConnection(urls, v, username, password, apiKey, bearerToken, caCertificatePath, socketTimeoutMs);
  }

  public ElasticsearchConnection withBasicAuth(String user, String pass) {
    return new ElasticsearchConnection(urls, index, user, pass, apiKey, bearerToken, caCertificatePath, socketTimeoutMs);
  }

  /** The encoded API key (the base64 {@code id:api_key} form Elasticsearch returns as "encoded"). */
  public ElasticsearchConnection withApiKey(String v) {
    return new ElasticsearchConnection(urls, index, username, password, v, bearerToken, caCertificatePath, socketTimeoutMs);
  }

  public ElasticsearchConnection withBearerToken(String v) {
    return new ElasticsearchConnection(urls, index, username, password, apiKey, v, caCertificatePath, socketTimeoutMs);
  }

  public ElasticsearchConnection withCaCertificate(String pemPath) {
    return new ElasticsearchConnection(urls, index, username, password, apiKey, bearerToken, pemPath, socketTimeoutMs);
  }

  public ElasticsearchConnection withSocketTimeoutMs(int v) {
    return new ElasticsearchConnection(urls, index, username, password, apiKey, bearerToken, caCertificatePath, v);
  }

  public List<String> urls() {
    return urls;
  }

  public String index() {
    return index;
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

  /** A low-level client; the caller closes it (open in {@code @Setup}, close in {@code @Teardown}). */
  public RestClient createClient() {
    HttpHost[] hosts = urls.stream().map(HttpHost::create).toArray(HttpHost[]::new);
    RestClientBuilder b = RestClient.builder(hosts)
        .setDefaultHeaders(authHeaders())
        .setRequestConfigCallback(rc -> rc.setConnectTimeout(DEFAULT_CONNECT_TIMEOUT_MS).setSocketTimeout(socketTimeoutMs));
    if (caCertificatePath != null && !caCertificatePath.isEmpty()) {
      SSLContext ssl = sslContext();
      b.setHttpClientConfigCallback(h -> h.setSSLContext(ssl));
    }
    return b.build();
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
            .withConnectTimeout(DEFAULT_CONNECT_TIMEOUT_MS);
    if (apiKey != null && !apiKey.isEmpty()) {
      c = c.withApiKey(apiKey);
    } else if (bearerToken != null && !bearerToken.isEmpty()) {
      c = c.withBearerToken(bearerToken);
    } else if (username != null && !username.isEmpty()) {
      c = c.withUsername(username).withPassword(password == null ? "" : password);
    }
    // Beam's IO trusts the JVM's trust store only (it takes a keystore path, not a PEM CA); a private
    // CA must be in the workers' JVM trust store for writes. Documented in docs/configuration.md.
    return c;
  }

  @Override
  public String toString() {
    String auth = apiKey != null ? "api-key" : bearerToken != null ? "bearer" : username != null ? "basic(" + username + ")" : "none";
    return "ElasticsearchConnection{" + urls + ", index=" + index + ", auth=" + auth + "}";
  }
}

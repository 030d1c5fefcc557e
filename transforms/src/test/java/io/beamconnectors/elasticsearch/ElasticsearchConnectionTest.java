package io.beamconnectors.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.jupiter.api.Test;

class ElasticsearchConnectionTest {
  private static final String PASSWORD = "pa55-W0rd";
  private static final String API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";
  private static final String TOKEN = "dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu";

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void defaultsAreInOnePlace() {
    ElasticsearchConnection c = ElasticsearchConnection.of(" https://es1:9200/, http://[::1]:9201 ", "search-x");
    assertEquals(List.of("https://es1:9200", "http://[::1]:9201"), c.urls());
    assertEquals("search-x", c.index());
    assertEquals(ElasticsearchConnection.DEFAULT_SOCKET_TIMEOUT_MS, c.socketTimeoutMs());
    assertEquals("none", c.authKind());
    assertEquals(List.of(), c.secrets());
  }

  @Test
  void aClientIsForAtLeastOneRequestAndReadsTheCaCertificateItIsGiven() {
    ElasticsearchConnection c = ElasticsearchConnection.of("https://127.0.0.1:9200", "idx");
    assertTrue(message(() -> c.createClient(0)).contains("requestsAtOnce"));
    String missing = "/nonexistent/ca-" + System.nanoTime() + ".pem";
    assertTrue(message(() -> c.withCaCertificate(missing).createClient(14)).contains("--esCaCertificate"));
  }

  @Test
  void everyWithIsCheckedAndItsMessageNamesTheOption() {
    ElasticsearchConnection c = ElasticsearchConnection.of("http://127.0.0.1:9200", "idx");
    assertTrue(message(() -> ElasticsearchConnection.of(" , ", "idx")).contains("--esUrl"));
    assertTrue(message(() -> ElasticsearchConnection.of(null, "idx")).contains("--esUrl"));
    assertTrue(message(() -> ElasticsearchConnection.of("ftp://h:21", "idx")).contains("--esUrl"));
    assertTrue(message(() -> ElasticsearchConnection.of("http://h:92x0", "idx")).contains("--esUrl"));
    String withUser = message(() -> ElasticsearchConnection.of("https://elastic:" + PASSWORD + "@h:9200", "idx"));
    assertTrue(withUser.contains("--esUrl") && !withUser.contains(PASSWORD), withUser);
    assertTrue(message(() -> c.withIndex(" ")).contains("--esIndex"));
    assertTrue(message(() -> c.withBasicAuth("", PASSWORD)).contains("--esUsername"));
    assertTrue(message(() -> c.withBasicAuth("elastic", null)).contains("BC_ES_PASSWORD"));
    assertTrue(message(() -> c.withApiKey(" ")).contains("BC_ES_API_KEY"));
    assertTrue(message(() -> c.withBearerToken("")).contains("BC_ES_BEARER_TOKEN"));
    assertTrue(message(() -> c.withCaCertificate("")).contains("--esCaCertificate"));
    assertTrue(message(() -> c.withSocketTimeoutMs(0)).contains("timeout"));
    assertEquals(5_000, c.withSocketTimeoutMs(5_000).socketTimeoutMs());
    assertEquals("other", c.withIndex("other").index());
    assertEquals("idx", c.index(), "immutable: a with* returns a copy");
  }

  @Test
  void noSecretInToStringDisplayDataOrSerializedCopy() {
    for (ElasticsearchConnection c : List.of(
        ElasticsearchConnection.of("http://127.0.0.1:9200", "idx").withBasicAuth("elastic", PASSWORD),
        ElasticsearchConnection.of("http://127.0.0.1:9200", "idx").withApiKey(API_KEY).withCaCertificate("/ca.pem"),
        ElasticsearchConnection.of("http://127.0.0.1:9200", null).withBearerToken(TOKEN))) {
      String shown = c + " " + DisplayData.from(c);
      for (String secret : List.of(PASSWORD, API_KEY, TOKEN)) {
        assertFalse(shown.contains(secret), shown);
      }
      assertTrue(shown.contains("http://127.0.0.1:9200"), shown);
      assertEquals(c, SerializableUtils.ensureSerializable(c));
    }
    ElasticsearchConnection basic = ElasticsearchConnection.of("http://127.0.0.1:9200", "idx").withBasicAuth("elastic",
        PASSWORD);
    assertEquals("basic(elastic)", basic.authKind());
    assertEquals(List.of(PASSWORD), basic.secrets(), "secrets() is what messages are redacted with");
    assertTrue(DisplayData.from(basic).toString().contains("idx"));
    assertEquals("api-key", basic.withApiKey(API_KEY).authKind(), "an API key wins over basic auth");
  }
}

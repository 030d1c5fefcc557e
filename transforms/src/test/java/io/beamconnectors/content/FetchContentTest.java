package io.beamconnectors.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/** The content step on its own: modes, size cap, extension list, download failures. */
class FetchContentTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Failure injection a real server can't give on demand: serves bytes from memory, fails "broken/..." paths. */
  static final class FakeInMemoryFetcher implements ContentFetcher {
    private static final long serialVersionUID = 1L;
    private final Map<String, byte[]> files;

    FakeInMemoryFetcher(Map<String, byte[]> files) {
      this.files = new HashMap<>(files);
    }

    @Override
    public Reader open() {
      return new Reader() {
        @Override
        public InputStream read(ContentRef ref) throws IOException {
          if (ref.location().startsWith("broken/")) {
            throw new IOException("connection reset while reading " + ref.location());
          }
          return new ByteArrayInputStream(files.get(ref.location()));
        }

        @Override
        public void close() {}
      };
    }
  }

  private static SourceRecord file(String path, long size) {
    return SourceRecord.of(path, "t", Scope.of("share"), "{\"title\":\"" + path + "\"}")
        .withContent(new ContentRef(path, path, size));
  }

  /** Assertions on the documents by id, run inside the pipeline (PAssert) so any runner can check them. */
  interface Check extends java.io.Serializable {
    void verify(Map<String, JsonNode> docsById);
  }

  private static void run(ContentSettings settings, Map<String, byte[]> files, List<SourceRecord> records, Check check) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollection<String> docs = p.apply(Create.of(records).withCoder(SourceRecordCoder.of()))
        .apply(FetchContent.using(new FakeInMemoryFetcher(files), settings, "2024-01-01T00:00:00+00:00"));
    PAssert.that(docs).satisfies(all -> {
      Map<String, JsonNode> byId = new HashMap<>();
      for (String d : all) {
        try {
          JsonNode n = JSON.readTree(d);
          byId.put(n.path("id").asText(), n);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
      check.verify(byId);
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void extractModeFillsBodyAndRecordsProblemsWithoutFailing() {
    byte[] hello = "Hello   content\n world".getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> files = Map.of("a.txt", hello, "big.txt", new byte[2048], "photo.jpg", new byte[10]);
    run(ContentSettings.defaults().withMaxFileSizeBytes(1024), files, List.of(
        file("a.txt", hello.length), file("big.txt", 2048), file("photo.jpg", 10), file("broken/b.txt", 5),
        SourceRecord.of("folder", "t", Scope.of("share"), "{\"type\":\"folder\"}")), docs -> {
    assertEquals("Hello content world", docs.get("a.txt").path("body").asText());
    assertEquals("a.txt", docs.get("a.txt").path("title").asText(), "metadata kept");
    assertTrue(docs.get("big.txt").path("_content_error").asText().contains("larger than the 1024 byte limit"));
    assertFalse(docs.get("photo.jpg").has("body"), "not in the extension list: not fetched");
    assertFalse(docs.get("photo.jpg").has("_content_error"));
    assertTrue(docs.get("broken/b.txt").path("_content_error").asText().startsWith("download failed: IOException"));
    assertEquals("folder", docs.get("folder").path("type").asText());
    assertEquals(5, docs.size(), "every record is indexed, content or not");
    });
  }

  @Test
  void attachmentModeSendsBase64AndNoneModeFetchesNothing() {
    byte[] bytes = "raw bytes".getBytes(StandardCharsets.UTF_8);
    String expected = Base64.getEncoder().encodeToString(bytes);
    run(ContentSettings.defaults().withMode(ContentSettings.Mode.ATTACHMENT),
        Map.of("a.txt", bytes), List.of(file("a.txt", bytes.length)), attached -> {
          assertEquals(expected, attached.get("a.txt").path("_attachment").asText());
          assertFalse(attached.get("a.txt").has("body"));
        });
    run(ContentSettings.defaults().withMode(ContentSettings.Mode.NONE),
        Map.of(), List.of(file("broken/a.txt", 3)), none -> {
          assertFalse(none.get("broken/a.txt").has("body"));
          assertFalse(none.get("broken/a.txt").has("_content_error"), "NONE never touches the file");
        });
  }

  @Test
  void extensionsMatchCaseSensitivelyAsTheReference() {
    byte[] b = "x".getBytes(StandardCharsets.UTF_8);
    run(ContentSettings.defaults().withExtensions(Set.of(".txt")),
        Map.of("A.TXT", b, "a.txt", b), List.of(file("A.TXT", 1), file("a.txt", 1)), docs -> {
          assertFalse(docs.get("A.TXT").has("body"));
          assertEquals("x", docs.get("a.txt").path("body").asText());
        });
  }

  @Test
  void aFailureThatMayPassIsStoredForRetryAndAPermanentOneIsNot() {
    byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] corrupt = "%PDF-1.7 broken".getBytes(StandardCharsets.US_ASCII);
    SourceRecord ok = file("a.txt", hello.length);
    SourceRecord big = file("big.txt", 2048);
    SourceRecord broken = file("bad.pdf", corrupt.length);
    String okToken = io.beamconnectors.elasticsearch.StoredToken.of(ok);
    String bigToken = io.beamconnectors.elasticsearch.StoredToken.of(big);
    String brokenToken = io.beamconnectors.elasticsearch.StoredToken.of(broken);
    run(ContentSettings.defaults().withMaxFileSizeBytes(1024),
        Map.of("a.txt", hello, "big.txt", new byte[2048], "bad.pdf", corrupt),
        List.of(ok, big, broken, file("broken/flaky.txt", 5)), docs -> {
          assertEquals(okToken, docs.get("a.txt").path("_token").asText());
          // Too large, or bytes Tika cannot parse: the same answer next time, so the real token.
          assertEquals(bigToken, docs.get("big.txt").path("_token").asText());
          assertEquals(brokenToken, docs.get("bad.pdf").path("_token").asText());
          assertTrue(docs.get("bad.pdf").path("_content_error").asText().startsWith("text extraction failed"));
          // A download that failed may work next time: a token that matches nothing.
          assertEquals(io.beamconnectors.elasticsearch.StoredToken.RETRY, docs.get("broken/flaky.txt").path("_token").asText());
          assertEquals("2024-01-01T00:00:00+00:00", docs.get("broken/flaky.txt").path("_timestamp").asText(),
              "a record without a time gets the sync's start");
        });
  }
}

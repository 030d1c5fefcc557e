package io.beamconnectors.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.metrics.CounterTotals;
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
import io.beamconnectors.metrics.SyncCounters;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/** The content step on its own: modes, size cap, extension list, download failures. */
class FetchContentTest {
  /** Refuses a key given twice in one object, as Elasticsearch does. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

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

  private static SourceRecord folder() {
    return SourceRecord.of("folder", "t", Scope.of("share"), "{\"type\":\"folder\"}");
  }

  /** Assertions on the documents by id, run inside the pipeline (PAssert) so any runner can check them. */
  interface Check extends java.io.Serializable {
    void verify(Map<String, JsonNode> docsById);
  }

  private static PipelineResult run(ContentSettings settings, Map<String, byte[]> files, List<SourceRecord> records,
      Check check) {
    return run(new FakeInMemoryFetcher(files), settings, records, check);
  }

  private static PipelineResult run(ContentFetcher fetcher, ContentSettings settings, List<SourceRecord> records,
      Check check) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollection<String> docs = p.apply(Create.of(records).withCoder(SourceRecordCoder.of()))
        // Not spread: on the DirectRunner a Reshuffle makes nearly every file a bundle of its own,
        // and these tests look at what one DoFn instance does within a bundle.
        .apply(FetchContent.using(fetcher, settings, "2024-01-01T00:00:00+00:00").withSpreadDownloads(false));
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
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return result;
  }

  private static long counter(PipelineResult result, String name) {
    return CounterTotals.of(result, SyncCounters.NAMESPACE, name);
  }

  @Test
  void extractModeFillsBodyAndRecordsProblemsWithoutFailing() {
    byte[] hello = "Hello   content\n world".getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> files = Map.of("a.txt", hello, "big.txt", new byte[2048], "photo.jpg", new byte[10],
        "empty.txt", new byte[0]);
    run(ContentSettings.defaults().withMaxFileSizeBytes(1024), files, List.of(
        file("a.txt", hello.length), file("big.txt", 2048), file("photo.jpg", 10), file("broken/b.txt", 5),
        file("empty.txt", 0), folder()), docs -> {
    assertEquals("Hello content world", docs.get("a.txt").path("body").asText());
    assertEquals("a.txt", docs.get("a.txt").path("title").asText(), "metadata kept");
    assertTrue(docs.get("big.txt").path("_content_error").asText().contains("larger than the 1024 byte limit"));
    assertFalse(docs.get("photo.jpg").has("_content_error"), "not in the extension list: not fetched");
    assertTrue(docs.get("broken/b.txt").path("_content_error").asText().startsWith("download failed: IOException"));
    assertEquals("folder", docs.get("folder").path("type").asText());
    assertEquals("2024-01-01T00:00:00+00:00", docs.get("folder").path("_timestamp").asText(),
        "the document keeps its last field when the body goes in before its end");
    assertEquals(6, docs.size(), "every record is indexed, content or not");
    // Every document has a body, empty where no text was extracted: Elasticsearch then keeps the
    // field's norms dense (see FetchContent).
    for (String id : List.of("big.txt", "photo.jpg", "broken/b.txt", "empty.txt", "folder")) {
      assertTrue(docs.get(id).path("body").isTextual(), "a body for " + id + ": " + docs.get(id));
      assertEquals("", docs.get(id).path("body").asText(), "an empty body for " + id);
    }
    });
  }

  @Test
  void aSourcesOwnBodyIsKeptAndNeverWrittenTwice() {
    // A source of its own (docs/writing-a-source.md) may put a "body" into its fields, spelled
    // plainly or with an escape; the empty body must not be added beside it (Elasticsearch refuses
    // a key given twice), and the strict parser above fails the test if it is.
    byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
    run(ContentSettings.defaults(), Map.of("a.txt", hello), List.of(
        SourceRecord.of("plain", "t", Scope.of("share"), "{\"body\":\"own text\"}"),
        SourceRecord.of("escaped", "t", Scope.of("share"), "{\"\\u0062ody\":\"own text\"}"),
        SourceRecord.of("word", "t", Scope.of("share"), "{\"title\":\"somebody\"}"),
        SourceRecord.of("skipped.jpg", "t", Scope.of("share"), "{\"body\":\"own text\"}")
            .withContent(new ContentRef("skipped.jpg", "skipped.jpg", 10)),
        SourceRecord.of("broken.txt", "t", Scope.of("share"), "{\"body\":\"own text\"}")
            .withContent(new ContentRef("broken.txt", "broken.txt", 5)),
        SourceRecord.of("a.txt", "t", Scope.of("share"), "{\"body\":\"own text\"}")
            .withContent(new ContentRef("a.txt", "a.txt", hello.length))), docs -> {
          assertEquals("own text", docs.get("plain").path("body").asText());
          assertEquals("own text", docs.get("escaped").path("body").asText());
          assertEquals("", docs.get("word").path("body").asText(null), "a value that reads 'body' is not the key");
          assertEquals("own text", docs.get("skipped.jpg").path("body").asText(), "not fetched: the source's body stays");
          assertEquals("own text", docs.get("broken.txt").path("body").asText(), "a failed download keeps the source's body");
          assertEquals("hello", docs.get("a.txt").path("body").asText(), "extracted text replaces it, as before");
        });
  }

  @Test
  void attachmentModeSendsBase64AndNoneModeFetchesNothing() {
    byte[] bytes = "raw bytes".getBytes(StandardCharsets.UTF_8);
    String expected = Base64.getEncoder().encodeToString(bytes);
    run(ContentSettings.defaults().withMode(ContentSettings.Mode.ATTACHMENT),
        Map.of("a.txt", bytes), List.of(file("a.txt", bytes.length), folder()), attached -> {
          assertEquals(expected, attached.get("a.txt").path("_attachment").asText());
          assertFalse(attached.get("a.txt").has("body"));
          assertFalse(attached.get("folder").has("body"), "attachment mode leaves body to the ingest pipeline");
        });
    run(ContentSettings.defaults().withMode(ContentSettings.Mode.NONE),
        Map.of(), List.of(file("broken/a.txt", 3), folder()), none -> {
          assertFalse(none.get("broken/a.txt").has("body"));
          assertFalse(none.get("folder").has("body"), "no text is extracted for any document: no body");
          assertFalse(none.get("broken/a.txt").has("_content_error"), "NONE never touches the file");
        });
  }

  @Test
  void extensionsMatchCaseSensitivelyAsTheReference() {
    byte[] b = "x".getBytes(StandardCharsets.UTF_8);
    run(ContentSettings.defaults().withExtensions(Set.of(".txt")),
        Map.of("A.TXT", b, "a.txt", b), List.of(file("A.TXT", 1), file("a.txt", 1)), docs -> {
          assertEquals("", docs.get("A.TXT").path("body").asText(), "not extracted: an empty body");
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

  /**
   * Observation a real server cannot give: each open waits (polling, with a deadline) until
   * {@code want} opens are in flight at once, and the most seen at once is recorded. Static
   * because the fetcher is serialized into the pipeline.
   */
  static final class FakeConcurrencyProbeFetcher implements ContentFetcher {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    static final AtomicInteger MOST_AT_ONCE = new AtomicInteger();
    private final int want;

    FakeConcurrencyProbeFetcher(int want) {
      this.want = want;
    }

    @Override
    public Reader open() {
      return new Reader() {
        @Override
        public InputStream read(ContentRef ref) {
          int now = IN_FLIGHT.incrementAndGet();
          MOST_AT_ONCE.accumulateAndGet(now, Math::max);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          try {
            while (MOST_AT_ONCE.get() < want && System.nanoTime() < deadline) {
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            return new ByteArrayInputStream(("text of " + ref.location()).getBytes(StandardCharsets.UTF_8));
          } finally {
            IN_FLIGHT.decrementAndGet();
          }
        }

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void downloadsSeveralFilesAtOnceAndCountsEveryOne() {
    FakeConcurrencyProbeFetcher.MOST_AT_ONCE.set(0);
    List<SourceRecord> records = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < 200; i++) {
      String path = "dir/file" + i + ".txt";
      records.add(file(path, 10));
      bytes += ("text of " + path).length();
    }
    long expectedBytes = bytes;
    PipelineResult result = run(new FakeConcurrencyProbeFetcher(8), ContentSettings.defaults().withParallelDownloads(8),
        records, docs -> {
          assertEquals(200, docs.size());
          for (int i = 0; i < 200; i++) {
            assertEquals("text of dir/file" + i + ".txt", docs.get("dir/file" + i + ".txt").path("body").asText());
          }
        });
    assertTrue(FakeConcurrencyProbeFetcher.MOST_AT_ONCE.get() >= 8,
        "8 downloads in flight at once, got " + FakeConcurrencyProbeFetcher.MOST_AT_ONCE.get());
    assertEquals(200, counter(result, SyncCounters.CONTENT_FETCHED));
    assertEquals(200, counter(result, SyncCounters.CONTENT_EXTRACTED));
    assertEquals(expectedBytes, counter(result, SyncCounters.CONTENT_BYTES_FETCHED));
    assertEquals(0, counter(result, SyncCounters.CONTENT_ERRORS));
  }

  @Test
  void countersAreExactForEveryKindOfOutcome() {
    byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] html = "<html><body><p>Hi</p></body></html>".getBytes(StandardCharsets.UTF_8);
    byte[] corrupt = "%PDF-1.7 broken".getBytes(StandardCharsets.US_ASCII);
    Map<String, byte[]> files = Map.of("a.txt", hello, "b.html", html, "bad.pdf", corrupt, "grew.txt", new byte[3000],
        "photo.jpg", new byte[10]);
    PipelineResult result = run(ContentSettings.defaults().withMaxFileSizeBytes(1024).withParallelDownloads(3), files,
        List.of(file("a.txt", hello.length), file("b.html", html.length), file("bad.pdf", corrupt.length),
            file("grew.txt", 100), file("big.txt", 5000), file("photo.jpg", 10), file("broken/x.txt", 4),
            file("empty.txt", 0)), docs -> {
          assertEquals("hello", docs.get("a.txt").path("body").asText());
          assertEquals("Hi", docs.get("b.html").path("body").asText());
          assertTrue(docs.get("grew.txt").path("_content_error").asText().startsWith("file grew past the 1024 byte limit"),
              docs.get("grew.txt").toString());
          assertFalse(docs.get("empty.txt").has("_content_error"));
        });
    assertEquals(4, counter(result, SyncCounters.CONTENT_FETCHED), "a.txt, b.html, bad.pdf, grew.txt");
    assertEquals(hello.length + html.length + corrupt.length + 1025,
        counter(result, SyncCounters.CONTENT_BYTES_FETCHED), "grew.txt is read one byte past the cap, no further");
    assertEquals(2, counter(result, SyncCounters.CONTENT_EXTRACTED));
    assertEquals(2, counter(result, SyncCounters.CONTENT_SKIPPED_SIZE), "big.txt before, grew.txt while reading");
    assertEquals(1, counter(result, SyncCounters.CONTENT_SKIPPED_TYPE));
    assertEquals(2, counter(result, SyncCounters.CONTENT_ERRORS), "bad.pdf and broken/x.txt");
    assertEquals(1, counter(result, SyncCounters.CONTENT_RETRY), "only the download failure");
  }

  @Test
  void aTextFileThatIsNotUtf8GoesToTikaAndALargeFileForTikaIsSpooled() {
    byte[] latin1 = "Le café est très bon, déjà vu à Noël.".getBytes(StandardCharsets.ISO_8859_1);
    StringBuilder page = new StringBuilder("<html><body>");
    while (page.length() < ContentSlot.IN_MEMORY_BYTES + 100_000) {
      page.append("<p>paragraph ").append(page.length()).append("</p>\n");
    }
    page.append("<p>the last line</p></body></html>");
    byte[] big = page.toString().getBytes(StandardCharsets.UTF_8);
    run(ContentSettings.defaults(), Map.of("latin1.txt", latin1, "big.html", big),
        List.of(file("latin1.txt", latin1.length), file("big.html", big.length)), docs -> {
          assertEquals("Le café est très bon, déjà vu à Noël.", docs.get("latin1.txt").path("body").asText());
          assertTrue(docs.get("big.html").path("body").asText().endsWith("the last line"),
              "the whole spooled file was parsed");
        });
  }

  /** Emits "id@timestamp" for each document. */
  static final class IdAtTimestamp extends DoFn<String, String> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element String doc, @Timestamp Instant ts, OutputReceiver<String> out) throws IOException {
      out.output(JSON.readTree(doc).path("id").asText() + "@" + ts.getMillis());
    }
  }

  @Test
  void eachDocumentKeepsItsElementsTimestampAndWindow() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    List<TimestampedValue<SourceRecord>> in = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    Map<String, byte[]> files = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      String path = "f" + i + ".txt";
      files.put(path, ("x" + i).getBytes(StandardCharsets.UTF_8));
      long at = 1_700_000_000_000L + i * 61_000L; // every file in a window of its own
      in.add(TimestampedValue.of(file(path, 2), new Instant(at)));
      expected.add(path + "@" + at);
    }
    PCollection<String> out = p.apply(Create.timestamped(in).withCoder(SourceRecordCoder.of()))
        .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
        .apply(FetchContent.using(new FakeInMemoryFetcher(files), ContentSettings.defaults().withParallelDownloads(4),
            "2024-01-01T00:00:00+00:00").withSpreadDownloads(false))
        .apply(ParDo.of(new IdAtTimestamp()));
    PAssert.that(out).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  void parallelDownloadsIsChecked() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ContentSettings.defaults().withParallelDownloads(0));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ContentSettings.defaults().withParallelDownloads(ContentSettings.MAX_PARALLEL_DOWNLOADS + 1));
    assertEquals(1, ContentSettings.defaults().withParallelDownloads(1).parallelDownloads());
  }
}

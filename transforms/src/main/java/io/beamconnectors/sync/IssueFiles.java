package io.beamconnectors.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.Scope;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The issues of a sync travel as data, not as metric names: the pipeline writes them as JSON lines
 * ({@code kind}, {@code scope}, {@code message}) to files under a prefix on any Beam file system
 * (a local path on one machine; {@code gs://}, {@code hdfs://}... where workers are elsewhere), and
 * the driver reads them back for the summary.
 */
public final class IssueFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SUFFIX = ".issues.jsonl";

  private IssueFiles() {}

  /**
   * Writes the issues under {@code prefix}: one file, {@code <prefix>-00000-of-00001.issues.jsonl},
   * an empty one when there is no issue. Written by one step once every issue is known (a group
   * by key), not by {@code TextIO}: its one-shard write gathers its results through an element
   * that exists from the start and waits on a side input, which the DirectRunner tries again on
   * every bundle of the sync (see {@link io.beamconnectors.sequencing.CompletionSignal}).
   */
  public static PTransform<PCollection<ListingIssue>, PDone> writeTo(String prefix) {
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException("issues prefix must not be blank");
    }
    return new WriteIssues(prefix);
  }

  /** The one file {@link #writeTo} writes under {@code prefix}. */
  static String fileName(String prefix) {
    return prefix + "-00000-of-00001" + SUFFIX;
  }

  static final class WriteIssues extends PTransform<PCollection<ListingIssue>, PDone> {
    private static final long serialVersionUID = 1L;
    private final String prefix;

    WriteIssues(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public PDone expand(PCollection<ListingIssue> issues) {
      KvCoder<Integer, String> coder = KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of());
      PCollection<KV<Integer, String>> lines = issues
          .apply("IssueToJson", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings()))
              .via((ListingIssue i) -> KV.of(0, toJson(i))))
          .setCoder(coder);
      // An empty line under the same key: the group exists, and the file is written, with no issue.
      PCollection<KV<Integer, String>> none = issues.getPipeline()
          .apply("Start", Impulse.create())
          .apply("NoIssue", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings()))
              .via((byte[] b) -> KV.of(0, "")))
          .setCoder(coder);
      PCollectionList.of(none).and(lines)
          .apply("AllLines", Flatten.pCollections())
          .apply("Gather", GroupByKey.create())
          .apply("WriteFile", ParDo.of(new WriteFileFn(fileName(prefix))));
      return PDone.in(issues.getPipeline());
    }
  }

  /** Writes the gathered lines to the file, replacing it: a retried write gives the same file. */
  static final class WriteFileFn extends DoFn<KV<Integer, Iterable<String>>, Void> {
    private static final long serialVersionUID = 1L;
    private final String file;

    WriteFileFn(String file) {
      this.file = file;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<String>> lines) throws IOException {
      ResourceId target = FileSystems.matchNewResource(file, false);
      try (Writer out = new BufferedWriter(new OutputStreamWriter(
          Channels.newOutputStream(FileSystems.create(target, "text/plain")), StandardCharsets.UTF_8))) {
        for (String line : lines.getValue()) {
          if (!line.isEmpty()) {
            out.write(line);
            out.write('\n');
          }
        }
      }
    }
  }

  static String toJson(ListingIssue issue) {
    return JSON.createObjectNode()
        .put("kind", issue.kind().name())
        .put("scope", issue.scope())
        .put("message", issue.message())
        .toString();
  }

  /** A new local directory for one run's issues (a prefix inside it); remove it with {@link #deleteLocal}. */
  public static String newLocalPrefix() throws IOException {
    return java.nio.file.Files.createTempDirectory("beam-connectors-issues-").resolve("sync").toString();
  }

  /** Removes the local directory {@link #newLocalPrefix} made for {@code prefix}, once it was read. */
  public static void deleteLocal(String prefix) throws IOException {
    java.nio.file.Path dir = java.nio.file.Path.of(prefix).getParent();
    if (dir == null || !dir.getFileName().toString().startsWith("beam-connectors-issues-")) {
      return;
    }
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
      for (java.nio.file.Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(p);
      }
    }
  }

  /** The issues written under {@code prefix}, one line each: "KIND scope: message", sorted. */
  public static List<String> read(String prefix) throws IOException {
    List<String> lines = new ArrayList<>();
    MatchResult match = FileSystems.match(prefix + "*" + SUFFIX, EmptyMatchTreatment.ALLOW);
    for (MatchResult.Metadata file : match.metadata()) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(
          Channels.newInputStream(FileSystems.open(file.resourceId())), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.isBlank()) {
            JsonNode n = JSON.readTree(line);
            lines.add(n.path("kind").asText() + " " + Scope.parse(n.path("scope").asText()) + ": " + n.path("message").asText());
          }
        }
      }
    }
    lines.sort(null);
    return lines;
  }
}

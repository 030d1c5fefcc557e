package io.beamconnectors.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.Scope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
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

  /** Writes the issues under {@code prefix} (one file; an empty one when there is no issue). */
  public static PTransform<PCollection<ListingIssue>, PDone> writeTo(String prefix) {
    return new PTransform<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public PDone expand(PCollection<ListingIssue> issues) {
        return issues
            .apply("IssueToJson", MapElements.into(TypeDescriptors.strings()).via(IssueFiles::toJson))
            .apply("WriteIssues", TextIO.write().to(prefix).withSuffix(SUFFIX).withNumShards(1));
      }
    };
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

package io.beamconnectors.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssueFilesTest {
  @TempDir
  Path dir;

  private List<String> roundTrip(List<ListingIssue> issues) throws Exception {
    String prefix = Files.createTempDirectory(dir, "run").resolve("sync").toString();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(Create.of(issues).withCoder(ListingIssueCoder.of())).apply(IssueFiles.writeTo(prefix));
    p.run().waitUntilFinish();
    return IssueFiles.read(prefix);
  }

  @Test
  void issuesComeBackAsLinesWithScopeAndMessage() throws Exception {
    assertEquals(List.of(
            "DUPLICATE public/t: 2 listed items share the id 'a\nb'",
            "FAILED <whole source>: cannot connect: \"quoted\" ünïcode",
            "SKIPPED public/keyless: no primary key"),
        roundTrip(List.of(
            ListingIssue.skipped(Scope.of("public", "keyless"), "no primary key"),
            ListingIssue.failed(Scope.wholeSource(), "cannot connect: \"quoted\" ünïcode"),
            ListingIssue.duplicate(Scope.of("public", "t"), "2 listed items share the id 'a\nb'"))));
  }

  @Test
  void noIssueIsAnEmptyList() throws Exception {
    assertEquals(List.of(), roundTrip(List.of()));
  }
}

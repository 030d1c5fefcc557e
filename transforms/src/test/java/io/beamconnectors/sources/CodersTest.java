package io.beamconnectors.sources;

import io.beamconnectors.elasticsearch.IndexedState;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

/** Round trips and determinism of every coder of our own value types. */
class CodersTest {

  @Test
  void sourceRecordCoder() throws Exception {
    SourceRecord plain = SourceRecord.of("db_public_t_0_", "", Scope.of("public", "t"), "{\"a\":0,\"ü\":\"日本\"}");
    SourceRecord file = SourceRecord.of("id", "2024-01-01T00:00:00+00:00;12", Scope.of("share", "a b"), "{}")
        .withTimestamp("2024-01-01T00:00:00+00:00")
        .withContent(new ContentRef("share/a b/x.pdf", "x.pdf", 12));
    SourceRecord empty = SourceRecord.of("", "", Scope.wholeSource(), "{}").withContent(new ContentRef("", "", 0));
    for (SourceRecord r : new SourceRecord[] {plain, file, empty}) {
      CoderProperties.coderDecodeEncodeEqual(SourceRecordCoder.of(), r);
      CoderProperties.coderDeterministic(SourceRecordCoder.of(), r, r);
      CoderProperties.coderConsistentWithEquals(SourceRecordCoder.of(), r, r);
    }
    CoderProperties.coderSerializable(SourceRecordCoder.of());
  }

  @Test
  void listingIssueCoder() throws Exception {
    for (ListingIssue i : new ListingIssue[] {
        ListingIssue.failed(Scope.of("bucket", "a/b"), "denied"),
        ListingIssue.skipped(Scope.wholeSource(), ""),
        ListingIssue.duplicate(Scope.of("t"), "2 listed items share the id 'x'")}) {
      CoderProperties.coderDecodeEncodeEqual(ListingIssueCoder.of(), i);
      CoderProperties.coderDeterministic(ListingIssueCoder.of(), i, i);
    }
    CoderProperties.coderSerializable(ListingIssueCoder.of());
  }

  @Test
  void indexedStateCoder() throws Exception {
    for (IndexedState s : new IndexedState[] {new IndexedState("t#abc", "a/b"), new IndexedState(null, null)}) {
      CoderProperties.coderDecodeEncodeEqual(IndexedState.Coder.of(), s);
      CoderProperties.coderDeterministic(IndexedState.Coder.of(), s, s);
    }
    CoderProperties.coderSerializable(IndexedState.Coder.of());
  }
}

package io.beamconnectors.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.elasticsearch.IndexedState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
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

  /** An issue sent among the records crosses either record coder whole, and is still an issue. */
  @Test
  void anIssueAmongTheRecordsCrossesEitherRecordCoder() throws Exception {
    SourceRecord failed = SourceRecord.issue(ListingIssue.failed(Scope.of("public", "t|Ω"),
        "reading table public.t (chunk 2 of 3) failed after 7 rows (its documents are kept): timeout"));
    SourceRecord skipped = SourceRecord.issue(ListingIssue.skipped(Scope.wholeSource(), ""));
    for (SourceRecordCoder coder : new SourceRecordCoder[] {SourceRecordCoder.of(), SourceRecordCoder.withDeferredFields(new CountedFieldsCoder())}) {
      for (SourceRecord r : new SourceRecord[] {failed, skipped}) {
        SourceRecord back = CoderUtils.clone(coder, r);
        assertTrue(back.isIssue());
        assertEquals(r.issue(), back.issue());
        assertEquals(r, back);
        CoderProperties.coderDeterministic(coder, r, r);
      }
    }
    assertNotEquals(failed, skipped);
    assertNotEquals(failed.hashCode(), skipped.hashCode());
    SourceRecord item = SourceRecord.of("id", "", Scope.of("public", "t|Ω"), "{}");
    SourceRecord other = SourceRecord.of("id2", "", Scope.of("public", "t|Ω"), "{}");
    assertNotEquals(failed, item);
    assertNotEquals(item, failed);
    // Items still compare as items.
    assertNotEquals(item, other);
    assertNotEquals(item.hashCode(), other.hashCode());
    assertEquals(item, SourceRecord.of("id", "", Scope.of("public", "t|Ω"), "{}"));
    assertEquals(item.hashCode(), SourceRecord.of("id", "", Scope.of("public", "t|Ω"), "{}").hashCode());
  }

  /** A step that forgets to take issues out of the records fails loudly: it can neither index nor delete with one. */
  @Test
  void anIssueAmongTheRecordsIsNoItem() {
    SourceRecord issue = SourceRecord.issue(ListingIssue.failed(Scope.of("public", "t"), "boom"));
    SourceRecord item = SourceRecord.of("id", "", Scope.of("public", "t"), "{}");
    assertFalse(item.isIssue());
    assertEquals(null, item.issue());
    for (org.junit.jupiter.api.function.Executable use : java.util.List.<org.junit.jupiter.api.function.Executable>of(
        issue::id, issue::token, issue::timestamp, issue::scope, issue::fieldsJson, issue::fieldsFingerprint, issue::content,
        () -> issue.withTimestamp("2024-01-01T00:00:00+00:00"), () -> issue.withContent(new ContentRef("a", "a", 1)))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, use);
      assertTrue(e.getMessage().contains("SourceRecord.isIssue"), e.getMessage());
    }
    assertTrue(issue.toString().contains("FAILED"), issue.toString());
    assertThrows(NullPointerException.class, () -> SourceRecord.issue(null));
  }

  /** Fields that count how often their JSON is written, and a coder that carries them as their text. */
  private static final class CountedFields implements DeferredFields {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger WRITTEN = new AtomicInteger();
    final String value;

    CountedFields(String value) {
      this.value = value;
    }

    @Override
    public String json() {
      WRITTEN.incrementAndGet();
      return "{\"v\":\"" + value + "\"}";
    }

    @Override
    public String fingerprint() {
      return String.format("%032x", value.hashCode());
    }
  }

  private static class CountedFieldsCoder extends AtomicCoder<DeferredFields> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(DeferredFields value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(((CountedFields) value).value, out);
    }

    @Override
    public DeferredFields decode(InputStream in) throws IOException {
      return new CountedFields(StringUtf8Coder.of().decode(in));
    }
  }

  @Test
  void deferredFieldsCrossTheCoderUnwrittenWhenItHasACoderForThem() throws Exception {
    SourceRecordCoder deferred = SourceRecordCoder.withDeferredFields(new CountedFieldsCoder());
    SourceRecord listed = SourceRecord.of("id", "", Scope.of("t"), new CountedFields("a,b ü"));
    int before = CountedFields.WRITTEN.get();
    SourceRecord decoded = CoderUtils.clone(deferred, CoderUtils.clone(deferred, listed));
    assertEquals(before, CountedFields.WRITTEN.get(), "the JSON was written to encode the record");
    assertEquals(listed.fieldsFingerprint(), decoded.fieldsFingerprint());
    assertEquals(listed.fieldsJson(), decoded.fieldsJson());
    // Without a coder for them, they go as their JSON, and a decoder without one refuses them.
    byte[] asJson = CoderUtils.encodeToByteArray(SourceRecordCoder.of(), listed);
    assertEquals(listed.fieldsJson(), CoderUtils.decodeFromByteArray(deferred, asJson).fieldsJson());
    byte[] asFields = CoderUtils.encodeToByteArray(deferred, SourceRecord.of("id", "", Scope.of("t"), new CountedFields("x")));
    CoderException e = assertThrows(CoderException.class, () -> CoderUtils.decodeFromByteArray(SourceRecordCoder.of(), asFields));
    assertTrue(e.getMessage().contains("same SourceRecordCoder"), e.getMessage());
    // Coders are equal when their field coders are: Beam compares them where collections meet.
    assertEquals(SourceRecordCoder.withDeferredFields(new CountedFieldsCoder()), deferred);
    assertEquals(SourceRecordCoder.withDeferredFields(new CountedFieldsCoder()).hashCode(), deferred.hashCode());
    deferred.verifyDeterministic();
    // A coder for the fields that is not deterministic makes the record coder say so.
    assertThrows(Coder.NonDeterministicException.class, () -> SourceRecordCoder.withDeferredFields(new CountedFieldsCoder() {
      @Override
      public void verifyDeterministic() throws NonDeterministicException {
        throw new NonDeterministicException(this, "not deterministic");
      }
    }).verifyDeterministic());
    assertNotEquals(SourceRecordCoder.of(), deferred);
    assertTrue(SourceRecordCoder.of().consistentWithEquals());
    assertFalse(deferred.consistentWithEquals());
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

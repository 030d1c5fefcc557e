package io.beamconnectors.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.SourceRecord;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One fact of what a bundle of the listing added up to: a scope it listed, a chunk of its ids
 * ({@link PackedIds}), how many of its ids the index held, how many documents the index held
 * when the step deciding them began (the last two for the lookup join), or an issue that came with
 * the records ({@link SourceRecord#issue}). {@link Reconcile}
 * sends every kind through one output of the step that reads the records, and splits them after.
 *
 * <p>Why one output: on Flink's batch runner a step with several outputs writes one stream of
 * tagged elements, and each output's filter reads (decodes) the whole stream, records included.
 * Two outputs (the records and these facts) cost two reads of every record, however many kinds of
 * fact there are.
 */
final class ListedSummary {
  enum Kind { SCOPE, ID_CHUNK, FOUND, HELD, ISSUE }

  private final Kind kind;
  private final String scope;
  private final byte[] ids;
  /** FOUND: listed ids the index held; HELD: documents the index held. */
  private final long count;
  private final ListingIssue issue;

  private ListedSummary(Kind kind, String scope, byte[] ids, long count, ListingIssue issue) {
    this.kind = kind;
    this.scope = scope;
    this.ids = ids;
    this.count = count;
    this.issue = issue;
  }

  static ListedSummary scope(String scope) {
    return new ListedSummary(Kind.SCOPE, Objects.requireNonNull(scope, "scope"), null, 0, null);
  }

  static ListedSummary idChunk(byte[] packedIds) {
    return new ListedSummary(Kind.ID_CHUNK, null, Objects.requireNonNull(packedIds, "packedIds"), 0, null);
  }

  static ListedSummary found(long count) {
    return new ListedSummary(Kind.FOUND, null, null, count, null);
  }

  static ListedSummary held(long count) {
    return new ListedSummary(Kind.HELD, null, null, count, null);
  }

  static ListedSummary issue(ListingIssue issue) {
    return new ListedSummary(Kind.ISSUE, null, null, 0, Objects.requireNonNull(issue, "issue"));
  }

  Kind kind() {
    return kind;
  }

  String scope() {
    return scope;
  }

  byte[] idChunk() {
    return ids;
  }

  /** The count of a FOUND or HELD fact. */
  long count() {
    return count;
  }

  ListingIssue issue() {
    return issue;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ListedSummary s && s.kind == kind && Objects.equals(s.scope, scope)
        && Arrays.equals(s.ids, ids) && s.count == count && Objects.equals(s.issue, issue);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, scope, Arrays.hashCode(ids), count, issue);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case SCOPE -> "scope " + scope;
      case ID_CHUNK -> "ids, " + ids.length + " bytes";
      case FOUND -> "found " + count;
      case HELD -> "held " + count;
      case ISSUE -> "issue " + issue.kind() + " of " + issue.scope();
    };
  }

  /** A kind byte, then the fact with its own deterministic coder. */
  static final class Coder extends AtomicCoder<ListedSummary> {
    private static final long serialVersionUID = 1L;
    private static final Coder INSTANCE = new Coder();
    private static final Kind[] KINDS = Kind.values();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ListedSummary value, OutputStream out) throws IOException {
      out.write(value.kind.ordinal());
      switch (value.kind) {
        case SCOPE -> StringUtf8Coder.of().encode(value.scope, out);
        case ID_CHUNK -> ByteArrayCoder.of().encode(value.ids, out);
        case FOUND, HELD -> VarLongCoder.of().encode(value.count, out);
        case ISSUE -> ListingIssueCoder.of().encode(value.issue, out);
      }
    }

    @Override
    public ListedSummary decode(InputStream in) throws IOException {
      int k = in.read();
      if (k < 0 || k >= KINDS.length) {
        throw new CoderException("not a listed summary: kind byte " + k);
      }
      return switch (KINDS[k]) {
        case SCOPE -> scope(StringUtf8Coder.of().decode(in));
        case ID_CHUNK -> idChunk(ByteArrayCoder.of().decode(in));
        case FOUND -> found(VarLongCoder.of().decode(in));
        case HELD -> held(VarLongCoder.of().decode(in));
        case ISSUE -> issue(ListingIssueCoder.of().decode(in));
      };
    }

    @Override
    public void verifyDeterministic() {}
  }
}

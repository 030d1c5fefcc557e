package io.beamconnectors.sources;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/** Deterministic coder for {@link ListingIssue}. */
public final class ListingIssueCoder extends AtomicCoder<ListingIssue> {
  private static final long serialVersionUID = 1L;
  private static final ListingIssueCoder INSTANCE = new ListingIssueCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  public static ListingIssueCoder of() {
    return INSTANCE;
  }

  private ListingIssueCoder() {}

  @Override
  public void encode(ListingIssue value, OutputStream out) throws IOException {
    STRING.encode(value.kind().name(), out);
    STRING.encode(value.scope(), out);
    STRING.encode(value.message(), out);
  }

  @Override
  public ListingIssue decode(InputStream in) throws IOException {
    ListingIssue.Kind kind = ListingIssue.Kind.valueOf(STRING.decode(in));
    return ListingIssue.decoded(kind, STRING.decode(in), STRING.decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}

package io.beamconnectors.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/** What the index holds for one document: its change token ({@code _token}) and scope. */
@org.apache.beam.sdk.coders.DefaultCoder(IndexedState.Coder.class)
public final class IndexedState implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String token;
  private final String scope;

  public IndexedState(String token, String scope) {
    this.token = token == null ? "" : token;
    this.scope = scope == null ? "" : scope;
  }

  public String token() {
    return token;
  }

  /** "" when the document has no {@code _scope} (e.g. written by another tool): the whole source. */
  public String scope() {
    return scope;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexedState s && s.token.equals(token) && s.scope.equals(scope);
  }

  @Override
  public int hashCode() {
    return Objects.hash(token, scope);
  }

  @Override
  public String toString() {
    return "IndexedState{" + token + ", " + scope + "}";
  }

  /** Deterministic coder. */
  public static final class Coder extends AtomicCoder<IndexedState> {
    private static final long serialVersionUID = 1L;
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(IndexedState value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.token, out);
      StringUtf8Coder.of().encode(value.scope, out);
    }

    @Override
    public IndexedState decode(InputStream in) throws IOException {
      return new IndexedState(StringUtf8Coder.of().decode(in), StringUtf8Coder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}

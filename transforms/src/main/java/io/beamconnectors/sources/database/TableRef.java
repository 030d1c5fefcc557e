package io.beamconnectors.sources.database;

import io.beamconnectors.sources.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/** A table to read: its schema ("" for dialects without one) and name, exactly as the catalog lists them. */
@org.apache.beam.sdk.coders.DefaultCoder(TableRef.Coder.class)
public record TableRef(String schema, String name) implements Serializable {
  public TableRef {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
  }

  public Scope scope() {
    return Scope.of(schema, name);
  }

  @Override
  public String toString() {
    return schema.isEmpty() ? name : schema + "." + name;
  }

  /** Deterministic coder. */
  public static final class Coder extends AtomicCoder<TableRef> {
    private static final long serialVersionUID = 1L;
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(TableRef value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.schema(), out);
      StringUtf8Coder.of().encode(value.name(), out);
    }

    @Override
    public TableRef decode(InputStream in) throws IOException {
      return new TableRef(StringUtf8Coder.of().decode(in), StringUtf8Coder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}

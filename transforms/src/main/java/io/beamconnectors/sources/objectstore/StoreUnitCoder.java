package io.beamconnectors.sources.objectstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/** Deterministic coder for {@link StoreUnit}: container, prefix and detail as UTF-8 strings. */
public final class StoreUnitCoder extends AtomicCoder<StoreUnit> {
  private static final long serialVersionUID = 1L;
  private static final StoreUnitCoder INSTANCE = new StoreUnitCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  public static StoreUnitCoder of() {
    return INSTANCE;
  }

  private StoreUnitCoder() {}

  @Override
  public void encode(StoreUnit value, OutputStream out) throws IOException {
    STRING.encode(value.container(), out);
    STRING.encode(value.prefix(), out);
    STRING.encode(value.detail(), out);
  }

  @Override
  public StoreUnit decode(InputStream in) throws IOException {
    return new StoreUnit(STRING.decode(in), STRING.decode(in), STRING.decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}

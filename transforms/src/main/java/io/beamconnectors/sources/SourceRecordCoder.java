package io.beamconnectors.sources;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Deterministic coder for {@link SourceRecord}: fixed field order, UTF-8 strings, var-longs. Deferred
 * fields are encoded as their JSON, with the source's fingerprint of them, so a decoded record has
 * the change token the listed one had.
 */
public final class SourceRecordCoder extends AtomicCoder<SourceRecord> {
  private static final long serialVersionUID = 1L;
  private static final SourceRecordCoder INSTANCE = new SourceRecordCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final BooleanCoder BOOL = BooleanCoder.of();

  public static SourceRecordCoder of() {
    return INSTANCE;
  }

  private SourceRecordCoder() {}

  @Override
  public void encode(SourceRecord value, OutputStream out) throws IOException {
    STRING.encode(value.id(), out);
    STRING.encode(value.token(), out);
    BOOL.encode(value.timestamp() != null, out);
    if (value.timestamp() != null) {
      STRING.encode(value.timestamp(), out);
    }
    STRING.encode(value.scope(), out);
    STRING.encode(value.fieldsJson(), out);
    BOOL.encode(value.fieldsFingerprint() != null, out);
    if (value.fieldsFingerprint() != null) {
      STRING.encode(value.fieldsFingerprint(), out);
    }
    ContentRef c = value.content();
    BOOL.encode(c != null, out);
    if (c != null) {
      STRING.encode(c.location(), out);
      STRING.encode(c.fileName(), out);
      LONG.encode(c.sizeBytes(), out);
    }
  }

  @Override
  public SourceRecord decode(InputStream in) throws IOException {
    String id = STRING.decode(in);
    String token = STRING.decode(in);
    String timestamp = BOOL.decode(in) ? STRING.decode(in) : null;
    String scope = STRING.decode(in);
    String fields = STRING.decode(in);
    String fingerprint = BOOL.decode(in) ? STRING.decode(in) : null;
    ContentRef content = null;
    if (BOOL.decode(in)) {
      content = new ContentRef(STRING.decode(in), STRING.decode(in), LONG.decode(in));
    }
    return SourceRecord.decoded(id, token, timestamp, scope, fields, fingerprint, content);
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}

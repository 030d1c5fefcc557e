package io.beamconnectors.sources;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Deterministic coder for {@link SourceRecord}: fixed field order, UTF-8 strings, var-longs.
 *
 * <p>By default ({@link #of()}) a record's fields are encoded as their JSON, deferred ones written
 * for it, with the source's fingerprint of them, so a decoded record has the change token the
 * listed one had. A source whose records cross workers unchanged more often than not gives its
 * own coder for its deferred fields ({@link #withDeferredFields}), so that they are never written
 * as JSON only to be encoded: its listing sets this coder on its records
 * ({@link SourceListing#recordCoder()}), and the engine keeps it for them until they are decided.
 */
public final class SourceRecordCoder extends CustomCoder<SourceRecord> {
  private static final long serialVersionUID = 1L;
  private static final SourceRecordCoder FIELDS_AS_JSON = new SourceRecordCoder(null);
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final BooleanCoder BOOL = BooleanCoder.of();
  private static final ByteCoder BYTE = ByteCoder.of();

  /** How a record's fields follow its scope: JSON (its fingerprint after it, when it has one), or deferred. */
  private static final byte JSON = 0;
  private static final byte JSON_AND_FINGERPRINT = 1;
  private static final byte DEFERRED = 2;
  /** Not a listed item: an issue carried with the records ({@link SourceRecord#issue}), after empty id, token and scope. */
  private static final byte ISSUE = 3;
  private static final ListingIssueCoder ISSUES = ListingIssueCoder.of();

  /** Null: deferred fields are encoded as their JSON. */
  private final Coder<DeferredFields> deferredFields;

  public static SourceRecordCoder of() {
    return FIELDS_AS_JSON;
  }

  /**
   * Encodes records' deferred fields with {@code coder}, which must encode every kind of
   * {@link DeferredFields} the records hold; fields given as JSON are encoded as JSON.
   */
  public static SourceRecordCoder withDeferredFields(Coder<DeferredFields> coder) {
    return new SourceRecordCoder(Objects.requireNonNull(coder, "coder"));
  }

  private SourceRecordCoder(Coder<DeferredFields> deferredFields) {
    this.deferredFields = deferredFields;
  }

  @Override
  public void encode(SourceRecord value, OutputStream out) throws IOException {
    if (value.isIssue()) {
      STRING.encode("", out);
      STRING.encode("", out);
      BOOL.encode(false, out);
      STRING.encode("", out);
      BYTE.encode(ISSUE, out);
      ISSUES.encode(value.issue(), out);
      return;
    }
    STRING.encode(value.id(), out);
    STRING.encode(value.token(), out);
    BOOL.encode(value.timestamp() != null, out);
    if (value.timestamp() != null) {
      STRING.encode(value.timestamp(), out);
    }
    STRING.encode(value.scope(), out);
    DeferredFields deferred = value.deferredFields();
    if (deferred != null && deferredFields != null) {
      BYTE.encode(DEFERRED, out);
      deferredFields.encode(deferred, out);
      STRING.encode(value.fieldsFingerprint(), out);
    } else if (value.fieldsFingerprint() != null) {
      BYTE.encode(JSON_AND_FINGERPRINT, out);
      STRING.encode(value.fieldsJson(), out);
      STRING.encode(value.fieldsFingerprint(), out);
    } else {
      BYTE.encode(JSON, out);
      STRING.encode(value.fieldsJson(), out);
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
    byte fieldsAs = BYTE.decode(in);
    DeferredFields deferred = null;
    String json = null;
    String fingerprint = null;
    switch (fieldsAs) {
      case DEFERRED:
        if (deferredFields == null) {
          throw new CoderException("a record with deferred fields, and no coder for them: encode and decode"
              + " records with the same SourceRecordCoder");
        }
        deferred = deferredFields.decode(in);
        fingerprint = STRING.decode(in);
        break;
      case JSON_AND_FINGERPRINT:
        json = STRING.decode(in);
        fingerprint = STRING.decode(in);
        break;
      case JSON:
        json = STRING.decode(in);
        break;
      case ISSUE:
        return SourceRecord.issue(ISSUES.decode(in));
      default:
        throw new CoderException("unknown fields tag " + fieldsAs + " in an encoded record");
    }
    ContentRef content = null;
    if (BOOL.decode(in)) {
      content = new ContentRef(STRING.decode(in), STRING.decode(in), LONG.decode(in));
    }
    return deferred != null
        ? SourceRecord.decoded(id, token, timestamp, scope, deferred, fingerprint, content)
        : SourceRecord.decoded(id, token, timestamp, scope, json, fingerprint, content);
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    if (deferredFields != null) {
      verifyDeterministic(this, "the deferred fields' coder must be deterministic", deferredFields);
    }
  }

  /**
   * With a coder for deferred fields, two equal records (equal JSON) may be encoded differently
   * (one deferred, one as JSON): Beam then compares records by their bytes, not by equals.
   */
  @Override
  public boolean consistentWithEquals() {
    return deferredFields == null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceRecordCoder c && Objects.equals(c.deferredFields, deferredFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(SourceRecordCoder.class, deferredFields);
  }

  @Override
  public String toString() {
    return deferredFields == null ? "SourceRecordCoder" : "SourceRecordCoder(" + deferredFields + ")";
  }
}

package io.beamconnectors.sources;

import java.io.Serializable;
import java.util.Objects;

/**
 * One item a source listed: its document id, its change token (stored in {@code _timestamp} and
 * compared as an exact string), its scope (the part of the source it was listed under, used to
 * keep deletes inside completely listed parts), the document's metadata fields as a JSON object,
 * and, for files, a {@link ContentRef} to fetch the bytes from if the item is new or changed.
 */
@org.apache.beam.sdk.coders.DefaultCoder(SourceRecordCoder.class)
public final class SourceRecord implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String token;
  private final String scope;
  private final String fieldsJson;
  private final ContentRef content;

  private SourceRecord(String id, String token, String scope, String fieldsJson, ContentRef content) {
    this.id = Objects.requireNonNull(id, "id");
    this.token = Objects.requireNonNull(token, "token");
    this.scope = Objects.requireNonNull(scope, "scope");
    this.fieldsJson = Objects.requireNonNull(fieldsJson, "fieldsJson");
    this.content = content;
  }

  /**
   * @param id the document id; one longer than 512 UTF-8 bytes is replaced by its MD5 digest
   *     ({@link DocumentIds}), so callers key their output by {@link #id()}
   * @param fieldsJson the document's fields as a JSON object; the engine adds {@code id},
   *     {@code _timestamp} and {@code _scope}
   */
  public static SourceRecord of(String id, String token, Scope scope, String fieldsJson) {
    return new SourceRecord(DocumentIds.normalize(id), token, scope.path(), fieldsJson, null);
  }

  public SourceRecord withContent(ContentRef ref) {
    return new SourceRecord(id, token, scope, fieldsJson, ref);
  }

  static SourceRecord decoded(String id, String token, String scope, String fieldsJson, ContentRef content) {
    return new SourceRecord(id, token, scope, fieldsJson, content);
  }

  public String id() {
    return id;
  }

  public String token() {
    return token;
  }

  public String scope() {
    return scope;
  }

  public String fieldsJson() {
    return fieldsJson;
  }

  /** The bytes to fetch for this item, or null (folders, database rows). */
  public ContentRef content() {
    return content;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceRecord r
        && r.id.equals(id)
        && r.token.equals(token)
        && r.scope.equals(scope)
        && r.fieldsJson.equals(fieldsJson)
        && Objects.equals(r.content, content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, token, scope, fieldsJson, content);
  }

  @Override
  public String toString() {
    return "SourceRecord{" + id + ", token=" + token + ", scope=" + scope + "}";
  }
}

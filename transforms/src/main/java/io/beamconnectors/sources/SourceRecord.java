package io.beamconnectors.sources;

import java.io.Serializable;
import java.util.Objects;

/**
 * One item a source listed: its document id; its change token; its time ({@code _timestamp}: the
 * item's modification time, or null to let the engine stamp the time the change was first seen,
 * as for database rows); its scope (the part of the source it was listed under, used to keep
 * deletes inside completely listed parts); the document's metadata fields as a JSON object; and,
 * for files, a {@link ContentRef} to fetch the bytes from if the item is new or changed.
 *
 * <p>The change token is what the fields cannot show: for a file, whatever changes when its bytes
 * change (modification time, size, the store's ETag, MD5 or generation); for a row, nothing (empty),
 * since the fields are the row. The engine stores the token together with a fingerprint of the
 * scope and the fields, so a change of any indexed metadata or of the scope updates the document.
 * Tokens must not depend on the machine (time zone, locale, JVM).
 *
 * <p>A record can instead be an {@link #issue(ListingIssue) issue} that a reader found, carried in
 * the stream of records so that the reader needs no second output (see {@link SourceListing}).
 * Such a record has nothing but its issue: asking it for an id, a token, a scope, fields or content
 * throws, so a step that forgets to route issues fails the sync instead of indexing or deleting
 * anything.
 */
@org.apache.beam.sdk.coders.DefaultCoder(SourceRecordCoder.class)
public final class SourceRecord implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String token;
  private final String timestamp;
  private final String scope;
  /** The fields' JSON; null while {@link #deferred} has not been asked for it. */
  private final String fieldsJson;
  private final DeferredFields deferred;
  /** The source's fingerprint of the fields ({@link DeferredFields#fingerprint}), or null. */
  private final String fieldsFingerprint;
  private final ContentRef content;
  /** Set for an issue carried with the records; every other field is then null. */
  private final ListingIssue issue;
  /** {@link #deferred}'s JSON once written (a record is often asked twice: its token, its document). */
  private transient volatile String written;

  private SourceRecord(String id, String token, String timestamp, String scope, String fieldsJson,
      DeferredFields deferred, String fieldsFingerprint, ContentRef content) {
    this.id = Objects.requireNonNull(id, "id");
    this.token = Objects.requireNonNull(token, "token");
    this.timestamp = timestamp;
    this.scope = Objects.requireNonNull(scope, "scope");
    if (fieldsJson == null && deferred == null) {
      throw new NullPointerException("fieldsJson");
    }
    this.fieldsJson = fieldsJson;
    this.deferred = fieldsJson == null ? deferred : null;
    this.fieldsFingerprint = fieldsFingerprint;
    this.content = content;
    this.issue = null;
  }

  private SourceRecord(ListingIssue issue) {
    this.id = null;
    this.token = null;
    this.timestamp = null;
    this.scope = null;
    this.fieldsJson = null;
    this.deferred = null;
    this.fieldsFingerprint = null;
    this.content = null;
    this.issue = Objects.requireNonNull(issue, "issue");
  }

  /**
   * @param id the document id; one longer than 512 UTF-8 bytes is replaced by its MD5 digest
   *     ({@link DocumentIds}), so callers key their output by {@link #id()}
   * @param fieldsJson the document's fields as a JSON object; the engine adds {@code id},
   *     {@code _timestamp}, {@code _token} and {@code _scope}
   */
  public static SourceRecord of(String id, String token, Scope scope, String fieldsJson) {
    return new SourceRecord(DocumentIds.normalize(id), token, null, scope.path(),
        Objects.requireNonNull(fieldsJson, "fieldsJson"), null, null, null);
  }

  /**
   * As {@link #of(String, String, Scope, String)}, with fields whose JSON is written only when asked
   * for; their fingerprint is taken now and stands for them in the change token.
   */
  public static SourceRecord of(String id, String token, Scope scope, DeferredFields fields) {
    Objects.requireNonNull(fields, "fields");
    return new SourceRecord(DocumentIds.normalize(id), token, null, scope.path(), null, fields,
        Objects.requireNonNull(fields.fingerprint(), "fields fingerprint"), null);
  }

  /**
   * An issue a reader found, to travel with its records: a reader that has no other output is
   * fused with the step after it on Flink's batch runner, where a step of two outputs writes and
   * reads every record once more. The engine takes such issues out of the stream before it decides
   * anything, and they block deletes as the listing's other issues do.
   */
  public static SourceRecord issue(ListingIssue issue) {
    return new SourceRecord(issue);
  }

  /** Whether this is an {@link #issue(ListingIssue) issue} rather than a listed item. */
  public boolean isIssue() {
    return issue != null;
  }

  /** The issue this record carries, or null for a listed item. */
  public ListingIssue issue() {
    return issue;
  }

  private void requireItem() {
    if (issue != null) {
      throw new IllegalStateException("a listing issue carried with the records, not a listed item: take issues out"
          + " of the stream (SourceRecord.isIssue) before using its records");
    }
  }

  public SourceRecord withContent(ContentRef ref) {
    requireItem();
    return new SourceRecord(id, token, timestamp, scope, fieldsJson, deferred, fieldsFingerprint, ref);
  }

  /**
   * The item's time as ISO-8601 in UTC with its offset (e.g. {@code 2024-03-31T01:30:00+00:00}),
   * stored as {@code _timestamp}; null lets the engine stamp the sync's start time.
   */
  public SourceRecord withTimestamp(String isoTime) {
    requireItem();
    return new SourceRecord(id, token, isoTime, scope, fieldsJson, deferred, fieldsFingerprint, content);
  }

  static SourceRecord decoded(String id, String token, String timestamp, String scope, String fieldsJson,
      String fieldsFingerprint, ContentRef content) {
    return new SourceRecord(id, token, timestamp, scope, Objects.requireNonNull(fieldsJson, "fieldsJson"), null,
        fieldsFingerprint, content);
  }

  /** A record whose fields were encoded unwritten, with the fingerprint taken where it was listed. */
  static SourceRecord decoded(String id, String token, String timestamp, String scope, DeferredFields fields,
      String fieldsFingerprint, ContentRef content) {
    return new SourceRecord(id, token, timestamp, scope, null, Objects.requireNonNull(fields, "fields"),
        Objects.requireNonNull(fieldsFingerprint, "fields fingerprint"), content);
  }

  public String id() {
    requireItem();
    return id;
  }

  public String token() {
    requireItem();
    return token;
  }

  /** The item's time, or null (see {@link #withTimestamp}). */
  public String timestamp() {
    requireItem();
    return timestamp;
  }

  public String scope() {
    requireItem();
    return scope;
  }

  /** The fields as a JSON object; deferred fields are written on the first call. */
  public String fieldsJson() {
    requireItem();
    if (fieldsJson != null) {
      return fieldsJson;
    }
    String json = written;
    if (json == null) {
      json = deferred.json();
      written = json;
    }
    return json;
  }

  /** The fields not yet written as JSON, or null when the source gave them as JSON. */
  DeferredFields deferredFields() {
    return deferred;
  }

  /**
   * The source's fingerprint of the fields ({@link DeferredFields#fingerprint}), which the change
   * token is made from instead of the JSON; null when the source gave its fields as JSON.
   */
  public String fieldsFingerprint() {
    requireItem();
    return fieldsFingerprint;
  }

  /** The bytes to fetch for this item, or null (folders, database rows). */
  public ContentRef content() {
    requireItem();
    return content;
  }

  @Override
  public boolean equals(Object o) {
    if (issue != null || (o instanceof SourceRecord other && other.issue != null)) {
      return o instanceof SourceRecord r && Objects.equals(r.issue, issue);
    }
    return o instanceof SourceRecord r
        && r.id.equals(id)
        && r.token.equals(token)
        && Objects.equals(r.timestamp, timestamp)
        && r.scope.equals(scope)
        && r.fieldsJson().equals(fieldsJson())
        && Objects.equals(r.fieldsFingerprint, fieldsFingerprint)
        && Objects.equals(r.content, content);
  }

  @Override
  public int hashCode() {
    if (issue != null) {
      return issue.hashCode();
    }
    return Objects.hash(id, token, timestamp, scope, fieldsJson(), fieldsFingerprint, content);
  }

  @Override
  public String toString() {
    if (issue != null) {
      return "SourceRecord{issue " + issue.kind() + ", scope=" + issue.scope() + "}";
    }
    return "SourceRecord{" + id + ", token=" + token + ", scope=" + scope + "}";
  }
}

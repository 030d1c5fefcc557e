package io.beamconnectors.elasticsearch;

/** Names of the fields the sync engine itself writes into every document. */
public final class IndexFields {
  /** The document id, also the {@code _id}; a keyword with doc values, read back by the state reader. */
  public static final String ID = "id";
  /**
   * The item's time (the reference's name): its modification time, or for an item without one (a
   * database row) the time its change was first seen. Mapped as a date.
   */
  public static final String TIMESTAMP = "_timestamp";
  /** The change token, compared as an exact string (see {@code StoredToken}); a keyword with doc values. */
  public static final String TOKEN = "_token";
  /** The part of the source the document was listed under (see {@code Scope}). */
  public static final String SCOPE = "_scope";
  /**
   * A hash of the id and the change token in one binary value with doc values ({@link LookupKey}):
   * what a lookup reads per hit. Keyword doc values of unique values ({@code id}, {@code _token}) make
   * Elasticsearch decompress a block of its terms dictionary per hit and field; one binary doc
   * value is read as it was stored.
   */
  public static final String LOOKUP = "_lookup";
  /** Extracted text. */
  public static final String BODY = "body";
  /** Base64 of the raw bytes, in attachment-compatibility mode (the reference's name). */
  public static final String ATTACHMENT = "_attachment";
  /** Why a file's content is missing (too large, download or parse failure). */
  public static final String CONTENT_ERROR = "_content_error";
  /** Marks a bulk operation as a delete (together with the absence of {@link #TOKEN}); never stored. */
  public static final String DELETE_MARKER = "__bc_delete";

  private IndexFields() {}
}

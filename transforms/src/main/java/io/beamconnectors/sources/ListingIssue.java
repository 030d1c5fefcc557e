package io.beamconnectors.sources;

import java.io.Serializable;
import java.util.Objects;

/**
 * Something a listing could not do, recorded instead of logged. Every issue blocks the deletes of
 * its scope in this sync: {@link Kind#FAILED} means the scope was not listed completely,
 * {@link Kind#SKIPPED} that a part was left out on purpose (for example a table without a primary
 * key, whose documents are kept rather than deleted), {@link Kind#DUPLICATE} that two listed items
 * of the scope had one id (found by the engine, not the source).
 */
@org.apache.beam.sdk.coders.DefaultCoder(ListingIssueCoder.class)
public final class ListingIssue implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    FAILED,
    SKIPPED,
    DUPLICATE
  }

  private final Kind kind;
  private final String scope;
  private final String message;

  private ListingIssue(Kind kind, String scope, String message) {
    this.kind = Objects.requireNonNull(kind);
    this.scope = Objects.requireNonNull(scope);
    this.message = Objects.requireNonNull(message);
  }

  /** The message must not contain secrets; use {@link io.beamconnectors.sources.Secrets#redact}. */
  public static ListingIssue failed(Scope scope, String message) {
    return new ListingIssue(Kind.FAILED, scope.path(), message);
  }

  public static ListingIssue skipped(Scope scope, String message) {
    return new ListingIssue(Kind.SKIPPED, scope.path(), message);
  }

  /** Two or more listed items of {@code scope} share one id; the message names a sample id. */
  public static ListingIssue duplicate(Scope scope, String message) {
    return new ListingIssue(Kind.DUPLICATE, scope.path(), message);
  }

  static ListingIssue decoded(Kind kind, String scope, String message) {
    return new ListingIssue(kind, scope, message);
  }

  public Kind kind() {
    return kind;
  }

  public String scope() {
    return scope;
  }

  public String message() {
    return message;
  }

  /** Every kind keeps the documents of its scope: nothing under it is deleted in this sync. */
  public boolean blocksDeletes() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ListingIssue i
        && i.kind == kind
        && i.scope.equals(scope)
        && i.message.equals(message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, scope, message);
  }

  @Override
  public String toString() {
    return kind + " " + Scope.parse(scope) + ": " + message;
  }
}

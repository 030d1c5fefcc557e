package io.beamconnectors.sources;

import java.io.Serializable;
import java.util.Objects;

/**
 * Something a listing could not do, recorded instead of logged. A {@link Kind#FAILED} issue means
 * the scope was not listed completely, so nothing under it may be deleted in this sync; a
 * {@link Kind#SKIPPED} issue reports a part left out on purpose (for example a table without a
 * primary key) and does not block deletes.
 */
@org.apache.beam.sdk.coders.DefaultCoder(ListingIssueCoder.class)
public final class ListingIssue implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    FAILED,
    SKIPPED
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

  public boolean blocksDeletes() {
    return kind == Kind.FAILED;
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

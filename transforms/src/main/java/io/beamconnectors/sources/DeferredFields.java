package io.beamconnectors.sources;

import java.io.Serializable;

/**
 * A record's fields as a source holds them before they are JSON: the JSON is written only when
 * something asks for it, and the engine's change token is made from {@link #fingerprint()}
 * instead of from the JSON. A re-sync finds most records unchanged, and those never need their
 * JSON: for a database row, writing it was about a third of a no-op sync's CPU.
 *
 * <p>The contract the engine relies on: whenever {@link #json()} would differ, so does the
 * fingerprint (a fingerprint may change while the JSON does not; that only rewrites a document).
 * A fingerprint is made once, where the record is listed, and travels with the record when it is
 * encoded between workers ({@code SourceRecordCoder}), so both sides of a job compute the same
 * token. The fields themselves travel as their JSON, or, with a coder of their own
 * ({@link SourceRecordCoder#withDeferredFields}), unwritten.
 */
public interface DeferredFields extends Serializable {
  /** The fields as a JSON object, as {@link SourceRecord#fieldsJson()} gives them. */
  String json();

  /**
   * A digest of everything {@link #json()} is written from, as 32 lower-case hex digits; the same
   * on every machine and JVM (it is stored in the index, inside {@code _token}).
   */
  String fingerprint();
}

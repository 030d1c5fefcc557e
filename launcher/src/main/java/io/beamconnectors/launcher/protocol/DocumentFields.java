package io.beamconnectors.launcher.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * How connector and sync-job documents read their fields: text (null when missing or null) and
 * timestamps (ISO-8601 in UTC as the protocol writes them, or with an offset as other writers do;
 * null when missing or unreadable). One place for both document types.
 */
final class DocumentFields {
  private DocumentFields() {}

  static String text(JsonNode source, String field) {
    JsonNode n = source.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  static Instant instant(JsonNode source, String field) {
    String s = text(source, field);
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}

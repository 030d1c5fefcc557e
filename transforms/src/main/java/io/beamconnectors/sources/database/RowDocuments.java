package io.beamconnectors.sources.database;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a row into a document the reference's way: one field per column named
 * {@code <schema>_<table>_<column>} in lower case, plus {@code Database}, {@code Table} and
 * {@code schema}. Values are exact (see {@link ColumnValue}); values a field cannot hold (NaN,
 * infinities) are null in their field and kept as text under {@link #NON_FINITE_FIELD}. The JSON
 * is byte-identical for the same row on every run and machine: the engine fingerprints it as the
 * row's change token.
 */
public final class RowDocuments {
  /** {@code {"<field>": "NaN"}}: the exact text of each value its field holds as null. */
  public static final String NON_FINITE_FIELD = "_non_finite";

  private static final JsonMapper JSON = JsonMapper.builder()
      .nodeFactory(ColumnValue.NODES)
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .build();

  private RowDocuments() {}

  public static String fieldPrefix(TableRef table) {
    return (table.schema().isEmpty() ? "" : table.schema() + "_") + table.name() + "_";
  }

  public static String fieldName(TableRef table, String column) {
    return (fieldPrefix(table) + column).toLowerCase(Locale.ROOT);
  }

  /**
   * The field names of a table's columns, or a message naming the columns that map to one field
   * (case twins such as {@code Name} and {@code name}): the reference silently kept one of them.
   */
  public static Optional<String> caseTwins(TableRef table, List<String> columns) {
    Map<String, List<String>> byField = new LinkedHashMap<>();
    for (String c : columns) {
      byField.computeIfAbsent(fieldName(table, c), f -> new ArrayList<>()).add(c);
    }
    List<String> clashes = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byField.entrySet()) {
      if (e.getValue().size() > 1) {
        clashes.add("columns \"" + String.join("\", \"", e.getValue()) + "\" all map to field " + e.getKey());
      }
    }
    if (clashes.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("table " + table + " is not synced: " + String.join("; ", clashes)
        + " (field names are lower case, as in the reference): rename one of them, or leave the table out of 'tables'");
  }

  /** The document fields of one row, as compact JSON in column order. */
  public static String fields(String database, TableRef table, List<String> fieldNames, List<ColumnValue> values) {
    ObjectNode doc = JSON.createObjectNode();
    ObjectNode nonFinite = null;
    for (int i = 0; i < fieldNames.size(); i++) {
      ColumnValue v = values.get(i);
      doc.set(fieldNames.get(i), v.json());
      if (v.nonFinite() != null) {
        if (nonFinite == null) {
          nonFinite = JSON.createObjectNode();
        }
        nonFinite.put(fieldNames.get(i), v.nonFinite());
      }
    }
    doc.put("Database", database);
    doc.put("Table", table.name());
    if (!table.schema().isEmpty()) {
      doc.put("schema", table.schema());
    }
    if (nonFinite != null) {
      doc.set(NON_FINITE_FIELD, nonFinite);
    }
    return write(doc);
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}

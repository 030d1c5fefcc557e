package io.beamconnectors.sources.database;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.beamconnectors.sources.DeferredFields;
import java.io.IOException;
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

  /**
   * The document fields of one row, as compact JSON in column order. Written in one streaming pass
   * (no tree): the same text a tree of these fields would give, as the row's change token needs.
   * The names are distinct, and none is {@code Database}, {@code Table}, {@code schema} or
   * {@link #NON_FINITE_FIELD}: every column's name carries its table's prefix, and a table with
   * case-twin columns is refused ({@link #caseTwins}).
   */
  public static String fields(String database, TableRef table, List<String> fieldNames, List<ColumnValue> values) {
    return new RowShape(database, table, fieldNames).fields(values).json();
  }

  /**
   * The version of what a row's fingerprint ({@link RowShape}) covers. The fingerprint must change
   * whenever the JSON of {@link #fields} would: a change to how a row is written (a field added or
   * renamed, a value written another way) bumps this number, so that every row's token changes
   * once and its document is written again. {@code RowDocumentsTest} pins both the JSON and the
   * fingerprint of sample rows, and fails, naming this constant, when either moves.
   */
  static final int FINGERPRINT_FORMAT = 1;

  /** One row's fields, written straight to the generator the mapper gives (its text buffers recycled). */
  record RowFields(RowShape shape, List<ColumnValue> values) implements JsonSerializable, DeferredFields {
    @Override
    public String json() {
      try {
        return JSON.writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public String fingerprint() {
      return shape.fingerprint(values);
    }

    @Override
    public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
      List<String> fieldNames = shape.fieldNames();
      TableRef table = shape.table();
      g.writeStartObject();
      boolean anyNonFinite = false;
      for (int i = 0; i < fieldNames.size(); i++) {
        ColumnValue v = values.get(i);
        g.writeFieldName(fieldNames.get(i));
        JsonNode value = v.json();
        if (value == null || value.isNull()) {
          g.writeNull();
        } else if (value.isTextual()) {
          g.writeString(value.textValue());
        } else {
          // What the node does inside a tree: numbers exact, nested values in full.
          value.serialize(g, provider);
        }
        anyNonFinite |= v.nonFinite() != null;
      }
      g.writeStringField("Database", shape.database());
      g.writeStringField("Table", table.name());
      if (!table.schema().isEmpty()) {
        g.writeStringField("schema", table.schema());
      }
      if (anyNonFinite) {
        g.writeObjectFieldStart(NON_FINITE_FIELD);
        for (int i = 0; i < fieldNames.size(); i++) {
          if (values.get(i).nonFinite() != null) {
            g.writeStringField(fieldNames.get(i), values.get(i).nonFinite());
          }
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }

    @Override
    public void serializeWithType(JsonGenerator g, SerializerProvider provider, TypeSerializer typeSer) throws IOException {
      serialize(g, provider);
    }
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

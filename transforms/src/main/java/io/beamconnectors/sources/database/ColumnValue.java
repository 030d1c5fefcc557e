package io.beamconnectors.sources.database;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;

/**
 * One column value of one row, converted exactly by a dialect: the JSON value of its document
 * field, its text in a document id (Python's {@code str()} of the reference's driver value, or an
 * exact form where that was lossy), and, for a value JSON and Elasticsearch cannot hold (NaN,
 * infinities, infinite dates), its exact text, kept in {@link RowDocuments#NON_FINITE_FIELD} while
 * the field holds null.
 *
 * @param json the field's value; never null (SQL NULL is {@link NullNode})
 * @param keyText the value's text in an id; null for SQL NULL
 * @param nonFinite the exact text of a value the field cannot hold, or null
 */
public record ColumnValue(JsonNode json, String keyText, String nonFinite) implements java.io.Serializable {
  static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  public static ColumnValue sqlNull() {
    return new ColumnValue(NullNode.getInstance(), null, null);
  }

  public static ColumnValue of(JsonNode json, String keyText) {
    return new ColumnValue(json, keyText, null);
  }

  public static ColumnValue text(String text) {
    return new ColumnValue(TextNode.valueOf(text), text, null);
  }

  /** NaN, Infinity, -Infinity, infinite dates: the field is null and the word is kept beside it. */
  public static ColumnValue nonFinite(String word) {
    return new ColumnValue(NullNode.getInstance(), word, word);
  }

  /**
   * An array, element by element (nested for multi-dimensional arrays): a JSON array; its id text is
   * a JSON array of the elements' id texts (so {@code ["a,b"]} and {@code ["a","b"]} differ); a
   * non-finite element is null in the field and the whole array's exact text is kept.
   */
  public static ColumnValue array(List<ColumnValue> elements) {
    ArrayNode json = NODES.arrayNode();
    ArrayNode key = NODES.arrayNode();
    ArrayNode exact = NODES.arrayNode();
    boolean anyNonFinite = false;
    for (ColumnValue e : elements) {
      json.add(e.json());
      if (e.keyText() == null) {
        key.add(NullNode.getInstance());
      } else {
        key.add(e.json().isArray() ? RowDocuments.parse(e.keyText()) : TextNode.valueOf(e.keyText()));
      }
      if (e.nonFinite() != null) {
        anyNonFinite = true;
        // A nested array's exact text is JSON itself; a scalar's is a word.
        exact.add(e.json().isArray() ? RowDocuments.parse(e.nonFinite()) : TextNode.valueOf(e.nonFinite()));
      } else {
        exact.add(e.json());
      }
    }
    return new ColumnValue(json, RowDocuments.write(key), anyNonFinite ? RowDocuments.write(exact) : null);
  }
}

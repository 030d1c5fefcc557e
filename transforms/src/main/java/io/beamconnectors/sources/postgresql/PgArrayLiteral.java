package io.beamconnectors.sources.postgresql;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses PostgreSQL's text output of an array ({@code {1,2}}, {@code {{1,2},{3,4}}},
 * {@code {"a,b",NULL,"NULL"}}) into nested lists of element texts (null for SQL NULL), so each
 * element can be converted by its type. Returns null for arrays printed with explicit bounds
 * ({@code [0:1]={...}}), which the caller keeps as text.
 */
final class PgArrayLiteral {
  private final String text;
  private int pos;

  private PgArrayLiteral(String text) {
    this.text = text;
  }

  static List<Object> parse(String text) {
    if (!text.startsWith("{")) {
      return null;
    }
    PgArrayLiteral p = new PgArrayLiteral(text);
    List<Object> out = p.array();
    if (p.pos != text.length()) {
      throw new IllegalArgumentException("unexpected text after an array at " + p.pos);
    }
    return out;
  }

  private List<Object> array() {
    expect('{');
    List<Object> out = new ArrayList<>();
    if (peek() == '}') {
      pos++;
      return out;
    }
    while (true) {
      char c = peek();
      if (c == '{') {
        out.add(array());
      } else if (c == '"') {
        out.add(quoted());
      } else {
        String raw = unquoted();
        out.add(raw.equals("NULL") ? null : raw);
      }
      char next = peek();
      pos++;
      if (next == '}') {
        return out;
      }
      if (next != ',') {
        throw new IllegalArgumentException("expected ',' or '}' at " + (pos - 1));
      }
    }
  }

  private String quoted() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = text.charAt(pos++);
      if (c == '\\') {
        sb.append(text.charAt(pos++));
      } else if (c == '"') {
        return sb.toString();
      } else {
        sb.append(c);
      }
    }
  }

  private String unquoted() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) != ',' && text.charAt(pos) != '}') {
      pos++;
    }
    return text.substring(start, pos);
  }

  private char peek() {
    if (pos >= text.length()) {
      throw new IllegalArgumentException("array text ends early");
    }
    return text.charAt(pos);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + pos);
    }
    pos++;
  }
}

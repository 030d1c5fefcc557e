package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysetPredicateTest {
  private static ListedTable table(int keyColumns) {
    List<String> key = new ArrayList<>();
    for (int i = 0; i < keyColumns; i++) {
      key.add("k" + i);
    }
    return new ListedTable(new TableRef("s", "t"), "TABLE", key);
  }

  private static List<String> columns(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("c" + i);
    }
    return out;
  }

  /** Parameter expressions "?0", "?1"...: one '?' each, and the evaluator below knows the column. */
  private static List<String> parameters(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("?" + i);
    }
    return out;
  }

  private static List<String> texts(int... values) {
    List<String> out = new ArrayList<>();
    for (int v : values) {
      out.add(Integer.toString(v));
    }
    return out;
  }

  @Test
  void oneTwoAndThreeColumnKeysAreExpandedWithoutRowValues() {
    TableChunk last1 = new TableChunk(table(1), 1, 2, List.of("t"), texts(5), List.of());
    assertEquals("(c0 >= ?0)", KeysetPredicate.where(last1, columns(1), parameters(1)));
    TableChunk middle2 = new TableChunk(table(2), 1, 3, List.of("t", "t"), texts(1, 2), texts(3, 4));
    assertEquals("(c0 >= ?0 AND (c0 > ?0 OR c1 >= ?1)) AND (c0 <= ?0 AND (c0 < ?0 OR c1 < ?1))",
        KeysetPredicate.where(middle2, columns(2), parameters(2)));
    TableChunk first3 = new TableChunk(table(3), 0, 2, List.of("t", "t", "t"), List.of(), texts(1, 2, 3));
    assertEquals("(c0 <= ?0 AND (c0 < ?0 OR c1 <= ?1 AND (c1 < ?1 OR c2 < ?2)))",
        KeysetPredicate.where(first3, columns(3), parameters(3)));
    assertEquals(List.of(0, 0, 1, 1, 2), KeysetPredicate.parameterColumns(3));
    assertEquals(List.of(0), KeysetPredicate.parameterColumns(1));
  }

  /**
   * Every key of a small three-column domain (with zero and negatives) against every bound: the
   * expanded predicate selects exactly the keys that compare as row values would.
   */
  @Test
  void expandedPredicatesSelectExactlyTheRowValueRange() {
    int[] domain = {-1, 0, 1};
    List<int[]> keys = new ArrayList<>();
    for (int a : domain) {
      for (int b : domain) {
        for (int c : domain) {
          keys.add(new int[] {a, b, c});
        }
      }
    }
    for (int[] bound : keys) {
      List<String> b = texts(bound);
      String lower = KeysetPredicate.where(new TableChunk(table(3), 1, 2, List.of("t", "t", "t"), b, List.of()),
          columns(3), parameters(3));
      String upper = KeysetPredicate.where(new TableChunk(table(3), 0, 2, List.of("t", "t", "t"), List.of(), b),
          columns(3), parameters(3));
      for (int[] key : keys) {
        int cmp = java.util.Arrays.compare(key, bound);
        assertEquals(cmp >= 0, new Evaluator(lower, key, bound).evaluate(), lower + " for " + texts(key));
        assertEquals(cmp < 0, new Evaluator(upper, key, bound).evaluate(), upper + " for " + texts(key));
      }
    }
  }

  @Test
  void bindsLowerThenUpperInTheOrderOfTheirParameters() throws Exception {
    TableChunk middle = new TableChunk(table(2), 1, 3, List.of("ta", "tb"), List.of("a1", "b1"), List.of("a2", "b2"));
    List<String> calls = new ArrayList<>();
    KeysetPredicate.bind(FakeJdbc.preparedStatement(List.of(), calls), middle,
        (s, parameter, type, text) -> s.setString(parameter, type + "=" + text));
    assertEquals(List.of("setString(1, ta=a1)", "setString(2, ta=a1)", "setString(3, tb=b1)",
        "setString(4, ta=a2)", "setString(5, ta=a2)", "setString(6, tb=b2)"), calls);
  }

  @Test
  void refusesAWholeTableAndParametersWithoutExactlyOneMark() {
    assertThrows(IllegalArgumentException.class,
        () -> KeysetPredicate.where(TableChunk.whole(table(1)), columns(1), parameters(1)));
    TableChunk last = new TableChunk(table(1), 1, 2, List.of("t"), texts(5), List.of());
    assertThrows(IllegalArgumentException.class, () -> KeysetPredicate.where(last, columns(1), List.of("x")));
    assertThrows(IllegalArgumentException.class, () -> KeysetPredicate.where(last, columns(1), List.of("? + ?")));
    assertThrows(IllegalArgumentException.class, () -> KeysetPredicate.where(last, columns(2), parameters(2)));
  }

  /** Evaluates the predicates {@link KeysetPredicate#where} writes: cN OP ?N, AND, OR, parentheses. */
  private static final class Evaluator {
    private final String[] tokens;
    private final int[] key;
    private final int[] bound;
    private int at;

    Evaluator(String sql, int[] key, int[] bound) {
      this.tokens = sql.replace("(", " ( ").replace(")", " ) ").trim().split("\\s+");
      this.key = key;
      this.bound = bound;
    }

    boolean evaluate() {
      boolean v = or();
      assertEquals(tokens.length, at, "the whole predicate is read");
      return v;
    }

    private boolean or() {
      boolean v = and();
      while (at < tokens.length && tokens[at].equals("OR")) {
        at++;
        v |= and();
      }
      return v;
    }

    private boolean and() {
      boolean v = factor();
      while (at < tokens.length && tokens[at].equals("AND")) {
        at++;
        v &= factor();
      }
      return v;
    }

    private boolean factor() {
      if (tokens[at].equals("(")) {
        at++;
        boolean v = or();
        assertEquals(")", tokens[at++]);
        return v;
      }
      int c = key[Integer.parseInt(tokens[at++].substring(1))];
      String op = tokens[at++];
      int p = bound[Integer.parseInt(tokens[at++].substring(1))];
      return switch (op) {
        case ">=" -> c >= p;
        case ">" -> c > p;
        case "<=" -> c <= p;
        case "<" -> c < p;
        default -> throw new AssertionError("operator " + op);
      };
    }
  }
}

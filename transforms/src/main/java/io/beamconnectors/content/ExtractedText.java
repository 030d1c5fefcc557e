package io.beamconnectors.content;

/**
 * The last pass over extracted text: U+FFFD (what a decoder leaves for bytes it could not read)
 * removed and, with {@code reduce_whitespace}, every run of whitespace made one space and the ends
 * trimmed. The same result as {@code replace("\uFFFD", "")}, then {@code replaceAll("\\s+", " ")},
 * then {@code trim()} (so whitespace is what the regex {@code \s} matches: space, tab, line feed,
 * vertical tab, form feed, carriage return), without a regex. One place for what the plain-text
 * decoder and Tika both did.
 *
 * <p>Text the clean-up leaves as it is (no U+FFFD, whitespace only as single inner spaces) is only
 * searched, with {@link String#indexOf}, which the JDK runs as a vector loop; other text is
 * rewritten in one pass over its characters in an array.
 */
final class ExtractedText {
  private ExtractedText() {}

  static String clean(CharSequence text, boolean reduceWhitespace) {
    String s = text.toString();
    int first = firstChange(s, reduceWhitespace);
    if (first < 0) {
      return s; // nothing to drop or collapse: most text without line breaks, e.g. one long line
    }
    char[] c = s.toCharArray();
    int n = c.length;
    // Up to first, whitespace appears only as single spaces, and not at the start.
    int kept = first;
    boolean inRun = first > 0 && c[first - 1] == ' ';
    for (int i = first; i < n; i++) {
      char ch = c[i];
      if (ch == '\uFFFD') {
        continue; // dropped before the whitespace rule: a run around it stays one run
      }
      if (reduceWhitespace && isRegexSpace(ch)) {
        if (!inRun) {
          c[kept++] = ' ';
          inRun = true;
        }
        continue;
      }
      inRun = false;
      c[kept++] = ch;
    }
    int from = 0;
    if (reduceWhitespace) {
      // trim(): whatever is at or below U+0020 at either end
      while (kept > 0 && c[kept - 1] <= ' ') {
        kept--;
      }
      while (from < kept && c[from] <= ' ') {
        from++;
      }
    }
    return new String(c, from, kept - from);
  }

  /**
   * The index of the first character the clean-up changes or drops (a U+FFFD; with {@code
   * reduceWhitespace}, whitespace other than a space, a space after a space, or at either end any
   * character up to U+0020, which {@code trim()} drops), or -1 when the text stays as it is.
   */
  static int firstChange(String s, boolean reduceWhitespace) {
    int n = s.length();
    int first = s.indexOf('\uFFFD');
    if (!reduceWhitespace) {
      return first;
    }
    if (n > 0 && s.charAt(0) <= ' ') {
      return 0;
    }
    first = earlier(first, s.indexOf('\n'));
    first = earlier(first, s.indexOf('\r'));
    first = earlier(first, s.indexOf('\t'));
    first = earlier(first, s.indexOf('\f'));
    first = earlier(first, s.indexOf('\u000B'));
    int twoSpaces = s.indexOf("  ");
    first = earlier(first, twoSpaces < 0 ? -1 : twoSpaces + 1); // the second space is the change
    if (first < 0 && n > 0 && s.charAt(n - 1) <= ' ') {
      return n - 1;
    }
    return first;
  }

  /** The smaller of two indexes, -1 standing for "not found". */
  private static int earlier(int a, int b) {
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }

  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}

package io.beamconnectors.content;

/**
 * The last pass over extracted text: U+FFFD (what a decoder leaves for bytes it could not read)
 * removed and, with {@code reduce_whitespace}, every run of whitespace made one space and the ends
 * trimmed. The same result as {@code replace("\uFFFD", "")}, then {@code replaceAll("\\s+", " ")},
 * then {@code trim()} (so whitespace is what the regex {@code \s} matches: space, tab, line feed,
 * vertical tab, form feed, carriage return), without a regex. One place for what the plain-text
 * decoder and Tika both did. Text the clean-up leaves as it is (no U+FFFD, whitespace only as
 * single inner spaces) is only scanned, not copied character by character.
 */
final class ExtractedText {
  private ExtractedText() {}

  static String clean(CharSequence text, boolean reduceWhitespace) {
    String s = text.toString();
    int first = firstChange(s, reduceWhitespace);
    if (first < 0) {
      return s; // nothing to drop or collapse: most text without line breaks, e.g. one long line
    }
    int n = s.length();
    StringBuilder out = new StringBuilder(n);
    out.append(s, 0, first);
    // Up to first, whitespace appears only as single spaces, and not at the start.
    boolean inRun = first > 0 && s.charAt(first - 1) == ' ';
    for (int i = first; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\uFFFD') {
        continue; // dropped before the whitespace rule: a run around it stays one run
      }
      if (reduceWhitespace && isRegexSpace(c)) {
        if (!inRun) {
          out.append(' ');
          inRun = true;
        }
        continue;
      }
      inRun = false;
      out.append(c);
    }
    String cleaned = out.toString();
    return reduceWhitespace ? cleaned.trim() : cleaned;
  }

  /**
   * The index of the first character the clean-up changes or drops (a U+FFFD; with {@code
   * reduceWhitespace}, whitespace other than a space, a space after a space, or at either end any
   * character up to U+0020, which {@code trim()} drops), or -1 when the text stays as it is.
   */
  static int firstChange(String s, boolean reduceWhitespace) {
    int n = s.length();
    if (reduceWhitespace && n > 0 && s.charAt(0) <= ' ') {
      return 0;
    }
    boolean previousSpace = false;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\uFFFD') {
        return i;
      }
      if (reduceWhitespace) {
        boolean space = c == ' ';
        if ((space && previousSpace) || (!space && isRegexSpace(c))) {
          return i;
        }
        previousSpace = space;
      }
    }
    return reduceWhitespace && n > 0 && s.charAt(n - 1) <= ' ' ? n - 1 : -1;
  }

  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}

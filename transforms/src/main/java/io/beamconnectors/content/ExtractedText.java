package io.beamconnectors.content;

/**
 * The last pass over extracted text: U+FFFD (what a decoder leaves for bytes it could not read)
 * removed and, with {@code reduce_whitespace}, every run of whitespace made one space and the ends
 * trimmed. The same result as {@code replace("\uFFFD", "")}, then {@code replaceAll("\\s+", " ")},
 * then {@code trim()} (so whitespace is what the regex {@code \s} matches: space, tab, line feed,
 * vertical tab, form feed, carriage return), in one pass without a regex. One place for what the
 * plain-text decoder and Tika both did; measured, it is only a little faster (1.9 against 2.2 ms
 * per MiB of text, docs/benchmarks.md "Fourth round").
 */
final class ExtractedText {
  private ExtractedText() {}

  static String clean(CharSequence text, boolean reduceWhitespace) {
    int n = text.length();
    StringBuilder out = new StringBuilder(n);
    boolean inRun = false;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
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
    String s = out.toString();
    return reduceWhitespace ? s.trim() : s;
  }

  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}

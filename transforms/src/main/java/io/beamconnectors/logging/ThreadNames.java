package io.beamconnectors.logging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a log line names its thread. A Flink task thread is named after its whole operator chain and
 * its subtask ({@code "CHAIN GroupReduce (...) -> FlatMap (...) (2/4)#0"}), often over 1,000
 * characters; such a name keeps its first {@link #HEAD} characters and its subtask. Every other
 * name, and a task's name too short to be worth cutting, is kept whole. The one rule for the plain
 * log lines of the pipelines and the launcher (their logback converter) and for the messages that
 * name a thread themselves.
 */
public final class ThreadNames {
  /** Characters of a long task name kept before its subtask. */
  static final int HEAD = 40;
  /** A name is cut only when it would lose at least this many characters. */
  private static final int LEAST_CUT = 20;
  private static final Pattern FLINK_SUBTASK = Pattern.compile(" \\(\\d+/\\d+\\)#\\d+$");

  private ThreadNames() {}

  /** {@code name} as a log line shows it (see the class comment); null stays null. */
  public static String shortened(String name) {
    if (name == null) {
      return null;
    }
    Matcher subtask = FLINK_SUBTASK.matcher(name);
    if (!subtask.find() || subtask.start() < HEAD + LEAST_CUT) {
      return name;
    }
    // Never half a surrogate pair: a name with a character outside the BMP just there keeps one less.
    int head = Character.isHighSurrogate(name.charAt(HEAD - 1)) ? HEAD - 1 : HEAD;
    return name.substring(0, head) + "..." + subtask.group();
  }
}

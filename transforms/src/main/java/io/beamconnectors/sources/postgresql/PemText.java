package io.beamconnectors.sources.postgresql;

/** Re-wraps a PEM certificate pasted as one line (as the reference does) into 64-column PEM. */
final class PemText {
  private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String END = "-----END CERTIFICATE-----";

  private PemText() {}

  static String normalize(String text) {
    String t = text.trim();
    if (t.contains("\n")) {
      return t.endsWith("\n") ? t : t + "\n";
    }
    String body = t.replace(BEGIN, "").replace(END, "").replaceAll("\\s+", "");
    StringBuilder sb = new StringBuilder(BEGIN).append('\n');
    for (int i = 0; i < body.length(); i += 64) {
      sb.append(body, i, Math.min(body.length(), i + 64)).append('\n');
    }
    return sb.append(END).append('\n').toString();
  }
}

package io.beamconnectors.content;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * Not a test: a timing of the plain-text path alone (decode and clean-up of one file of 1 MiB, as
 * a download slot does it), for docs/benchmarks.md. The sync-level bench cannot see a change of a
 * few milliseconds per file through its run-to-run spread. Prints milliseconds per file for the
 * first 20 files of each kind (a JVM still compiling, as in a sync) and for 200 files after 600
 * more (compiled). Run it from the repository's root:
 *
 * <pre>
 * mvn -o -q -B -ntp test-compile dependency:build-classpath -pl transforms -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx1g -XX:+UseParallelGC -cp transforms/target/test-classes:transforms/target/classes:$(cat /tmp/cp.txt) \
 *   io.beamconnectors.content.TextPathTiming
 * </pre>
 */
public final class TextPathTiming {
  private TextPathTiming() {}

  public static void main(String[] args) throws IOException {
    Random random = new Random(20261208);
    byte[] noise = new byte[800_000];
    random.nextBytes(noise);
    // The bench's large files: base64 letters on one line, 1 MiB, over the default cap of 1,000,000 characters.
    byte[] base64 = java.util.Arrays.copyOf(Base64.getEncoder().encode(noise), 1 << 20);
    String[] words = {"the", "quick", "\"brown\"", "fox", "jumps", "over", "a", "lazy", "dog;", "and", "then"};
    String[] accented = {"Grüße", "naïve", "Ωmega", "日本語", "café"};
    StringBuilder ascii = new StringBuilder();
    StringBuilder utf8 = new StringBuilder();
    while (ascii.length() < 950_000) {
      if (random.nextInt(12) == 0) {
        ascii.append("\n    ");
        utf8.append("\n    ");
      }
      String w = words[random.nextInt(words.length)];
      ascii.append(w).append(' ');
      utf8.append(random.nextInt(8) == 0 ? accented[random.nextInt(accented.length)] : w).append(' ');
    }
    Object[][] kinds = {
        {"base64, one line, 1 MiB (cut at the cap)", base64},
        {"ASCII text in lines, 0.95 MB", ascii.toString().getBytes(StandardCharsets.UTF_8)},
        {"UTF-8 text in lines, 1 MB", utf8.toString().getBytes(StandardCharsets.UTF_8)}};
    PlainTextDecoder decoder = new PlainTextDecoder(ContentSettings.DEFAULT_MAX_CHARS, true);
    long sink = 0;
    for (Object[] kind : kinds) {
      byte[] file = (byte[]) kind[1];
      double cold = time(decoder, file, 20);
      time(decoder, file, 600);
      double warm = time(decoder, file, 200);
      System.out.printf("%-42s first 20 files %6.2f ms/file   after 620 %6.2f ms/file%n", kind[0], cold, warm);
      sink += decoder.decode(new ByteArrayInputStream(file)).text().length();
    }
    System.out.println("(characters of the last texts: " + sink + ")");
  }

  private static double time(PlainTextDecoder decoder, byte[] file, int files) throws IOException {
    long chars = 0;
    long start = System.nanoTime();
    for (int i = 0; i < files; i++) {
      chars += decoder.decode(new ByteArrayInputStream(file)).text().length();
    }
    long took = System.nanoTime() - start;
    if (chars == 0) {
      throw new IllegalStateException("no text decoded");
    }
    return took / 1e6 / files;
  }
}

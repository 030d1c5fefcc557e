package io.beamconnectors.ftest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a sync's CPU time goes, read from a JFR recording's {@code jdk.ExecutionSample} events
 * (threads running Java code, sampled every 10 ms with the {@code profile} settings): the methods
 * most often on top of the sampled stack (self time) and the methods most often anywhere in it
 * (total time: the frame that shows, for instance, the DirectRunner's timer bookkeeping under its
 * monitor thread). Left out of the total ranking: thread and executor plumbing ({@code java.lang.Thread},
 * {@code java.util.concurrent}), which sits under nearly every sample, and pass-through frames, which
 * hand at least {@value #PASS_THROUGH_PERCENT}% of their samples to one callee (a chain such as
 * {@code ClassLoader.loadClass} -> ... -> {@code BuiltinClassLoader.findClassOnClassPathOrNull}
 * shows once, as the callee where the time fans out).
 *
 * <p>Usage: {@code HotMethods RECORDING.jfr [TOP=10] [OUT.json]}: prints both rankings and writes
 * them as JSON when OUT is given.
 */
public final class HotMethods {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";
  static final int PASS_THROUGH_PERCENT = 99;

  /** One ranked method: its samples and their share of all samples, in percent. */
  public record Entry(String method, long samples, double percent) {}

  /**
   * The rankings of one recording. {@code truncatedStacks} counts samples whose stack was deeper
   * than the recording kept (their outermost frames are missing from the total ranking).
   */
  public record Profile(long samples, long truncatedStacks, List<Entry> self, List<Entry> total) {}

  private HotMethods() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: HotMethods RECORDING.jfr [TOP] [OUT.json]");
      System.exit(2);
    }
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Profile profile = read(Path.of(args[0]), top);
    System.out.print(format(profile));
    if (args.length > 2) {
      JSON.writerWithDefaultPrettyPrinter().writeValue(Path.of(args[2]).toFile(), profile);
    }
  }

  /** Reads every execution sample of the recording and ranks its methods. */
  public static Profile read(Path recording, int top) throws IOException {
    if (!Files.isRegularFile(recording)) {
      throw new IllegalArgumentException("no JFR recording at " + recording
          + ": run the JVM with -XX:StartFlightRecording=filename=...,dumponexit=true");
    }
    Tally tally = new Tally();
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        if (!event.getEventType().getName().equals(EXECUTION_SAMPLE) || event.getStackTrace() == null) {
          continue;
        }
        RecordedStackTrace stack = event.getStackTrace();
        List<String> frames = new ArrayList<>(stack.getFrames().size());
        for (RecordedFrame frame : stack.getFrames()) {
          if (frame.isJavaFrame() && frame.getMethod() != null) {
            frames.add(name(frame.getMethod()));
          }
        }
        tally.add(frames, stack.isTruncated());
      }
    }
    return tally.profile(top);
  }

  static String name(RecordedMethod method) {
    return method.getType().getName() + "." + method.getName();
  }

  /** Both rankings as a few lines of text, package names shortened to their initials. */
  public static String format(Profile profile) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "  %,d execution samples%s%n", profile.samples(),
        profile.truncatedStacks() == 0 ? "" : String.format(Locale.ROOT, " (%,d with truncated stacks)",
            profile.truncatedStacks())));
    section(out, "top methods by self time (top frame)", profile.self());
    section(out, "top methods by total time (anywhere in the stack)", profile.total());
    return out.toString();
  }

  private static void section(StringBuilder out, String title, List<Entry> entries) {
    out.append("  ").append(title).append(":\n");
    for (Entry e : entries) {
      out.append(String.format(Locale.ROOT, "  %6.1f%% %8d  %s%n", e.percent(), e.samples(), shorten(e.method())));
    }
  }

  /** {@code org.apache.beam.runners.direct.WatermarkManager.refresh} -> {@code o.a.b.r.d.WatermarkManager.refresh}. */
  static String shorten(String method) {
    String[] parts = method.split("\\.");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      boolean isPackage = i < parts.length - 2 && !parts[i].isEmpty() && Character.isLowerCase(parts[i].charAt(0));
      b.append(isPackage ? parts[i].substring(0, 1) : parts[i]);
      if (i < parts.length - 1) {
        b.append('.');
      }
    }
    return b.toString();
  }

  /** Thread and executor frames: under almost every sample, they would crowd the total ranking. */
  static boolean plumbing(String method) {
    return method.startsWith("java.lang.Thread.") || method.startsWith("java.util.concurrent.");
  }

  /** Counts samples per method; frames are given innermost first, as JFR stores them. */
  static final class Tally {
    private final Map<String, Long> self = new HashMap<>();
    private final Map<String, Long> total = new HashMap<>();
    /** Per caller, the samples in which it called each callee directly. */
    private final Map<String, Map<String, Long>> calls = new HashMap<>();
    private long samples;
    private long truncated;

    void add(List<String> frames, boolean truncatedStack) {
      samples++;
      if (truncatedStack) {
        truncated++;
      }
      if (frames.isEmpty()) {
        return;
      }
      self.merge(frames.get(0), 1L, Long::sum);
      // A recursive method counts once per sample, however often it is on the stack.
      Set<String> seen = new HashSet<>();
      Set<String> edges = new HashSet<>();
      for (int i = 0; i < frames.size(); i++) {
        String f = frames.get(i);
        if (seen.add(f) && !plumbing(f)) {
          total.merge(f, 1L, Long::sum);
        }
        if (i > 0 && !f.equals(frames.get(i - 1)) && edges.add(f + '\n' + frames.get(i - 1))) {
          calls.computeIfAbsent(f, k -> new HashMap<>()).merge(frames.get(i - 1), 1L, Long::sum);
        }
      }
    }

    /** True when one callee got at least PASS_THROUGH_PERCENT of the method's samples. */
    private boolean passThrough(String method, long samplesOfMethod) {
      Map<String, Long> callees = calls.get(method);
      if (callees == null) {
        return false;
      }
      long most = callees.values().stream().mapToLong(Long::longValue).max().orElse(0);
      return most * 100 >= samplesOfMethod * PASS_THROUGH_PERCENT;
    }

    Profile profile(int top) {
      if (top < 1) {
        throw new IllegalArgumentException("TOP must be at least 1, got " + top);
      }
      Map<String, Long> fanOut = new HashMap<>(total);
      fanOut.entrySet().removeIf(e -> passThrough(e.getKey(), e.getValue()));
      return new Profile(samples, truncated, rank(self, top), rank(fanOut, top));
    }

    private List<Entry> rank(Map<String, Long> counts, int top) {
      return counts.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
          .limit(top)
          .map(e -> new Entry(e.getKey(), e.getValue(), Math.round(e.getValue() * 1000.0 / samples) / 10.0))
          .toList();
    }
  }
}

package io.beamconnectors.content;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * How file content is handled after the reconcile step. Defaults are the reference's: content on,
 * 10 MiB cap, its extension list (matched case-sensitively, as the reference does); plus how many
 * files one worker downloads at once. Immutable; every {@code with*} checks its value.
 */
public record ContentSettings(Mode mode, long maxFileSizeBytes, Set<String> extensions, int maxExtractedChars,
    int timeoutSeconds, boolean reduceWhitespace, int parallelDownloads) implements Serializable {

  /** What to put in the document. */
  public enum Mode {
    /** Extract text with Tika into {@code body} (default). */
    EXTRACT,
    /** Send the base64 bytes as {@code _attachment} for an ingest pipeline with the attachment processor. */
    ATTACHMENT,
    /** Metadata only; never download. */
    NONE
  }

  /** The reference's TIKA_SUPPORTED_FILETYPES (8.8). */
  public static final List<String> DEFAULT_EXTENSIONS = List.of(
      ".txt", ".py", ".rst", ".html", ".markdown", ".json", ".xml", ".csv", ".md", ".ppt", ".rtf",
      ".docx", ".odt", ".xls", ".xlsx", ".rb", ".paper", ".sh", ".pptx", ".pdf", ".doc", ".aspx",
      ".xlsb", ".xlsm");
  public static final long DEFAULT_MAX_FILE_SIZE = 10L * 1024 * 1024;
  public static final int DEFAULT_MAX_CHARS = 1_000_000;
  public static final int DEFAULT_TIMEOUT_SECONDS = 60;
  /**
   * Files one fetching DoFn instance downloads and extracts at once: enough to keep a loopback or LAN
   * source busy while Tika and the writes use the cores, few enough that a worker holds a handful of
   * source connections.
   */
  public static final int DEFAULT_PARALLEL_DOWNLOADS = 8;
  /** More would only add connections and threads: a worker has a few cores. */
  public static final int MAX_PARALLEL_DOWNLOADS = 64;

  public ContentSettings {
    checkArgument(mode != null, "content mode must not be null");
    checkArgument(maxFileSizeBytes >= 0, "maxFileSizeBytes must not be negative, got %s", maxFileSizeBytes);
    checkArgument(extensions != null, "extensions must not be null");
    checkArgument(maxExtractedChars > 0, "maxExtractedChars must be positive, got %s", maxExtractedChars);
    checkArgument(timeoutSeconds > 0, "timeoutSeconds must be positive, got %s", timeoutSeconds);
    checkArgument(parallelDownloads >= 1 && parallelDownloads <= MAX_PARALLEL_DOWNLOADS,
        "parallelDownloads must be between 1 and %s, got %s", MAX_PARALLEL_DOWNLOADS, parallelDownloads);
    extensions = Set.copyOf(extensions);
  }

  public static ContentSettings defaults() {
    return new ContentSettings(Mode.EXTRACT, DEFAULT_MAX_FILE_SIZE, Set.copyOf(DEFAULT_EXTENSIONS),
        DEFAULT_MAX_CHARS, DEFAULT_TIMEOUT_SECONDS, true, DEFAULT_PARALLEL_DOWNLOADS);
  }

  public ContentSettings withMode(Mode v) {
    return new ContentSettings(v, maxFileSizeBytes, extensions, maxExtractedChars, timeoutSeconds, reduceWhitespace, parallelDownloads);
  }

  public ContentSettings withMaxFileSizeBytes(long v) {
    return new ContentSettings(mode, v, extensions, maxExtractedChars, timeoutSeconds, reduceWhitespace, parallelDownloads);
  }

  public ContentSettings withExtensions(Set<String> v) {
    return new ContentSettings(mode, maxFileSizeBytes, v, maxExtractedChars, timeoutSeconds, reduceWhitespace, parallelDownloads);
  }

  public ContentSettings withMaxExtractedChars(int v) {
    return new ContentSettings(mode, maxFileSizeBytes, extensions, v, timeoutSeconds, reduceWhitespace, parallelDownloads);
  }

  public ContentSettings withTimeoutSeconds(int v) {
    return new ContentSettings(mode, maxFileSizeBytes, extensions, maxExtractedChars, v, reduceWhitespace, parallelDownloads);
  }

  public ContentSettings withReduceWhitespace(boolean v) {
    return new ContentSettings(mode, maxFileSizeBytes, extensions, maxExtractedChars, timeoutSeconds, v, parallelDownloads);
  }

  /** How many files one worker (one DoFn instance) downloads and extracts at once; 1 is the serial behaviour. */
  public ContentSettings withParallelDownloads(int v) {
    return new ContentSettings(mode, maxFileSizeBytes, extensions, maxExtractedChars, timeoutSeconds, reduceWhitespace, v);
  }
}

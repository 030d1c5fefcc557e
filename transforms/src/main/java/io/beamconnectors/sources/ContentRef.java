package io.beamconnectors.sources;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where a file's bytes live, small enough to travel through a shuffle: the source-specific
 * location (path, bucket/key, container/blob), the file name (for the extension and Tika's type
 * hint) and the size in bytes. Listing never downloads content; this is all it records.
 */
public final class ContentRef implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String location;
  private final String fileName;
  private final long sizeBytes;

  public ContentRef(String location, String fileName, long sizeBytes) {
    this.location = Objects.requireNonNull(location, "location");
    this.fileName = Objects.requireNonNull(fileName, "fileName");
    this.sizeBytes = sizeBytes;
  }

  public String location() {
    return location;
  }

  public String fileName() {
    return fileName;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  /** The extension with its dot, as the reference's {@code os.path.splitext} gives it ("" if none). */
  public String extension() {
    int slash = fileName.lastIndexOf('/');
    String base = slash >= 0 ? fileName.substring(slash + 1) : fileName;
    int dot = base.lastIndexOf('.');
    // splitext ignores leading dots: ".bashrc" has no extension.
    int firstNonDot = 0;
    while (firstNonDot < base.length() && base.charAt(firstNonDot) == '.') {
      firstNonDot++;
    }
    return dot >= firstNonDot ? base.substring(dot) : "";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContentRef c
        && c.location.equals(location)
        && c.fileName.equals(fileName)
        && c.sizeBytes == sizeBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(location, fileName, sizeBytes);
  }

  @Override
  public String toString() {
    return "ContentRef{" + location + ", " + sizeBytes + " bytes}";
  }
}

package io.beamconnectors.sources.networkdrive;

import io.beamconnectors.sources.Scope;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured {@code drive_path} split into the share (its first segment) and the folder inside
 * the share to walk, plus the path arithmetic the listing needs. Paths inside the share are
 * '/'-separated, without leading or trailing slashes ("" is the share root).
 */
final class SmbPaths implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String share;
  private final String base;

  private SmbPaths(String share, String base) {
    this.share = share;
    this.base = base;
  }

  static SmbPaths of(String drivePath) {
    List<String> segments = segments(drivePath);
    if (segments.isEmpty()) {
      return new SmbPaths("", "");
    }
    return new SmbPaths(segments.get(0), String.join("/", segments.subList(1, segments.size())));
  }

  static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.trim().split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  String share() {
    return share;
  }

  /** The folder inside the share the walk starts from ("" for the share root). */
  String base() {
    return base;
  }

  /** A child's path inside the share. */
  static String child(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The scope of a directory (path inside the share): share + each of its segments. */
  Scope directoryScope(String dir) {
    List<String> parts = new ArrayList<>();
    parts.add(share);
    parts.addAll(segments(dir));
    return Scope.of(parts.toArray(new String[0]));
  }

  /** A record's scope: its full parent directory path. */
  Scope recordScope(String pathInShare) {
    return directoryScope(parent(pathInShare));
  }

  /** The reference's full UNC path: {@code \\server\share\dir\name}. */
  String uncPath(String server, String pathInShare) {
    StringBuilder sb = new StringBuilder("\\\\").append(server).append('\\').append(share);
    if (!pathInShare.isEmpty()) {
      sb.append('\\').append(pathInShare.replace('/', '\\'));
    }
    return sb.toString();
  }
}

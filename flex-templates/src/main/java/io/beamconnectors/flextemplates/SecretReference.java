package io.beamconnectors.flextemplates;

import io.beamconnectors.sources.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a secret lives, as given in a template parameter: never the secret itself.
 * <ul>
 *   <li>{@code projects/P/secrets/S/versions/V}: a Secret Manager secret version (the only form
 *       the template metadata accepts, so the only one on Dataflow);</li>
 *   <li>{@code env:NAME}: an environment variable of the process (local runs);</li>
 *   <li>{@code file:/path}: a file's content, one trailing newline dropped (local runs).</li>
 * </ul>
 * Errors name the option and the expected form, never the value (it may be a pasted secret).
 *
 * @param option the option the reference came from, for messages
 * @param kind where the secret lives
 * @param location the resource name, variable name or path
 */
public record SecretReference(String option, Kind kind, String location) {
  /** Secret Manager secret version names, as the template metadata's regex. */
  public static final String SECRET_VERSION_REGEX = "^projects/[^/\\s]+/secrets/[^/\\s]+/versions/[^/\\s]+$";
  private static final Pattern SECRET_VERSION = Pattern.compile(SECRET_VERSION_REGEX);
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Where a secret lives. */
  public enum Kind { SECRET_MANAGER, ENV, FILE }

  /** Reads one Secret Manager secret version (the real one is {@link SecretManagerAccess}). */
  @FunctionalInterface
  public interface SecretManager {
    String access(String secretVersionName) throws IOException;
  }

  /** Parses the option's value; the value is checked for its form only. */
  public static SecretReference parse(String option, String value) {
    String v = value == null ? "" : value.trim();
    if (SECRET_VERSION.matcher(v).matches()) {
      return new SecretReference(option, Kind.SECRET_MANAGER, v);
    }
    if (v.startsWith("env:") && ENV_NAME.matcher(v.substring(4)).matches()) {
      return new SecretReference(option, Kind.ENV, v.substring(4));
    }
    if (v.startsWith("file:") && v.length() > 5) {
      return new SecretReference(option, Kind.FILE, v.substring(5));
    }
    throw new ConfigurationException("--" + option + " must name where the secret is, not hold it: a Secret Manager"
        + " version projects/PROJECT/secrets/NAME/versions/VERSION, or for a local run env:VARIABLE or file:/path");
  }

  /** The secret's value. */
  public String resolve(Map<String, String> env, SecretManager secretManager) {
    String value;
    switch (kind) {
      case ENV -> {
        value = env.get(location);
        if (value == null || value.isEmpty()) {
          throw new ConfigurationException("--" + option + " names the environment variable " + location
              + ", which is not set: export it or point --" + option + " elsewhere");
        }
      }
      case FILE -> {
        Path file = Path.of(location);
        try {
          value = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          throw new ConfigurationException("--" + option + " names the file '" + location
              + "', which cannot be read: check the path and its permissions");
        }
        if (value.endsWith("\r\n")) {
          value = value.substring(0, value.length() - 2);
        } else if (value.endsWith("\n")) {
          value = value.substring(0, value.length() - 1);
        }
      }
      default -> {
        if (secretManager == null) {
          throw new ConfigurationException("--" + option + " names a Secret Manager secret but no Secret Manager"
              + " client is available: run on Google Cloud or use env:VARIABLE / file:/path locally");
        }
        try {
          value = secretManager.access(location);
        } catch (IOException | RuntimeException e) {
          // The client's message names the resource and the status (PERMISSION_DENIED, NOT_FOUND), never the payload.
          throw new ConfigurationException("--" + option + ": Secret Manager could not read " + location + " ("
              + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()))
              + "): check the name and that the job's service account has roles/secretmanager.secretAccessor");
        }
      }
    }
    if (value == null || value.isEmpty()) {
      throw new ConfigurationException("--" + option + " points at an empty secret: store the value there");
    }
    return value;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}

package io.beamconnectors.sources.database;

import io.beamconnectors.sources.ConfigurationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code host} field of a database source, checked to be only a host: a host name (letters,
 * digits, '-', '_', '.'), an IPv4 address, or an IPv6 address (bracketed or not), never a port, a
 * path, parameters or a connect descriptor, which could otherwise be smuggled into a JDBC URL.
 *
 * @param address the host name or IP address, IPv6 without brackets
 * @param zone an IPv6 zone such as {@code %eth0}, or ""
 * @param ipv6 whether {@code address} is an IPv6 address
 */
public record DatabaseHost(String address, String zone, boolean ipv6) {
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?");
  private static final Pattern IPV6 =
      Pattern.compile("\\[?([0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)(%[A-Za-z0-9_.-]+)?]?");

  /**
   * {@code host} checked, or a {@link ConfigurationException} naming the field.
   *
   * @param zoneAllowed whether an IPv6 zone ({@code fe80::1%eth0}) is accepted
   * @param without what the field must not hold besides a host, for the message ("port, path or parameters")
   */
  public static DatabaseHost parse(String host, boolean zoneAllowed, String without) {
    String h = host == null ? "" : host.trim();
    if (HOST_NAME.matcher(h).matches()) {
      return new DatabaseHost(h, "", false);
    }
    Matcher m = IPV6.matcher(h);
    if (!h.isEmpty() && m.matches() && (zoneAllowed || m.group(2) == null)) {
      return new DatabaseHost(m.group(1), m.group(2) == null ? "" : m.group(2), true);
    }
    throw new ConfigurationException("'Host' (host) must be a host name or an IP address, without " + without
        + ": got '" + host + "'");
  }
}

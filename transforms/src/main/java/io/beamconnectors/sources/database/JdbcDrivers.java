package io.beamconnectors.sources.database;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the JDBC driver for a URL among the drivers next to this class, without
 * {@link DriverManager}, and takes back the registrations the drivers made there when this code
 * runs as a job's user code.
 *
 * <p>Why: {@link DriverManager} is one registry for the whole JVM, and every JDBC driver adds
 * itself to it when its class is first used. On a Flink session cluster each sync job runs in a
 * class loader of its own, inside a TaskManager that outlives the job; a driver registered from
 * that loader keeps the loader, and with it every class the job loaded, reachable after the job
 * ended: about 25 MB of the TaskManager's metaspace per sync, until the TaskManager fails with
 * {@code OutOfMemoryError: Metaspace} (Flink's default metaspace is 256 MB). The sync connects
 * through the driver it found here, never through {@link DriverManager}, so those registrations
 * serve nothing and are removed as soon as they are made. Loaded by the JVM's own class path
 * (DirectRunner, the launcher, an embedded Flink cluster, Dataflow's workers), the drivers are the
 * JVM's for its whole life and are left registered for any other code there.
 */
final class JdbcDrivers {
  /** What {@link DriverManager} answers for a URL no driver takes: "unable to connect". */
  static final String NO_DRIVER_STATE = "08001";

  private JdbcDrivers() {}

  /** A connection through {@link #forUrl}'s driver (what {@link DriverManager#getConnection} would open). */
  static Connection connect(String url, Properties properties) throws SQLException {
    Connection c = forUrl(url).connect(url, properties);
    if (c == null) {
      throw new SQLException("the JDBC driver for '" + scheme(url) + "' declined the URL", NO_DRIVER_STATE);
    }
    return c;
  }

  /**
   * The first driver on this class's class path that accepts {@code url}. A driver that cannot be
   * loaded is skipped, as {@link DriverManager} skips it; if no driver takes the URL, the error
   * carries what went wrong with those.
   */
  static Driver forUrl(String url) throws SQLException {
    ClassLoader own = JdbcDrivers.class.getClassLoader();
    List<Throwable> unloadable = new ArrayList<>();
    try {
      Iterator<Driver> drivers = ServiceLoader.load(Driver.class, own).iterator();
      while (true) {
        Driver driver;
        try {
          if (!drivers.hasNext()) {
            break;
          }
          driver = drivers.next();
        } catch (ServiceConfigurationError | LinkageError e) {
          unloadable.add(e);
          continue;
        }
        if (driver.acceptsURL(url)) {
          return driver;
        }
      }
    } finally {
      releaseRegistrations(own);
    }
    SQLException none = new SQLException("no JDBC driver on the class path accepts URLs starting with '" + scheme(url)
        + "'", NO_DRIVER_STATE);
    unloadable.forEach(none::addSuppressed);
    throw none;
  }

  /**
   * Removes from {@link DriverManager} the drivers loaded by {@code loader}, unless it is the JVM's
   * own class path (see the class comment).
   */
  static void releaseRegistrations(ClassLoader loader) throws SQLException {
    if (loader == ClassLoader.getSystemClassLoader() || loader == null) {
      return;
    }
    // getDrivers and deregisterDriver answer for drivers this class's loader can see: ours.
    for (Driver driver : Collections.list(DriverManager.getDrivers())) {
      if (driver.getClass().getClassLoader() == loader) {
        DriverManager.deregisterDriver(driver);
      }
    }
  }

  /** "jdbc:postgresql:" of a URL: enough to say which driver was missing, nothing of the host. */
  private static String scheme(String url) {
    int first = url.indexOf(':');
    int second = first < 0 ? -1 : url.indexOf(':', first + 1);
    return second < 0 ? url : url.substring(0, second + 1);
  }
}

package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JdbcDrivers}: the driver is found without {@link DriverManager}, and a job's class loader
 * (as a Flink TaskManager gives each sync job) can be unloaded once the job is done, which a
 * driver left registered in {@link DriverManager} prevents. The job is simulated by a class loader
 * of its own over this module's classes and the real PostgreSQL driver jar, with the platform
 * class loader as parent, so nothing of it comes from the test's own class path.
 */
class JdbcDriversTest {
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:1/none";

  @Test
  void findsTheDriverForAUrlOnItsOwnClassPath() throws SQLException {
    Driver driver = JdbcDrivers.forUrl(PG_URL);
    assertEquals("org.postgresql.Driver", driver.getClass().getName());
    assertTrue(driver.acceptsURL(PG_URL));
  }

  @Test
  void aUrlNoDriverTakesIsAnErrorNamingOnlyItsScheme() {
    SQLException e = assertThrows(SQLException.class,
        () -> JdbcDrivers.connect("jdbc:nosuchdb://db.example.com:5432/secret_db", new Properties()));
    assertEquals("no JDBC driver on the class path accepts URLs starting with 'jdbc:nosuchdb:'", e.getMessage());
    assertEquals(JdbcDrivers.NO_DRIVER_STATE, e.getSQLState());
  }

  @Test
  void driversOnTheJvmsOwnClassPathStayRegisteredForOtherCode() throws SQLException {
    JdbcDrivers.forUrl(PG_URL);
    // The test's own code still connects through DriverManager (the fixtures' set-up does).
    assertEquals("org.postgresql.Driver", DriverManager.getDriver(PG_URL).getClass().getName());
  }

  @Test
  void aJobClassLoaderIsReleasedOnceItsDriverWasFound() throws Exception {
    WeakReference<ClassLoader> job = findDriverInAJobClassLoader();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (job.get() != null && System.nanoTime() < deadline) {
      System.gc();
      Thread.onSpinWait();
    }
    assertNull(job.get(), "the job's class loader is still reachable after the job: a driver pins it in DriverManager");
  }

  @Test
  void aDriverThatCannotBeLoadedIsSkippedAsDriverManagerSkipsIt(@TempDir Path dir) throws Exception {
    // Listed first on the class path, a service entry whose class is missing.
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(services.resolve(Driver.class.getName()), "com.example.MissingDriver\n", StandardCharsets.UTF_8);
    URL[] classPath = {
        dir.toUri().toURL(),
        JdbcDrivers.class.getProtectionDomain().getCodeSource().getLocation(),
        org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation()};
    try (URLClassLoader loader = new URLClassLoader("sync-job", classPath, ClassLoader.getPlatformClassLoader())) {
      Method forUrl = Class.forName(JdbcDrivers.class.getName(), true, loader).getDeclaredMethod("forUrl", String.class);
      forUrl.setAccessible(true);
      Driver driver = (Driver) forUrl.invoke(null, PG_URL);
      assertEquals("org.postgresql.Driver", driver.getClass().getName());
      InvocationTargetException none = assertThrows(InvocationTargetException.class,
          () -> forUrl.invoke(null, "jdbc:nosuchdb://h/d"));
      SQLException e = (SQLException) none.getCause();
      assertEquals(1, e.getSuppressed().length, "the entry that could not be loaded is reported with the error");
      assertTrue(e.getSuppressed()[0].getMessage().contains("com.example.MissingDriver"), e.getSuppressed()[0].getMessage());
    }
  }

  /** Finds the driver as a job would, in a class loader of its own; only a weak reference to it leaves. */
  private static WeakReference<ClassLoader> findDriverInAJobClassLoader() throws Exception {
    URL[] jobClassPath = {
        JdbcDrivers.class.getProtectionDomain().getCodeSource().getLocation(),
        org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation()};
    try (URLClassLoader loader = new URLClassLoader("sync-job", jobClassPath, ClassLoader.getPlatformClassLoader())) {
      Class<?> drivers = Class.forName(JdbcDrivers.class.getName(), true, loader);
      Method forUrl = drivers.getDeclaredMethod("forUrl", String.class);
      forUrl.setAccessible(true);
      Driver driver = (Driver) forUrl.invoke(null, PG_URL);
      assertSame(loader, driver.getClass().getClassLoader(), "the job's own copy of the driver");
      // Whether DriverManager still holds it cannot be asked from here (it answers each caller for
      // the drivers its class loader sees): the test above checks it by unloading.
      return new WeakReference<>(loader);
    }
  }
}

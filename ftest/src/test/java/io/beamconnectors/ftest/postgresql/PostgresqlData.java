package io.beamconnectors.ftest.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * Fixture data shaped like the reference's: tables {@code customers_<i>} (text primary key, age,
 * a long description), plus a keyless {@code audit_log} and a composite-key {@code sales.orders}.
 */
final class PostgresqlData {
  static final int ORDERS = 3;
  private static final Random RANDOM = new Random(42);
  private static int nextInsert = 1_000_000;

  private PostgresqlData() {}

  static String description(int bytes) {
    StringBuilder sb = new StringBuilder(bytes);
    String[] words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"};
    while (sb.length() < bytes) {
      sb.append(words[RANDOM.nextInt(words.length)]).append(' ');
    }
    return sb.substring(0, bytes);
  }

  static void create(Connection c, int tables, int rows, int descriptionBytes, String user, String password)
      throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS sales CASCADE");
      s.execute("DROP TABLE IF EXISTS public.audit_log");
      for (int t = 0; t < 50; t++) {
        s.execute("DROP TABLE IF EXISTS public.customers_" + t);
      }
      s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + user + "') THEN"
          + " CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'; END IF; END $$");
      s.execute("ALTER ROLE " + user + " LOGIN PASSWORD '" + password + "'");
      for (int t = 0; t < tables; t++) {
        s.execute("CREATE TABLE public.customers_" + t + " (name VARCHAR(255) PRIMARY KEY, age INT, description TEXT)");
      }
      s.execute("CREATE TABLE public.audit_log (at TIMESTAMP, message TEXT)");
      s.execute("INSERT INTO public.audit_log VALUES (now(), 'no primary key here')");
      s.execute("CREATE SCHEMA sales");
      s.execute("CREATE TABLE sales.orders (region TEXT, order_no INT, amount NUMERIC(10,2), placed_at TIMESTAMP,"
          + " paid BOOLEAN, PRIMARY KEY (region, order_no))");
      s.execute("INSERT INTO sales.orders VALUES ('eu', 7, 12.50, '2024-03-01 10:15:30', true),"
          + " ('eu', 0, 1.00, '2024-03-02 00:00:00', false), ('us', 8, 99.99, '2024-03-03 23:59:59.5', true)");
      s.execute("GRANT USAGE ON SCHEMA public, sales TO " + user);
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public, sales TO " + user);
    }
    c.setAutoCommit(false);
    for (int t = 0; t < tables; t++) {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO public.customers_" + t + " VALUES (?, ?, ?)")) {
        for (int r = 0; r < rows; r++) {
          p.setString(1, "user_" + r);
          p.setInt(2, 18 + r % 60);
          p.setString(3, description(descriptionBytes));
          p.addBatch();
          if (r % 1000 == 999) {
            p.executeBatch();
          }
        }
        p.executeBatch();
      }
      c.commit();
    }
    c.setAutoCommit(true);
  }

  /** Updates n rows in total, spread over the tables. */
  static void updateRows(Connection c, int tables, int n) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (int i = 0; i < n; i++) {
        s.executeUpdate("UPDATE public.customers_" + (i % tables) + " SET age = age + 100, description = 'changed "
            + i + "' WHERE name = (SELECT name FROM public.customers_" + (i % tables)
            + " WHERE age < 100 ORDER BY name LIMIT 1)");
      }
    }
  }

  static void deleteRows(Connection c, int tables, int n) throws SQLException {
    for (int i = 0; i < n; i++) {
      deleteFrom(c, "customers_" + (i % tables), 1);
    }
  }

  static void deleteFrom(Connection c, String table, int n) throws SQLException {
    try (Statement s = c.createStatement()) {
      int deleted = s.executeUpdate("DELETE FROM public." + table + " WHERE name IN (SELECT name FROM public." + table
          + " ORDER BY name DESC LIMIT " + n + ")");
      if (deleted != n) {
        throw new IllegalStateException("deleted " + deleted + " rows from " + table + ", wanted " + n);
      }
    }
  }

  static void insertRows(Connection c, int tables, int n, int descriptionBytes) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO public.customers_0 VALUES (?, ?, ?)")) {
      for (int i = 0; i < n; i++) {
        p.setString(1, "new_" + (nextInsert++));
        p.setInt(2, 30);
        p.setString(3, description(descriptionBytes));
        p.executeUpdate();
      }
    }
  }
}

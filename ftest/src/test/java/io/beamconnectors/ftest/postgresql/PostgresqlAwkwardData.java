package io.beamconnectors.ftest.postgresql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A schema of shapes the reference's fixtures never had, each one a way ids or values went wrong:
 * composite keys with zero and empty values, underscores and percent signs in key values and in
 * schema and table names, timestamptz (both sides of a DST change), bytea and array keys (2-D too),
 * every common column type with exact and non-finite values, case-twin columns, an inheritance
 * parent and child, a partitioned table, and a keyed table that later loses its key.
 */
final class PostgresqlAwkwardData {
  /** Tables with a primary key whose rows must all be documents (twins is reported instead). */
  static final String[] KEYED_TABLES = {
    "public.order_lines", "public.pairs", "public.a_b", "public.a", "odd_schema.t", "odd.schema_t",
    "public.events", "public.blobs", "public.grid", "public.kinds", "public.animals", "public.dogs",
    "public.measurements", "public.shifting"
  };

  static final String SCHEMA = """
      CREATE SCHEMA odd_schema;
      CREATE SCHEMA odd;
      CREATE TABLE public.order_lines (order_id INT, line_no INT, note TEXT, PRIMARY KEY (order_id, line_no));
      INSERT INTO public.order_lines VALUES (0, 1, 'zero-one'), (1, 0, 'one-zero'), (0, 0, 'zero-zero'),
        (1, 1, 'one-one'), (2, 0, 'two-zero'), (0, 2, 'zero-two'), (10, 1, 'ten-one'), (1, 10, 'one-ten');
      CREATE TABLE public.pairs (a TEXT, b TEXT, flag BOOLEAN, v INT, PRIMARY KEY (a, b, flag));
      INSERT INTO public.pairs VALUES ('a_b', 'c', true, 1), ('a', 'b_c', true, 2), ('', '', false, 3),
        ('', '', true, 4), ('_', '_', false, 5), ('%', '5F', false, 6), ('%5F', '', false, 7), ('a', 'b_c', false, 8),
        ('é_ü', 'ß', false, 9);
      CREATE TABLE public.a_b (k TEXT PRIMARY KEY);
      INSERT INTO public.a_b VALUES ('c');
      CREATE TABLE public.a (k TEXT PRIMARY KEY);
      INSERT INTO public.a VALUES ('b_c');
      CREATE TABLE odd_schema.t (k TEXT PRIMARY KEY);
      INSERT INTO odd_schema.t VALUES ('x');
      CREATE TABLE odd.schema_t (k TEXT PRIMARY KEY);
      INSERT INTO odd.schema_t VALUES ('x');
      CREATE TABLE public.events (at TIMESTAMPTZ PRIMARY KEY, what TEXT);
      INSERT INTO public.events VALUES ('2024-11-03 01:30:00-04', 'first 01:30 in New York'),
        ('2024-11-03 01:30:00-05', 'second 01:30 in New York'), ('2024-03-01 10:15:30.123456+00', 'fraction');
      CREATE TABLE public.blobs (k BYTEA PRIMARY KEY, n INT);
      INSERT INTO public.blobs VALUES ('\\x00', 1), ('\\x0001', 2), ('\\x', 3), ('\\x5f', 4), ('\\xff00', 5);
      CREATE TABLE public.grid (k INT[] PRIMARY KEY, label TEXT);
      INSERT INTO public.grid VALUES ('{1,2}', 'flat'), ('{{1,2},{3,4}}', 'square'), ('{12}', 'twelve'),
        ('{}', 'empty'), ('{1,NULL}', 'with null');
      CREATE TABLE public.kinds (id INT PRIMARY KEY, n NUMERIC(10,2), nn NUMERIC, f FLOAT8, r REAL, ts TIMESTAMP,
        tstz TIMESTAMPTZ, d DATE, t TIME, ttz TIMETZ, b BYTEA, arr INT[], tarr TEXT[], j JSON, jb JSONB, m MONEY,
        iv INTERVAL, u UUID, flag BOOLEAN, big BIGINT);
      INSERT INTO public.kinds VALUES
        (0, 0.00, 0, 0, 0, '2024-03-01 00:00:00', '2024-03-01 00:00:00+00', '2024-03-01', '00:00:00', '00:00:00+00',
          '\\x', '{}', '{}', '{}', '{}', 0, '0 seconds', '00000000-0000-0000-0000-000000000000', false, 0),
        (1, 12.50, 123456789012345678901234567890.000000001, 0.1, 1.5, '2024-03-01 10:15:30.5',
          '2024-03-31 01:30:00.000001+02', '2024-02-29', '10:15:30.25', '10:15:30+05:30', '\\x00ff10',
          '{{1,2},{3,4}}', '{"a,b","c d",NULL,"q\\"x"}', '{"b": 1, "a": [1, 2]}', '{"b": 1, "a": [1, 2]}', 1234.56,
          '1 year 2 months 3 days 04:05:06.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true, 9223372036854775807),
        (2, NULL, 'NaN', 'NaN', '-Infinity', 'infinity', '-infinity', 'infinity', '24:00:00', NULL, NULL,
          NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (3, NULL, 'Infinity', 'Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL);
      CREATE TABLE public.twins (id INT PRIMARY KEY, "Name" TEXT, name TEXT);
      INSERT INTO public.twins VALUES (1, 'Upper', 'lower');
      CREATE TABLE public.animals (id INT PRIMARY KEY, name TEXT);
      CREATE TABLE public.dogs (breed TEXT) INHERITS (public.animals);
      ALTER TABLE public.dogs ADD PRIMARY KEY (id);
      INSERT INTO public.animals VALUES (1, 'cat');
      INSERT INTO public.dogs VALUES (2, 'rex', 'collie'), (3, 'fido', 'pug');
      CREATE TABLE public.measurements (city TEXT, day DATE, celsius NUMERIC(4,1), PRIMARY KEY (city, day))
        PARTITION BY RANGE (day);
      CREATE TABLE public.measurements_2023 PARTITION OF public.measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
      CREATE TABLE public.measurements_2024 PARTITION OF public.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      INSERT INTO public.measurements VALUES ('oslo', '2023-06-01', 18.5), ('oslo', '2024-06-01', 21.0),
        ('lima', '2024-06-01', 0.0);
      CREATE TABLE public.shifting (id INT CONSTRAINT shifting_pk PRIMARY KEY, v TEXT);
      INSERT INTO public.shifting VALUES (1, 'one'), (2, 'two');
      CREATE TABLE public.no_key (at TIMESTAMP, message TEXT);
      INSERT INTO public.no_key VALUES ('2024-01-01', 'no primary key here');
      """;

  private PostgresqlAwkwardData() {}

  static void create(Connection c, String user) throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute(SCHEMA);
      s.execute("GRANT USAGE ON SCHEMA public, odd, odd_schema TO " + user);
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public, odd, odd_schema TO " + user);
    }
  }

  /** Rows the index must hold: every row of every keyed table, each counted once (ONLY). */
  static long keyedRows(Connection c) throws SQLException {
    long n = 0;
    try (Statement s = c.createStatement()) {
      for (String t : KEYED_TABLES) {
        String only = t.equals("public.measurements") ? "" : "ONLY ";
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + only + t)) {
          rs.next();
          n += rs.getLong(1);
        }
      }
    }
    return n;
  }
}

package io.beamconnectors.ftest.postgresql;

import io.beamconnectors.ftest.database.ChunkedTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The chunked-read database ({@code bc_chunks}): {@link ChunkedTables} in PostgreSQL types, the
 * text keys under an ICU collation whose order is not Java's.
 */
final class PostgresqlChunkData {
  private PostgresqlChunkData() {}

  static void create(Connection c, String syncUser) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("""
          CREATE TABLE composite (region TEXT COLLATE "en-x-icu", n INT, qty INT, PRIMARY KEY (region, n));
          CREATE TABLE texts (k TEXT COLLATE "en-x-icu" PRIMARY KEY, v INT);
          CREATE TABLE sparse (id BIGINT PRIMARY KEY, v TEXT);
          CREATE TABLE small (id INT PRIMARY KEY, v TEXT);
          CREATE TABLE empty (id INT PRIMARY KEY, v TEXT);
          CREATE TABLE exact (id INT PRIMARY KEY, v TEXT);
          CREATE TABLE many (id INT PRIMARY KEY, v TEXT);
          """);
    }
    ChunkedTables.fill(c, table -> table, false);
    try (Statement s = c.createStatement()) {
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + syncUser);
    }
  }
}

package io.beamconnectors.sources.database;

import io.beamconnectors.sources.ConfigurableField;
import io.beamconnectors.sources.ConfigurableField.Type;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConfigurationSpec;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceListing;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The shared base of the database sources (the reference's generic database): the common
 * configuration fields with the reference's defaults, ping, and the listing that streams every
 * row of every table. A dialect supplies the SQL that differs.
 */
public abstract class DatabaseConnector implements SourceConnector {
  private static final long serialVersionUID = 1L;

  public static final String HOST = "host";
  public static final String PORT = "port";
  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  public static final String DATABASE = "database";
  public static final String TABLES = "tables";
  public static final String FETCH_SIZE = "fetch_size";
  public static final String RETRY_COUNT = "retry_count";
  public static final String CHUNK_SIZE = "chunk_size";

  /**
   * Default rows per chunk: small enough that a chunk's documents (about 1.5 KB each in the bench
   * table) stay a few tens of MB when a runner buffers a chunk's output (the DirectRunner does), big
   * enough that a million rows make only a hundred chunks.
   */
  public static final long DEFAULT_CHUNK_SIZE = 10_000;

  /** Upper bound of {@code retry_count}: with backoff capped at 60 s, ten retries wait about five minutes. */
  public static final long MAX_RETRY_COUNT = 10;

  /** The dialect for this database. */
  protected abstract DatabaseDialect dialect();

  /** The base fields; subclasses add theirs with {@link ConfigurationSpec#with}. */
  protected static ConfigurationSpec baseSpec() {
    return ConfigurationSpec.of(
        ConfigurableField.of(HOST, Type.STR).withLabel("Host").withDefault("127.0.0.1").withOrder(1),
        ConfigurableField.of(PORT, Type.INT).withLabel("Port").withDefault(9090L).withOrder(2)
            .withBounds(0L, 65536L),
        ConfigurableField.of(USERNAME, Type.STR).withLabel("Username").withDefault("admin").withOrder(3),
        ConfigurableField.of(PASSWORD, Type.STR).withLabel("Password").withDefault("Password_123").withOrder(4)
            .asSensitive(),
        ConfigurableField.of(DATABASE, Type.STR).withLabel("Database").withDefault("xe").withOrder(5),
        ConfigurableField.of(TABLES, Type.LIST).withLabel("Comma-separated list of tables").withDefault("*")
            .withDisplay("textarea").withOrder(6)
            .withTooltip("Table names, or * for every table of every schema"),
        ConfigurableField.of(FETCH_SIZE, Type.INT).withLabel("Rows fetched per request").withDefault(50L)
            .withOrder(7).asOptional().asAdvanced().withBounds(0L, null),
        ConfigurableField.of(RETRY_COUNT, Type.INT).withLabel("Retries per request").withDefault(3L)
            .withOrder(8).asOptional().asAdvanced().withBounds(-1L, MAX_RETRY_COUNT + 1),
        ConfigurableField.of(CHUNK_SIZE, Type.INT).withLabel("Rows per chunk").withDefault(DEFAULT_CHUNK_SIZE)
            .withOrder(20).asOptional().asAdvanced().withBounds(-1L, null)
            .withTooltip("A keyed table is read in chunks of about this many rows, in parallel on the"
                + " runner's workers; 0 reads every table as one chunk"));
  }

  /**
   * The common checks of the configuration, then the dialect's ({@link #checkFields}); every
   * problem found is reported at once.
   */
  @Override
  public final void validate(ConnectorConfiguration config) {
    config.validate();
    List<String> problems = new ArrayList<>();
    checkFields(config, problems);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  /** The dialect's own checks of the fields, each problem (naming its field and the fix) added to {@code problems}. */
  protected abstract void checkFields(ConnectorConfiguration config, List<String> problems);

  /** A field check that throws a {@link ConfigurationException}: its problems are added to {@code problems}. */
  protected static void check(List<String> problems, Runnable check) {
    try {
      check.run();
    } catch (ConfigurationException e) {
      problems.addAll(e.problems());
    }
  }

  /** A PEM CA to trust that must parse ({@code parse} throws when it does not): never a silent fallback. */
  protected static void checkCa(List<String> problems, Callable<?> parse) {
    try {
      parse.call();
    } catch (Exception e) {
      problems.add("'SSL certificate' (ssl_ca) is not a PEM certificate (" + e.getClass().getSimpleName()
          + "): paste the CA's PEM text, -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----");
    }
  }

  @Override
  public void ping(ConnectorConfiguration config) throws Exception {
    DatabaseDialect d = dialect();
    try (Connection c = JdbcConnections.open(d, config);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(d.pingQuery())) {
      rs.next();
    } catch (SQLException e) {
      throw new SQLException(String.format(Locale.ROOT,
          "Can't connect to %s on %s:%s (database '%s', user '%s'): %s",
          serviceType(), config.getString(HOST), config.getString(PORT), config.getString(DATABASE),
          config.getString(USERNAME), Secrets.describe(e, Secrets.of(config))));
    }
  }

  /**
   * Every table named in {@code tables} must exist (in any schema), as the reference's
   * {@code validate_config} required: a typo must fail before anything is written, never look like
   * an emptied table whose documents get deleted.
   */
  @Override
  public void checkConfiguredParts(ConnectorConfiguration config) throws Exception {
    List<String> configured = config.getList(TABLES);
    if (DatabaseListing.allTables(configured)) {
      return;
    }
    DatabaseDialect d = dialect();
    Set<String> found = new LinkedHashSet<>();
    List<String> schemas = new ArrayList<>();
    String searched;
    try (Connection c = JdbcConnections.open(d, config)) {
      for (String schema : d.schemas(c, config)) {
        schemas.add(schema);
        for (ListedTable t : d.tables(c, config, schema)) {
          found.add(t.table().name());
        }
      }
      searched = d.searchedSchemas(c, schemas);
    }
    List<String> problems = missingTables(configured, found, config.getString(DATABASE), searched);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  /**
   * One message per configured table that is not among {@code found}, naming where it was looked
   * for ({@code searched}, from {@link DatabaseDialect#searchedSchemas}) and a case twin if there is one.
   */
  public static List<String> missingTables(List<String> configured, Set<String> found, String database, String searched) {
    List<String> problems = new ArrayList<>();
    for (String name : configured) {
      if (found.contains(name)) {
        continue;
      }
      String hint = found.stream().filter(f -> f.equalsIgnoreCase(name)).findFirst()
          .map(f -> " (did you mean '" + f + "'? names are case-sensitive)").orElse("");
      problems.add(String.format(Locale.ROOT,
          "'Comma-separated list of tables' (tables) names table '%s', which does not exist in database '%s'"
              + " (%s)%s: correct the name, or use * for every table",
          name, database, searched, hint));
    }
    return problems;
  }

  /** The sum of the dialect's row estimates of the configured tables; empty when it has none. */
  @Override
  public java.util.OptionalLong estimatedItemCount(ConnectorConfiguration config) throws Exception {
    DatabaseDialect d = dialect();
    List<String> configured = config.getList(TABLES);
    boolean all = DatabaseListing.allTables(configured);
    long sum = 0;
    boolean any = false;
    try (Connection c = JdbcConnections.open(d, config)) {
      for (String schema : d.schemas(c, config)) {
        for (ListedTable t : d.tables(c, config, schema)) {
          if (all || configured.contains(t.table().name())) {
            java.util.OptionalLong rows = d.estimatedRows(c, t.table());
            if (rows.isPresent()) {
              sum += rows.getAsLong();
              any = true;
            }
          }
        }
      }
    }
    return any ? java.util.OptionalLong.of(sum) : java.util.OptionalLong.empty();
  }

  @Override
  public SourceListing listing(ConnectorConfiguration config) {
    return DatabaseListing.of(dialect(), config);
  }

  /**
   * At least two. A table arrives in chunks of up to {@code chunk_size} rows, each a bundle of its
   * own, and the bulk writer waits for its last requests at the end of every bundle: with one
   * thread, Elasticsearch idles while the next chunk is read and prepared; a second thread reads it
   * meanwhile. Measured in docs/benchmarks.md (seventh round): a 300,000-row full sync about a
   * fifth faster on 2 cores. File sources keep the default, where a second thread only spins.
   */
  @Override
  public int directRunnerThreads(int cores) {
    return Math.max(2, cores - 1);
  }

  /** True: ids are built injectively from the database, the table and its primary key. */
  @Override
  public boolean listsEachIdOnce() {
    return true;
  }
}

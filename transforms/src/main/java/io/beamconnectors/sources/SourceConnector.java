package io.beamconnectors.sources;

import java.io.Serializable;

/**
 * A content source: what a connector service type provides to the sync engine. Implementations are
 * stateless and serializable; everything they need comes from the {@link ConnectorConfiguration}.
 * The same contract serves database rows (all fields come from the listing, no content) and files
 * (metadata from the listing, bytes fetched later only for new or changed items).
 */
public interface SourceConnector extends Serializable {

  /** The reference's service type, the key in config.yml's {@code sources}, e.g. {@code postgresql}. */
  String serviceType();

  /** Fields, types, defaults, labels, sensitive flags. */
  ConfigurationSpec configurationSpec();

  /** Resolves raw values (plain or connector-document form) against this source's spec. */
  default ConnectorConfiguration configuration(java.util.Map<String, ?> values) {
    return ConnectorConfiguration.of(configurationSpec(), values);
  }

  /**
   * Checks the configuration; throws {@link ConfigurationException} naming each bad field and its
   * fix. The default checks types, bounds, required fields and unknown names.
   */
  default void validate(ConnectorConfiguration config) {
    config.validate();
  }

  /** Connects and authenticates; throws with a message free of secrets if the source is unreachable. */
  void ping(ConnectorConfiguration config) throws Exception;

  /**
   * Checks that every part the configuration names explicitly (a table, bucket, container,
   * folder) exists and can be read, before anything is synced. Throws
   * {@link ConfigurationException} naming the field and the missing part: a typo must never look
   * like a source that was emptied (which would delete its documents). The default checks nothing
   * (sources whose configuration names no parts). Called after {@link #ping}.
   */
  default void checkConfiguredParts(ConnectorConfiguration config) throws Exception {}

  /**
   * Whether an item keeps its id when it moves to another part of the source (an SMB file id
   * survives a move between folders; an object key or a table's primary key does not). For such
   * sources an item that vanished from one part may have moved into a part that failed to list, so
   * while any part failed nothing is deleted at all. Default false.
   */
  default boolean idsSurviveMoves() {
    return false;
  }

  /**
   * Whether the listing can never emit one id twice (ids built injectively from a part's name and
   * a key that is unique within the part: a table's primary key, an object key in its bucket). On
   * the one-machine join the engine then decides each record as it arrives instead of holding the
   * whole listing until every id is known, which keeps the DirectRunner's memory flat; on the
   * shuffle join (Flink, Dataflow) only each record's id is shuffled, not the record. The promise
   * is still checked on ids alone: a broken one is a {@code DUPLICATE} issue that holds back every
   * delete and makes the sync not clean, but which copy of the id ends up indexed is then not
   * defined. Default false (the engine holds the listing and picks a deterministic winner).
   */
  default boolean listsEachIdOnce() {
    return false;
  }

  /**
   * The DirectRunner threads a sync of this source runs with on a machine with {@code cores} cores,
   * when the user sets none ({@code --targetParallelism}). The default is one less than the cores,
   * at least 1, instead of Beam's max(cores, 3): the sync's steps keep their own requests in flight
   * (bulk writes, lookups, downloads), and the DirectRunner's scheduler spins whenever one of its
   * threads is idle (apache/beam#18070), so extra threads mostly take CPU from Elasticsearch.
   */
  default int directRunnerThreads(int cores) {
    return commonDirectRunnerThreads(cores);
  }

  /** The sources' common {@link #directRunnerThreads}: one less than the cores, at least 1. */
  static int commonDirectRunnerThreads(int cores) {
    return Math.max(1, cores - 1);
  }

  /**
   * A cheap estimate of how many items the source holds (a catalog statistic, never a listing),
   * used to warn before a run that would not fit one machine; empty when the source has none. The
   * default has none.
   */
  default java.util.OptionalLong estimatedItemCount(ConnectorConfiguration config) throws Exception {
    return java.util.OptionalLong.empty();
  }

  /** The listing transform for this configuration. */
  SourceListing listing(ConnectorConfiguration config);

  /** The content fetcher, or null for sources whose records carry all their fields (databases). */
  default ContentFetcher contentFetcher(ConnectorConfiguration config) {
    return null;
  }

  /**
   * Extra mappings for this source's document fields, merged into the content index mappings when
   * the index is created (a JSON object of {@code properties}), or null.
   */
  default String indexPropertiesJson() {
    return null;
  }
}

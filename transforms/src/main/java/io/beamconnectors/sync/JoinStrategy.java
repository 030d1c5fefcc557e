package io.beamconnectors.sync;

/**
 * How {@link Reconcile} brings the listing and the index state together. Both give the same
 * decisions; they differ in what they cost on a runner.
 */
public enum JoinStrategy {
  /**
   * CoGroupByKey by id: memory per worker stays flat whatever the size of the source, so it is
   * the strategy for Flink, Dataflow and any large job. For a source that lists each id once,
   * with index lookups, only the ids go through the CoGroupByKey (see {@link Reconcile#withLookups}).
   */
  SHUFFLE,
  /**
   * The index state as an in-memory map and the listed ids as an in-memory set, both side
   * inputs: no GroupByKey, so decisions are taken in the listing's own large bundles. On the
   * DirectRunner, which hands every key of a GroupByKey to downstream steps as a bundle of its
   * own, this is many times faster; it holds every id in memory (about 100-200 bytes each).
   */
  SIDE_INPUT,
  /** {@link #SIDE_INPUT} on the DirectRunner, {@link #SHUFFLE} on every other runner. */
  AUTO;

  /** The strategy to use on a runner (by its class's simple name). */
  public JoinStrategy resolve(String runnerName) {
    if (this != AUTO) {
      return this;
    }
    return "DirectRunner".equals(runnerName) ? SIDE_INPUT : SHUFFLE;
  }
}

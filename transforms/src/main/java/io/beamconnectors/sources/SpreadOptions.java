package io.beamconnectors.sources;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** How the listings' fan-out steps ({@link SpreadWork}) spread their work units. */
public interface SpreadOptions extends PipelineOptions {

  @Description("How many groups the listings spread their work units (folders, prefixes, tables, chunks) over. "
      + "0 (the default): a random key per work unit, which a distributed runner spreads over all its workers. "
      + "A sync on the DirectRunner sets it to the runner's thread count (--targetParallelism): the DirectRunner "
      + "makes each group one bundle, and its cost per bundle is high.")
  @Default.Integer(0)
  int getSpreadGroups();

  void setSpreadGroups(int value);
}

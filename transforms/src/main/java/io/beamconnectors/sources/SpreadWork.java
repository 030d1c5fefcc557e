package io.beamconnectors.sources;

import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * A listing's fan-out step: spreads work units (folders, prefixes, tables, chunks) so that several
 * workers take them. With {@link SpreadOptions#getSpreadGroups()} 0, each unit gets a random key
 * ({@link Reshuffle#viaRandomKey()}): what a distributed runner needs. With N groups, the units are
 * dealt round-robin into N groups: on the DirectRunner each group becomes one bundle, so its
 * threads still share the work, while every step downstream runs once per group instead of once
 * per unit. (The DirectRunner translates a step to its portable form each time it starts a bundle
 * of it; with one bundle per folder this was a third of a network-drive no-op sync's CPU.)
 * The input's coder must be set before this is applied.
 */
public final class SpreadWork<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private static final long serialVersionUID = 1L;

  private SpreadWork() {}

  public static <T> SpreadWork<T> create() {
    return new SpreadWork<>();
  }

  @Override
  public PCollection<T> expand(PCollection<T> units) {
    int groups = units.getPipeline().getOptions().as(SpreadOptions.class).getSpreadGroups();
    if (groups <= 0) {
      return units.apply("SpreadByRandomKey", Reshuffle.viaRandomKey());
    }
    return units
        .apply("DealIntoGroups", ParDo.of(new DealFn<T>(groups)))
        .setCoder(KvCoder.of(VarIntCoder.of(), units.getCoder()))
        .apply("Group", GroupByKey.create())
        .apply("Units", Values.create())
        .apply("Ungroup", Flatten.iterables())
        .setCoder(units.getCoder());
  }

  /** Keys each unit with the next of {@code groups} group numbers, from a random first one per bundle. */
  static final class DealFn<T> extends DoFn<T, KV<Integer, T>> {
    private static final long serialVersionUID = 1L;
    private final int groups;
    private transient int next;

    DealFn(int groups) {
      this.groups = groups;
    }

    @StartBundle
    public void startBundle() {
      next = ThreadLocalRandom.current().nextInt(groups);
    }

    @ProcessElement
    public void process(@Element T unit, OutputReceiver<KV<Integer, T>> out) {
      out.output(KV.of(next, unit));
      next = (next + 1) % groups;
    }
  }
}

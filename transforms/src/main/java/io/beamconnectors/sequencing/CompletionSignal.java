package io.beamconnectors.sequencing;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * One element, the number of elements of its input, once that input is complete; also for an
 * empty input (then 0). It is the main input for a step that must run after a PCollection is
 * done, in place of an element that exists from the start and waits on a side input (an
 * {@code Impulse} with {@code withSideInputs}, {@code Wait.on}, {@code Combine.globally}'s default
 * value).
 *
 * <p>Why: the DirectRunner tries such a waiting element again every time any step finishes a
 * bundle, each try building the step's evaluator afresh (its DoFn translated to a payload several
 * times) and passing through its scheduler. Counted on a 300,000-row no-op re-sync: five waiting
 * steps, about 1,200 tries each, 6,100 of the 6,900 units of work the runner scheduled. The count here is
 * made by a combine per key, so each bundle of the input adds one partial sum, and the element
 * leaves the group-by-key only when the input is complete, on every runner.
 *
 * <p>Global window only (batch pipelines): the count covers the whole input.
 */
public final class CompletionSignal<T> extends PTransform<PCollection<T>, PCollection<Long>> {
  private static final long serialVersionUID = 1L;

  private CompletionSignal() {}

  public static <T> CompletionSignal<T> of() {
    return new CompletionSignal<>();
  }

  @Override
  public PCollection<Long> expand(PCollection<T> input) {
    if (!(input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException("CompletionSignal needs an input in the global window, got "
          + input.getWindowingStrategy().getWindowFn() + " for " + input.getName());
    }
    Pipeline pipeline = input.getPipeline();
    KvCoder<Integer, Long> coder = KvCoder.of(VarIntCoder.of(), VarLongCoder.of());
    PCollection<KV<Integer, Long>> ones = input.apply("CountEach", ParDo.of(new OneFn<T>())).setCoder(coder);
    // The zero makes the group exist when the input is empty.
    PCollection<KV<Integer, Long>> zero = pipeline
        .apply("Start", Impulse.create())
        .apply("Zero", ParDo.of(new ZeroFn()))
        .setCoder(coder);
    return PCollectionList.of(zero).and(ones)
        .apply("Both", Flatten.pCollections())
        .apply("Total", Combine.perKey(Sum.ofLongs()))
        .apply("Count", Values.create())
        .setCoder(VarLongCoder.of());
  }

  /** Each element as a 1 under the one key. */
  static final class OneFn<T> extends DoFn<T, KV<Integer, Long>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(OutputReceiver<KV<Integer, Long>> out) {
      out.output(KV.of(0, 1L));
    }
  }

  /** The impulse as a 0 under the one key. */
  static final class ZeroFn extends DoFn<byte[], KV<Integer, Long>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(OutputReceiver<KV<Integer, Long>> out) {
      out.output(KV.of(0, 0L));
    }
  }
}

package io.beamconnectors.sync;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;

/** The distinct scopes of the listed records, sorted (a handful to a few thousand). */
final class DistinctScopesFn extends Combine.CombineFn<String, java.util.TreeSet<String>, List<String>> {
  private static final long serialVersionUID = 1L;

  @Override
  public java.util.TreeSet<String> createAccumulator() {
    return new java.util.TreeSet<>();
  }

  @Override
  public java.util.TreeSet<String> addInput(java.util.TreeSet<String> acc, String scope) {
    acc.add(scope);
    return acc;
  }

  @Override
  public java.util.TreeSet<String> mergeAccumulators(Iterable<java.util.TreeSet<String>> accs) {
    java.util.TreeSet<String> merged = new java.util.TreeSet<>();
    accs.forEach(merged::addAll);
    return merged;
  }

  @Override
  public List<String> extractOutput(java.util.TreeSet<String> acc) {
    return new ArrayList<>(acc);
  }

  @Override
  public org.apache.beam.sdk.coders.Coder<java.util.TreeSet<String>> getAccumulatorCoder(
      org.apache.beam.sdk.coders.CoderRegistry registry, org.apache.beam.sdk.coders.Coder<String> input) {
    return org.apache.beam.sdk.coders.DelegateCoder.of(ListCoder.of(StringUtf8Coder.of()),
        (java.util.TreeSet<String> s) -> new ArrayList<>(s), (List<String> l) -> new java.util.TreeSet<>(l));
  }
}

package io.beamconnectors.sequencing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompletionSignalTest {
  private static Pipeline pipeline() {
    return Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
  }

  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {0, 1, 2, 2_500})
  void oneElementTheInputsCountOnceItIsComplete(int n) {
    Pipeline p = pipeline();
    // Values that are empty, repeated and zero-like: the count is of elements, not of distinct values.
    List<String> values = IntStream.range(0, n).mapToObj(i -> i % 3 == 0 ? "" : "0").collect(Collectors.toCollection(ArrayList::new));
    PCollection<Long> signal = p.apply(Create.of(values).withCoder(StringUtf8Coder.of()))
        .apply(CompletionSignal.of());
    PAssert.that(signal).containsInAnyOrder((long) n);
    p.run().waitUntilFinish();
  }

  @Test
  void refusesAnInputOutsideTheGlobalWindow() {
    Pipeline p = pipeline();
    PCollection<String> windowed = p.apply(Create.of("a"))
        .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))));
    assertThrows(IllegalArgumentException.class, () -> windowed.apply(CompletionSignal.of()));
  }
}

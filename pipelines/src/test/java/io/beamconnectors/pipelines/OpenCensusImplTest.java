package io.beamconnectors.pipelines;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opencensus.trace.Tracing;
import org.junit.jupiter.api.Test;

/**
 * OpenCensus' implementation stays off the pipelines' class path (pom.xml excludes it from Beam's
 * gcsio): it starts two threads that never end once the Google Cloud Storage client traces a
 * request, and on a Flink session cluster those threads kept every finished GCS sync's classes
 * loaded in the TaskManager. The OpenCensus API, which the client calls, is then a no-op.
 */
class OpenCensusImplTest {

  @Test
  void theImplementationIsNotOnTheClassPath() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("io.opencensus.impl.internal.DisruptorEventQueue"));
    assertThrows(ClassNotFoundException.class,
        () -> Class.forName("io.opencensus.implcore.trace.export.SpanExporterImpl"));
  }

  @Test
  void theApiTheStorageClientCallsIsANoOp() {
    String component = Tracing.getExportComponent().getClass().getName();
    assertTrue(component.contains("Noop"), component);
  }
}

package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The worker thread's name in the reader's "rows read by worker thread" line. */
class WorkerNameTest {

  @Test
  void aFlinkTaskKeepsItsChainsStartAndItsSubtask() {
    String chain = "CHAIN GroupReduce (GroupReduce at translateNode(FlinkBatchTransformTranslators.java:420))"
        + " -> FlatMap (FlatMap at FullSync postgresql/List postgresql/ReadTables/ReadChunk/ParMultiDo(ReadChunk))"
        + " -> FlatMap (FlatMap at FullSync postgresql/Reconcile/DecideByLookup) (12/16)#3";
    assertEquals("CHAIN GroupReduce (GroupReduce at transl... (12/16)#3", DatabaseListing.workerName(chain));
  }

  @Test
  void otherNamesAreKeptWhole() {
    assertEquals("direct-runner-worker", DatabaseListing.workerName("direct-runner-worker"));
    // A subtask suffix on a name too short to need cutting, and a long name without one.
    String shortTask = "CHAIN DataSource (at Impulse) -> FlatMap (1/2)#0";
    assertEquals(shortTask, DatabaseListing.workerName(shortTask));
    String longPlain = "x".repeat(300) + " (not a subtask)";
    assertEquals(longPlain, DatabaseListing.workerName(longPlain));
    // Just at the edge: 40 kept, fewer than 20 more before the subtask.
    String edge = "y".repeat(59) + " (1/2)#0";
    assertEquals(edge, DatabaseListing.workerName(edge));
    String past = "y".repeat(60) + " (1/2)#0";
    assertEquals("y".repeat(40) + "... (1/2)#0", DatabaseListing.workerName(past));
    assertEquals("", DatabaseListing.workerName(""));
  }
}

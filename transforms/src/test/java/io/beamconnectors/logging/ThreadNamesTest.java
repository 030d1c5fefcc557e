package io.beamconnectors.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A thread's name as the log lines show it. */
class ThreadNamesTest {

  @Test
  void aFlinkTaskKeepsItsChainsStartAndItsSubtask() {
    String chain = "CHAIN GroupReduce (GroupReduce at translateNode(FlinkBatchTransformTranslators.java:420))"
        + " -> FlatMap (FlatMap at FullSync postgresql/List postgresql/ReadTables/ReadChunk/ParMultiDo(ReadChunk))"
        + " -> FlatMap (FlatMap at FullSync postgresql/Reconcile/DecideByLookup) (12/16)#3";
    assertEquals("CHAIN GroupReduce (GroupReduce at transl... (12/16)#3", ThreadNames.shortened(chain));
  }

  @Test
  void otherNamesAreKeptWhole() {
    assertEquals("direct-runner-worker", ThreadNames.shortened("direct-runner-worker"));
    // A subtask suffix on a name too short to need cutting, and a long name without one.
    String shortTask = "CHAIN DataSource (at Impulse) -> FlatMap (1/2)#0";
    assertEquals(shortTask, ThreadNames.shortened(shortTask));
    String longPlain = "x".repeat(300) + " (not a subtask)";
    assertEquals(longPlain, ThreadNames.shortened(longPlain));
    // Just at the edge: 40 kept, fewer than 20 more before the subtask.
    String edge = "y".repeat(59) + " (1/2)#0";
    assertEquals(edge, ThreadNames.shortened(edge));
    String past = "y".repeat(60) + " (1/2)#0";
    assertEquals("y".repeat(40) + "... (1/2)#0", ThreadNames.shortened(past));
    assertEquals("", ThreadNames.shortened(""));
    assertNull(ThreadNames.shortened(null));
  }

  @Test
  void aCutNeverSplitsACharacterOutsideTheBmp() {
    // A step name with an emoji whose two UTF-16 halves sit at characters 39 and 40.
    String name = "s".repeat(39) + "\uD83D\uDE00" + "t".repeat(30) + " (1/2)#0";
    String cut = ThreadNames.shortened(name);
    assertEquals("s".repeat(39) + "... (1/2)#0", cut);
    assertEquals(cut, new String(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8),
        "no lone surrogate: the cut survives UTF-8");
  }
}

package io.beamconnectors.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WriteToIndexTest {
  @Test
  void reasonIsReadFromTheBulkItem() {
    String item = "{\"index\":{\"_id\":\"x\",\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\","
        + "\"reason\":\"failed to parse field [age]\"}}}";
    assertEquals("mapper_parsing_exception: failed to parse field [age]", WriteToIndex.reasonOf(item));
  }

  @Test
  void anUnparsableItemStillGivesAReasonInsteadOfFailingTheSync() {
    String r = WriteToIndex.reasonOf("{\"index\":{\"error\":\"bad\nraw\"");
    assertTrue(r.contains("bad raw"), r);
    assertEquals("no response item", WriteToIndex.reasonOf(null));
  }
}

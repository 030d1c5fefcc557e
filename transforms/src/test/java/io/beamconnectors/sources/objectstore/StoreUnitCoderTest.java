package io.beamconnectors.sources.objectstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class StoreUnitCoderTest {

  @Test
  void roundTripsAwkwardUnitsDeterministically() throws Exception {
    StoreUnit[] units = {
        StoreUnit.root("b", ""),
        StoreUnit.root("box", "{\"team\":\"s\u00f6k\",\"e\":\"\"}"),
        StoreUnit.root("b", "").child("r\u00e9sum\u00e9s/"),
        StoreUnit.root("b", "x").child("a b/"),
        StoreUnit.root("b", "").child("/"),
    };
    CoderProperties.coderDeterministic(StoreUnitCoder.of(), units[0], units[0]);
    for (StoreUnit u : units) {
      CoderProperties.coderDecodeEncodeEqual(StoreUnitCoder.of(), u);
      CoderProperties.coderSerializable(StoreUnitCoder.of());
    }
  }

  @Test
  void aUnitKnowsItsScope() {
    assertTrue(StoreUnit.root("b", "").isRoot());
    assertEquals("b", StoreUnit.root("b", "").scope().path());
    StoreUnit prefix = StoreUnit.root("b", "").child("photos/");
    assertFalse(prefix.isRoot());
    assertEquals("b/photos", prefix.scope().path());
    assertEquals("b", StoreUnit.root("b", "").child("/").scope().path(), "an empty segment falls back to the bucket");
    assertThrows(IllegalArgumentException.class, () -> StoreUnit.root("", ""));
  }
}

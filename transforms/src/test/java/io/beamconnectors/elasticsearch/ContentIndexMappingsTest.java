package io.beamconnectors.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ContentIndexMappingsTest {

  @Test
  void theEngineFieldsAreMappedForHowTheyAreRead() throws Exception {
    JsonNode props = ContentIndex.mappings(null).path("properties");
    // Looked up by the ids query and read through doc values; `id` is also a field users search.
    assertEquals("keyword", props.path(IndexFields.ID).path("type").asText());
    assertFalse(props.path(IndexFields.ID).has("index"), "id stays searchable");
    // Read (doc values), never searched: no inverted index to build for a unique value per document.
    assertEquals("keyword", props.path(IndexFields.TOKEN).path("type").asText());
    assertFalse(props.path(IndexFields.TOKEN).path("index").asBoolean(true), "_token: doc values only");
    assertFalse(props.path(IndexFields.TOKEN).has("doc_values"), "doc values at their default: on");
    assertEquals("keyword", props.path(IndexFields.SCOPE).path("type").asText());
    assertEquals(ContentIndex.lookupFieldMapping(), props.path(IndexFields.LOOKUP));
    assertEquals("date", props.path(IndexFields.TIMESTAMP).path("type").asText());
  }

  @Test
  void aSourcesOwnMappingsAreAdded() throws Exception {
    JsonNode props = ContentIndex.mappings("{\"title\":{\"type\":\"text\"}}").path("properties");
    assertEquals("text", props.path("title").path("type").asText());
    assertTrue(props.has(IndexFields.TOKEN));
  }
}

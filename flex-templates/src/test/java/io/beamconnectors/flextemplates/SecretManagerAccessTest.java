package io.beamconnectors.flextemplates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real Secret Manager, when a project is given: {@code BC_TEST_SECRET_VERSION} (a secret version
 * name readable with Application Default Credentials) and optionally {@code BC_TEST_SECRET_EXPECTED}
 * (its value). Skipped otherwise: no Google Cloud project is reachable from the machines this was
 * written on.
 */
class SecretManagerAccessTest {

  @Test
  void readsASecretVersionThroughTheReference() throws Exception {
    String name = System.getenv("BC_TEST_SECRET_VERSION");
    assumeTrue(name != null && !name.isBlank(),
        "BC_TEST_SECRET_VERSION is not set: Secret Manager is not reachable here, the real client is not tested");
    try (SecretManagerAccess access = new SecretManagerAccess()) {
      String value = SecretReference.parse("esPasswordSecret", name).resolve(Map.of(), access);
      assertFalse(value.isEmpty());
      String expected = System.getenv("BC_TEST_SECRET_EXPECTED");
      if (expected != null) {
        assertEquals(expected, value);
      }
    }
  }
}

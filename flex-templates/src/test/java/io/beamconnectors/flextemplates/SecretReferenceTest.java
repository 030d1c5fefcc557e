package io.beamconnectors.flextemplates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretReferenceTest {
  @TempDir
  Path dir;

  @Test
  void secretManagerNamesGoToSecretManagerAndNothingElse() {
    List<String> asked = new ArrayList<>();
    SecretReference ref = SecretReference.parse("esPasswordSecret", " projects/p-1/secrets/es_pw/versions/latest ");
    assertEquals(SecretReference.Kind.SECRET_MANAGER, ref.kind());
    // A lambda standing in for Secret Manager (not reachable here); it only records the name asked for.
    String value = ref.resolve(Map.of(), name -> {
      asked.add(name);
      return "pässwörd, with \"quotes\"";
    });
    assertEquals("pässwörd, with \"quotes\"", value);
    assertEquals(List.of("projects/p-1/secrets/es_pw/versions/latest"), asked);
  }

  @Test
  void localFormsReadEnvironmentAndFiles() throws Exception {
    assertEquals("s3cr3t", SecretReference.parse("o", "env:MY_PW").resolve(Map.of("MY_PW", "s3cr3t"), null));
    Path f = dir.resolve("pw, with space.txt");
    Files.writeString(f, "line1\nline2\n", StandardCharsets.UTF_8);
    assertEquals("line1\nline2", SecretReference.parse("o", "file:" + f).resolve(Map.of(), null),
        "one trailing newline dropped, inner ones kept");
    Files.writeString(f, "crlf\r\n", StandardCharsets.UTF_8);
    assertEquals("crlf", SecretReference.parse("o", "file:" + f).resolve(Map.of(), null));
  }

  @Test
  void aPastedSecretIsRefusedWithoutBeingQuoted() {
    for (String pasted : List.of("hunter2", "env:", "file:", "", "projects/p/secrets/s", "ZW5jb2RlZDprZXk=")) {
      ConfigurationException e = assertThrows(ConfigurationException.class,
          () -> SecretReference.parse("esApiKeySecret", pasted));
      assertTrue(e.getMessage().contains("--esApiKeySecret"), e.getMessage());
      if (pasted.length() > 6) { // "env:", "file:" are words of the message itself
        assertFalse(e.getMessage().contains(pasted), "the value must not be quoted: " + e.getMessage());
      }
    }
  }

  @Test
  void missingOrEmptySecretsNameTheOptionAndTheFix() throws Exception {
    ConfigurationException unset = assertThrows(ConfigurationException.class,
        () -> SecretReference.parse("esPasswordSecret", "env:NOT_SET_X").resolve(Map.of(), null));
    assertTrue(unset.getMessage().contains("NOT_SET_X") && unset.getMessage().contains("--esPasswordSecret"));
    ConfigurationException missing = assertThrows(ConfigurationException.class,
        () -> SecretReference.parse("o", "file:" + dir.resolve("nope")).resolve(Map.of(), null));
    assertTrue(missing.getMessage().contains("cannot be read"), missing.getMessage());
    Path empty = Files.createFile(dir.resolve("empty"));
    assertThrows(ConfigurationException.class, () -> SecretReference.parse("o", "file:" + empty).resolve(Map.of(), null));
    ConfigurationException denied = assertThrows(ConfigurationException.class,
        () -> SecretReference.parse("o", "projects/p/secrets/s/versions/1").resolve(Map.of(), name -> {
          throw new java.io.IOException("PERMISSION_DENIED: Permission 'secretmanager.versions.access' denied\nmore");
        }));
    assertTrue(denied.getMessage().contains("PERMISSION_DENIED") && denied.getMessage().contains("secretAccessor"),
        denied.getMessage());
    assertFalse(denied.getMessage().contains("more"), "first line of the client's message only");
  }
}

package io.beamconnectors.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeAndSecretsTest {
  @Test
  void scopeCoversItselfAndWhatLiesUnderIt() {
    Scope folder = Scope.of("share", "a", "b");
    assertEquals("share/a/b", folder.path());
    assertTrue(folder.covers("share/a/b"));
    assertTrue(folder.covers("share/a/b/c"));
    assertFalse(folder.covers("share/a/bc"), "a sibling with a common prefix is not covered");
    assertFalse(folder.covers("share/a"));
    assertTrue(Scope.wholeSource().covers("anything"));
    assertTrue(Scope.wholeSource().covers(""));
    assertEquals(Scope.wholeSource(), Scope.of("", null));
  }

  @Test
  void redactRemovesSecretsFromMessagesAndCauses() {
    Exception e = new RuntimeException("login as admin with pw=Sup3rSecret failed",
        new IllegalStateException("Sup3rSecret rejected"));
    String d = Secrets.describe(e, List.of("Sup3rSecret"));
    assertFalse(d.contains("Sup3rSecret"), d);
    assertTrue(d.contains("RuntimeException") && d.contains("IllegalStateException"), d);
  }

  @Test
  void contentRefExtensionFollowsSplitext() {
    assertEquals(".txt", new ContentRef("x", "dir.d/file.txt", 1).extension());
    assertEquals("", new ContentRef("x", "dir.d/README", 1).extension());
    assertEquals("", new ContentRef("x", ".bashrc", 1).extension());
    assertEquals(".PDF", new ContentRef("x", "a.PDF", 1).extension());
  }
}

package io.beamconnectors.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Elasticsearch's generated ids are base64url: some start with '-' or '_', and one starting with "-c"
 * looks like the config option with its value attached. Every command that takes an id must get it.
 */
class IdArgumentsTest {

  private static Object leaf(String... args) {
    ParseResult r = LauncherCommand.commandLine().parseArgs(args);
    while (r.hasSubcommand()) {
      r = r.subcommand();
    }
    return r.commandSpec().userObject();
  }

  @Test
  void aJobIdStartingWithADashIsTheId() {
    JobCommand.Cancel cancel = (JobCommand.Cancel) leaf("job", "cancel", "-2M5PqIBhNWcMj9L-Xcd");
    assertEquals("-2M5PqIBhNWcMj9L-Xcd", cancel.id);
    JobCommand.Show show = (JobCommand.Show) leaf("job", "show", "-2M5PqIBhNWcMj9L-Xcd", "--json");
    assertEquals("-2M5PqIBhNWcMj9L-Xcd", show.id);
    assertTrue(show.group.parent.json);
  }

  @Test
  void anIdAfterDoubleDashIsTheIdWhateverItLooksLike() {
    JobCommand.Show show = (JobCommand.Show) leaf("job", "show", "-c", "/etc/bc.yml", "--", "-cAbCdEfGhIjKlMnOpQr");
    assertEquals("-cAbCdEfGhIjKlMnOpQr", show.id);
    assertEquals(Path.of("/etc/bc.yml"), show.group.parent.config);
    ConnectorCommand.Show connector = (ConnectorCommand.Show) leaf("connector", "show", "--config=/x.yml", "-xY");
    assertEquals("-xY", connector.id);
    assertEquals(Path.of("/x.yml"), connector.group.parent.config);
  }

  @Test
  void anIdPicocliReadsAsAShortOptionFailsWithTheFix() {
    StringWriter err = new StringWriter();
    CommandLine cl = LauncherCommand.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute("job", "show", "-cAbCdEfGhIjKlMnOpQr", "--json");
    assertEquals(ExitCodes.BAD_INPUT, exit);
    String[] lines = err.toString().strip().split("\\R");
    assertEquals("An id that starts with '-' goes after `--`, as in `launcher job show -- -cAbCdEfGhIjKlMnOpQr`.",
        lines[lines.length - 1], err::toString);
  }

  @Test
  void aHintForAJobIdWritesItRunnable() {
    assertEquals("-- -2M5PqIBhNWcMj9L-Xcd", LauncherCommand.idArgument("-2M5PqIBhNWcMj9L-Xcd"));
    assertEquals("_2M5PqIBhNWcMj9L-Xcd", LauncherCommand.idArgument("_2M5PqIBhNWcMj9L-Xcd"));
    JobCommand.Show show = (JobCommand.Show) leaf(("job show " + LauncherCommand.idArgument("-cX")).split(" "));
    assertEquals("-cX", show.id);
  }

  @Test
  void syncTakesADashIdBeforeOrAfterItsOptions() {
    SyncCommand before = (SyncCommand) leaf("sync", "-_conn", "--wait", "--timeout", "30");
    assertEquals("-_conn", before.id);
    assertTrue(before.wait);
    assertEquals(30, before.timeoutSeconds);
    SyncCommand after = (SyncCommand) leaf("sync", "--wait", "--", "-conn");
    assertEquals("-conn", after.id);
  }

  @Test
  void aMistypedOptionIsStillRefused() {
    assertThrows(CommandLine.ParameterException.class, () -> leaf("job", "show", "abc", "--jsn"));
    assertThrows(CommandLine.ParameterException.class, () -> leaf("job", "show"));
  }
}

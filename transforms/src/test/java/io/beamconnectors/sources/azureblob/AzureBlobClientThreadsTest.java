package io.beamconnectors.sources.azureblob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Against the Azurite fixture ({@code source /tmp/beam-connectors/azurite/env}; skipped without
 * it): a client's requests run on I/O threads of its own (and its pool times waits on a timer
 * thread of its own), and those threads end when the client is closed. Threads that outlive a sync keep its classes loaded in a Flink TaskManager, where each
 * sync job has a class loader of its own (see {@link AzureBlobSettings#connect()}).
 */
class AzureBlobClientThreadsTest {

  private static List<Thread> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .toList();
  }

  private static List<Thread> ioThreads() {
    return threadsNamed(AzureBlobSettings.EVENT_LOOP_PREFIX);
  }

  @Test
  void aClientsIoThreadsAreItsOwnAndEndWhenItCloses() throws Exception {
    String endpoint = System.getenv("BC_AZURE_ENDPOINT");
    assumeTrue(endpoint != null, "no Azurite fixture: source /tmp/beam-connectors/azurite/env");
    AzureBlobSettings settings = AzureBlobSettings.from(new AzureBlobConnector().configuration(Map.of(
        "account_name", System.getenv("BC_AZURE_ACCOUNT"), "account_key", System.getenv("BC_AZURE_KEY"),
        "blob_endpoint", endpoint)));
    assertEquals(List.of(), ioThreads(), "no client is open yet");
    // Reactor's global parallel scheduler: threads "parallel-N" that never end. Judged only when
    // nothing else in this JVM started it before.
    boolean parallelBefore = !threadsNamed("parallel-").isEmpty();
    List<Thread> during;
    try (AzureBlobSettings.Client client = settings.connect()) {
      assertTrue(client.service().getAccountInfo().getAccountKind() != null);
      during = ioThreads();
      assertFalse(during.isEmpty(), "the request ran on the client's own event loops, not Reactor Netty's global ones");
      assertTrue(during.size() <= AzureBlobSettings.EVENT_LOOP_THREADS + 1, "its I/O threads and its timer: " + during);
    }
    // close() waits for the loops to shut down; each thread's own exit follows right after.
    for (Thread t : during) {
      t.join(30_000);
    }
    assertEquals(List.of(), ioThreads(), "I/O threads still alive 30 s after the client was closed");
    if (!parallelBefore) {
      assertEquals(List.of(), threadsNamed("parallel-"), "the client started Reactor's global parallel scheduler");
    }
  }
}

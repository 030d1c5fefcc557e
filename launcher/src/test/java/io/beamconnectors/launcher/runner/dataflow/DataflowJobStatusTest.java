package io.beamconnectors.launcher.runner.dataflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.services.dataflow.model.Job;
import com.google.api.services.dataflow.model.JobMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataflowJobStatusTest {

  private static DataflowJobStatus map(String state) {
    return DataflowJobStatus.of(new Job().setId("2026-12-03_01_02_03-123").setName("bc-sync-x").setCurrentState(state),
        List.of());
  }

  @Test
  void everyDocumentedStateMapsToAProtocolStatus() {
    assertEquals(DataflowJobStatus.COMPLETED, map("JOB_STATE_DONE").status());
    assertTrue(map("JOB_STATE_DONE").terminal());
    assertEquals(DataflowJobStatus.ERROR, map("JOB_STATE_FAILED").status());
    assertTrue(map("JOB_STATE_FAILED").terminal());
    assertEquals(DataflowJobStatus.CANCELED, map("JOB_STATE_CANCELLED").status());
    assertEquals(DataflowJobStatus.CANCELED, map("JOB_STATE_DRAINED").status());
    assertEquals(DataflowJobStatus.ERROR, map("JOB_STATE_UPDATED").status());
    for (String s : List.of("JOB_STATE_CANCELLING", "JOB_STATE_DRAINING")) {
      assertEquals(DataflowJobStatus.CANCELING, map(s).status(), s);
      assertFalse(map(s).terminal(), s);
    }
    for (String s : List.of("JOB_STATE_PENDING", "JOB_STATE_QUEUED", "JOB_STATE_RUNNING", "JOB_STATE_STOPPED",
        "JOB_STATE_RESOURCE_CLEANING_UP", "JOB_STATE_PAUSING", "JOB_STATE_PAUSED", "JOB_STATE_UNKNOWN",
        "JOB_STATE_SOMETHING_NEW")) {
      assertEquals(DataflowJobStatus.IN_PROGRESS, map(s).status(), s);
      assertFalse(map(s).terminal(), s);
      assertNull(map(s).error(), s);
    }
    assertEquals(DataflowJobStatus.IN_PROGRESS, map(null).status());
  }

  @Test
  void cleaningUpAfterACancelRequestIsCanceling() {
    Job job = new Job().setId("j").setCurrentState("JOB_STATE_RESOURCE_CLEANING_UP").setRequestedState("JOB_STATE_CANCELLED");
    assertEquals(DataflowJobStatus.CANCELING, DataflowJobStatus.of(job, List.of()).status());
  }

  @Test
  void failedJobCarriesItsLastErrorMessage() {
    Job job = new Job().setId("2026-12-03_01_02_03-123").setName("bc-sync-x").setCurrentState("JOB_STATE_FAILED");
    DataflowJobStatus s = DataflowJobStatus.of(job, List.of(
        new JobMessage().setMessageImportance("JOB_MESSAGE_ERROR").setMessageText("Workflow failed."),
        new JobMessage().setMessageImportance("JOB_MESSAGE_ERROR")
            .setMessageText("  Error: Connection refused: 10.0.0.5:9200 — ünïcødé \n")));
    assertEquals("Dataflow job bc-sync-x (2026-12-03_01_02_03-123) failed: Error: Connection refused: 10.0.0.5:9200"
        + " — ünïcødé", s.error());

    DataflowJobStatus none = DataflowJobStatus.of(job, List.of());
    assertTrue(none.error().contains("see the job's logs"), none.error());

    DataflowJobStatus huge = DataflowJobStatus.of(job, List.of(new JobMessage().setMessageText("x".repeat(100_000))));
    assertTrue(huge.error().length() <= 1000, "error is bounded for the job document");
  }
}

package io.beamconnectors.sync;

import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sources.ListingIssue;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes listing issues visible to the driver on any runner: one counter per issue kind and one
 * per "KIND scope" in the {@value SyncCounters#ISSUE_NAMESPACE} namespace (the summary lists them),
 * plus a warning log line with the message (already free of secrets).
 */
public final class ReportIssues extends PTransform<PCollection<ListingIssue>, PDone> {
  private static final long serialVersionUID = 1L;

  public static ReportIssues create() {
    return new ReportIssues();
  }

  @Override
  public PDone expand(PCollection<ListingIssue> issues) {
    issues.apply("CountIssues", ParDo.of(new CountFn()));
    return PDone.in(issues.getPipeline());
  }

  static final class CountFn extends DoFn<ListingIssue, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReportIssues.class);

    @ProcessElement
    public void process(@Element ListingIssue issue) {
      switch (issue.kind()) {
        case FAILED -> Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.LISTING_FAILURES).inc();
        case SKIPPED -> Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.SKIPPED_PARTS).inc();
        case DUPLICATE -> { } // counted per id by Reconcile (duplicate_ids)
      }
      LOG.warn("Listing issue: {}", issue);
    }
  }
}

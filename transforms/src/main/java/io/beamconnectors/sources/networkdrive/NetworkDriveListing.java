package io.beamconnectors.sources.networkdrive;

import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Lists the network drive: the configured folder is listed first (its entries are emitted, each
 * sub-folder becomes a work unit), the sub-folders are spread over workers (Reshuffle), and each is
 * walked completely with an explicit stack, one directory listing per folder. A folder that cannot
 * be listed gives a FAILED issue for its scope (so nothing under it is deleted) and the walk goes
 * on elsewhere; a failure to list the configured folder itself fails the whole source.
 */
final class NetworkDriveListing extends SourceListing {
  private static final long serialVersionUID = 1L;
  static final String NAMESPACE = "network_drive";

  private static final TupleTag<String> DIRECTORIES = new TupleTag<>("directories") {};

  private final ConnectorConfiguration config;

  NetworkDriveListing(ConnectorConfiguration config) {
    this.config = config;
  }

  @Override
  protected PCollectionTuple list(PBegin input) {
    PCollectionTuple top = input
        .apply("Seed", Create.of(config.getString(NetworkDriveConnector.DRIVE_PATH)).withCoder(StringUtf8Coder.of()))
        .apply("ListTopFolder", ParDo.of(new ListTopFn(config))
            .withOutputTags(DIRECTORIES, TupleTagList.of(RECORDS).and(ISSUES)));
    top.get(DIRECTORIES).setCoder(StringUtf8Coder.of());
    top.get(ISSUES).setCoder(ListingIssueCoder.of());
    top.get(RECORDS).setCoder(io.beamconnectors.sources.SourceRecordCoder.of());

    PCollectionTuple walked = top.get(DIRECTORIES)
        .apply("SpreadFolders", Reshuffle.viaRandomKey())
        .apply("WalkFolder", ParDo.of(new WalkFn(config)).withOutputTags(RECORDS, TupleTagList.of(ISSUES)));
    walked.get(ISSUES).setCoder(ListingIssueCoder.of());
    walked.get(RECORDS).setCoder(io.beamconnectors.sources.SourceRecordCoder.of());

    PCollection<SourceRecord> records = PCollectionList.of(top.get(RECORDS)).and(walked.get(RECORDS))
        .apply("AllRecords", Flatten.pCollections());
    PCollection<ListingIssue> issues = PCollectionList.of(top.get(ISSUES)).and(walked.get(ISSUES))
        .apply("AllIssues", Flatten.pCollections());
    return PCollectionTuple.of(RECORDS, records).and(ISSUES, issues);
  }

  /** Shared by both DoFns: a session per instance and the per-entry record building. */
  abstract static class SmbFn<I, O> extends DoFn<I, O> {
    private static final long serialVersionUID = 1L;
    protected final ConnectorConfiguration config;
    protected final Counter entries = Metrics.counter(NAMESPACE, "entries_listed");
    protected final Counter folders = Metrics.counter(NAMESPACE, "folders_listed");
    protected final Counter failedFolders = Metrics.counter(NAMESPACE, "folders_failed");
    protected final Counter fallbackIds = Metrics.counter(NAMESPACE, "path_hash_ids");
    protected transient SmbSession session;

    SmbFn(ConnectorConfiguration config) {
      this.config = config;
    }

    @Setup
    public void setup() throws IOException {
      session = SmbSession.open(config);
    }

    @Teardown
    public void teardown() {
      if (session != null) {
        session.close();
        session = null;
      }
    }

    protected String describe(Throwable e) {
      return Secrets.describe(e, Secrets.of(config));
    }

    /**
     * Lists one directory and emits its entries. Returns the sub-folders, or null when the
     * directory could not be listed completely (a FAILED issue was emitted for its scope).
     */
    protected List<SmbSession.Entry> listDirectory(String dir, MultiOutputReceiver out, boolean wholeSourceOnFailure) {
      SmbPaths paths = session.paths();
      List<SmbSession.Entry> listed;
      try {
        listed = session.list(dir);
      } catch (IOException | RuntimeException e) {
        failedFolders.inc();
        out.get(ISSUES).output(ListingIssue.failed(
            wholeSourceOnFailure ? io.beamconnectors.sources.Scope.wholeSource() : paths.directoryScope(dir),
            "cannot list folder '" + paths.share() + (dir.isEmpty() ? "" : "/" + dir) + "': " + describe(e)));
        return null;
      }
      folders.inc();
      boolean complete = true;
      List<SmbSession.Entry> subFolders = new java.util.ArrayList<>();
      for (SmbSession.Entry e : listed) {
        long fileId;
        try {
          fileId = SmbSession.fileId(e.file());
        } catch (IOException | RuntimeException ex) {
          if (SmbSession.isNotFound(ex)) {
            continue; // removed since the directory was listed: gone, correctly
          }
          if (complete) {
            complete = false;
            failedFolders.inc();
            out.get(ISSUES).output(ListingIssue.failed(paths.directoryScope(dir),
                "cannot read the file id of '" + paths.share() + "/" + e.pathInShare() + "': " + describe(ex)));
          }
          continue;
        }
        if (fileId == 0) {
          fallbackIds.inc();
        }
        SourceRecord r = SmbDocuments.record(paths, session.server(), fileId, e.pathInShare(), e.name(),
            e.directory(), e.size(), e.createdMillis(), e.modifiedMillis());
        out.get(RECORDS).output(r);
        entries.inc();
        if (e.directory()) {
          subFolders.add(e);
        }
      }
      return subFolders;
    }
  }

  /** Lists the configured folder: emits its entries, outputs each sub-folder as a work unit. */
  static final class ListTopFn extends SmbFn<String, String> {
    private static final long serialVersionUID = 1L;

    ListTopFn(ConnectorConfiguration config) {
      super(config);
    }

    @ProcessElement
    public void process(MultiOutputReceiver out) {
      List<SmbSession.Entry> sub = listDirectory(session.paths().base(), out, true);
      if (sub != null) {
        for (SmbSession.Entry e : sub) {
          out.get(DIRECTORIES).output(e.pathInShare());
        }
      }
    }
  }

  /** Walks one top-level folder completely, depth first with an explicit stack. */
  static final class WalkFn extends SmbFn<String, SourceRecord> {
    private static final long serialVersionUID = 1L;

    WalkFn(ConnectorConfiguration config) {
      super(config);
    }

    @ProcessElement
    public void process(@Element String top, MultiOutputReceiver out) {
      Deque<String> stack = new ArrayDeque<>();
      stack.push(top);
      while (!stack.isEmpty()) {
        String dir = stack.pop();
        List<SmbSession.Entry> sub = listDirectory(dir, out, false);
        if (sub != null) {
          for (SmbSession.Entry e : sub) {
            stack.push(e.pathInShare());
          }
        }
      }
    }
  }
}

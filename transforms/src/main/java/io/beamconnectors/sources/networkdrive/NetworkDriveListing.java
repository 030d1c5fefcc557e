package io.beamconnectors.sources.networkdrive;

import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import io.beamconnectors.sources.SpreadWork;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the network drive: the configured folder is listed first (its entries are emitted, each
 * sub-folder becomes a work unit carrying the file ids of the folders above it), the sub-folders
 * are spread over workers ({@link SpreadWork}), and each is walked completely with an explicit stack, one
 * directory listing per folder. A folder whose file id is already on its path from the share root
 * is a directory link back to a parent: it is neither emitted nor walked, only counted
 * ({@link WalkRules}). A folder that cannot be listed, or an entry whose id cannot be read for any
 * reason but "not found", gives a FAILED issue for the folder's scope (so nothing under it is
 * deleted) and the walk goes on elsewhere; a failure to list the configured folder itself fails the
 * whole source.
 */
final class NetworkDriveListing extends SourceListing {
  private static final long serialVersionUID = 1L;
  static final String NAMESPACE = "network_drive";
  static final String LINKS_BACK = "folder_links_back_skipped";

  /** A folder to walk: its path inside the share and the file ids of the folders from the share root to it. */
  private static final TupleTag<KV<String, List<Long>>> DIRECTORIES = new TupleTag<>("directories") {};

  private final ConnectorConfiguration config;

  NetworkDriveListing(ConnectorConfiguration config) {
    this.config = config;
  }

  static KvCoder<String, List<Long>> workUnitCoder() {
    return KvCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of()));
  }

  @Override
  protected PCollectionTuple list(PBegin input) {
    PCollectionTuple top = input
        .apply("Seed", Create.of(config.getString(NetworkDriveConnector.DRIVE_PATH)).withCoder(StringUtf8Coder.of()))
        .apply("ListTopFolder", ParDo.of(new ListTopFn(config))
            .withOutputTags(DIRECTORIES, TupleTagList.of(RECORDS).and(ISSUES)));
    top.get(DIRECTORIES).setCoder(workUnitCoder());
    top.get(ISSUES).setCoder(ListingIssueCoder.of());
    top.get(RECORDS).setCoder(SourceRecordCoder.of());

    PCollectionTuple walked = top.get(DIRECTORIES)
        .apply("SpreadFolders", SpreadWork.create())
        .apply("WalkFolder", ParDo.of(new WalkFn(config)).withOutputTags(RECORDS, TupleTagList.of(ISSUES)));
    walked.get(ISSUES).setCoder(ListingIssueCoder.of());
    walked.get(RECORDS).setCoder(SourceRecordCoder.of());

    PCollection<SourceRecord> records = PCollectionList.of(top.get(RECORDS)).and(walked.get(RECORDS))
        .apply("AllRecords", Flatten.pCollections());
    PCollection<ListingIssue> issues = PCollectionList.of(top.get(ISSUES)).and(walked.get(ISSUES))
        .apply("AllIssues", Flatten.pCollections());
    return PCollectionTuple.of(RECORDS, records).and(ISSUES, issues);
  }

  /** A sub-folder to walk next. */
  record Folder(String pathInShare, FolderChain chain) {}

  /** Shared by both DoFns: a session per instance and the per-entry rules. */
  abstract static class SmbFn<I, O> extends DoFn<I, O> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(NetworkDriveListing.class);
    protected final ConnectorConfiguration config;
    protected final Counter entries = Metrics.counter(NAMESPACE, "entries_listed");
    protected final Counter folders = Metrics.counter(NAMESPACE, "folders_listed");
    protected final Counter failedFolders = Metrics.counter(NAMESPACE, "folders_failed");
    protected final Counter fallbackIds = Metrics.counter(NAMESPACE, "path_hash_ids");
    protected final Counter linksBack = Metrics.counter(NAMESPACE, LINKS_BACK);
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

    protected String display(String pathInShare) {
      return session.paths().share() + (pathInShare.isEmpty() ? "" : "/" + pathInShare);
    }

    /**
     * Lists one directory and emits its entries. Returns the sub-folders to walk, or null when
     * the directory could not be listed (a FAILED issue was emitted for {@code failureScope}).
     *
     * @param chain the file ids from the share root to {@code dir}, its own included
     */
    protected List<Folder> listDirectory(String dir, FolderChain chain, MultiOutputReceiver out, Scope failureScope) {
      SmbPaths paths = session.paths();
      List<SmbSession.Entry> listed;
      try {
        listed = session.list(dir);
      } catch (IOException | RuntimeException e) {
        failedFolders.inc();
        out.get(ISSUES).output(ListingIssue.failed(failureScope,
            "cannot list folder '" + display(dir) + "': " + describe(e)));
        return null;
      }
      folders.inc();
      boolean complete = true;
      List<Folder> subFolders = new ArrayList<>();
      for (SmbSession.Entry e : listed) {
        switch (WalkRules.decide(e, chain)) {
          case SKIP_VANISHED -> {
            // removed since the directory was listed: gone, correctly
          }
          case FAIL -> {
            if (complete) {
              complete = false;
              failedFolders.inc();
              out.get(ISSUES).output(ListingIssue.failed(paths.directoryScope(dir),
                  "cannot read the file id of '" + display(e.pathInShare()) + "': " + describe(e.idError())));
            }
          }
          case SKIP_LINK_BACK -> {
            linksBack.inc();
            LOG.warn("Not walking folder '{}': it is the folder with file id {} above it (a directory link back to a "
                + "parent); counted in {}/{}", display(e.pathInShare()), Long.toUnsignedString(e.fileId()),
                NAMESPACE, LINKS_BACK);
          }
          case RECORD, RECORD_AND_DESCEND -> {
            if (e.fileId() == 0) {
              fallbackIds.inc();
            }
            out.get(RECORDS).output(SmbDocuments.record(paths, session.server(), e));
            entries.inc();
            if (e.directory()) {
              subFolders.add(new Folder(e.pathInShare(), chain.child(e.fileId())));
            }
          }
          default -> throw new IllegalStateException("unknown action");
        }
      }
      return subFolders;
    }
  }

  /** Lists the configured folder: emits its entries, outputs each sub-folder as a work unit. */
  static final class ListTopFn extends SmbFn<String, KV<String, List<Long>>> {
    private static final long serialVersionUID = 1L;

    ListTopFn(ConnectorConfiguration config) {
      super(config);
    }

    @ProcessElement
    public void process(MultiOutputReceiver out) {
      String base = session.paths().base();
      FolderChain chain;
      try {
        chain = session.chainTo(base);
      } catch (IOException | RuntimeException e) {
        failedFolders.inc();
        out.get(ISSUES).output(ListingIssue.failed(Scope.wholeSource(),
            "cannot read the file ids of '" + display(base) + "' and the folders above it: " + describe(e)));
        return;
      }
      List<Folder> sub = listDirectory(base, chain, out, Scope.wholeSource());
      if (sub != null) {
        for (Folder f : sub) {
          out.get(DIRECTORIES).output(KV.of(f.pathInShare(), f.chain().ids()));
        }
      }
    }
  }

  /** Walks one top-level folder completely, depth first with an explicit stack. */
  static final class WalkFn extends SmbFn<KV<String, List<Long>>, SourceRecord> {
    private static final long serialVersionUID = 1L;

    WalkFn(ConnectorConfiguration config) {
      super(config);
    }

    @ProcessElement
    public void process(@Element KV<String, List<Long>> top, MultiOutputReceiver out) {
      Deque<Folder> stack = new ArrayDeque<>();
      stack.push(new Folder(top.getKey(), FolderChain.of(top.getValue())));
      while (!stack.isEmpty()) {
        Folder f = stack.pop();
        List<Folder> sub = listDirectory(f.pathInShare(), f.chain(), out, session.paths().directoryScope(f.pathInShare()));
        if (sub != null) {
          for (Folder s : sub) {
            stack.push(s);
          }
        }
      }
    }
  }
}

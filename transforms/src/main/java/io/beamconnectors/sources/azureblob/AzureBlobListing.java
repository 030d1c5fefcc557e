package io.beamconnectors.sources.azureblob;

import com.azure.core.http.rest.PagedResponse;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobContainerItem;
import com.azure.storage.blob.models.BlobContainerListDetails;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobContainersOptions;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.SerializableCoder;
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
 * Lists an Azure Blob Storage account, metadata only, in three fanned-out stages:
 * <ol>
 *   <li>one element enumerates the containers (with their metadata), or checks the configured
 *       ones exist; a configured container that is missing is a FAILED issue for that container;
 *   <li>after a Reshuffle, each container's root is listed with the '/' delimiter: root blobs are
 *       emitted, each top-level virtual directory becomes a work unit;
 *   <li>after a Reshuffle, each top-level directory is listed flat (paged) under its prefix.
 * </ol>
 * A failure of a stage is a FAILED issue for the container or directory it was listing, so the
 * engine deletes nothing under it; a failure to enumerate the containers fails the whole source.
 */
final class AzureBlobListing extends SourceListing {
  private static final long serialVersionUID = 1L;
  private static final String NAMESPACE = "azure_blob_storage";

  private static final TupleTag<WorkUnit> UNITS = new TupleTag<>("units") {};

  private final AzureBlobSettings settings;

  AzureBlobListing(AzureBlobSettings settings) {
    this.settings = settings;
  }

  /** A container (prefix null) or one top-level virtual directory of a container. */
  record WorkUnit(String container, String prefix, String containerMetadataJson) implements Serializable {}

  @Override
  protected PCollectionTuple list(PBegin input) {
    PCollectionTuple containers = input
        .apply("Seed", Create.of(settings.accountName()).withCoder(StringUtf8Coder.of()))
        .apply("ListContainers", ParDo.of(new ListContainersFn(settings))
            .withOutputTags(UNITS, TupleTagList.of(ISSUES)));
    containers.get(UNITS).setCoder(SerializableCoder.of(WorkUnit.class));
    containers.get(ISSUES).setCoder(ListingIssueCoder.of());

    PCollectionTuple roots = containers.get(UNITS)
        .apply("SpreadContainers", Reshuffle.viaRandomKey())
        .apply("ListContainerRoots", ParDo.of(new ListRootFn(settings))
            .withOutputTags(RECORDS, TupleTagList.of(ISSUES).and(UNITS)));
    roots.get(UNITS).setCoder(SerializableCoder.of(WorkUnit.class));
    roots.get(ISSUES).setCoder(ListingIssueCoder.of());

    PCollectionTuple dirs = roots.get(UNITS)
        .apply("SpreadDirectories", Reshuffle.viaRandomKey())
        .apply("ListDirectories", ParDo.of(new ListPrefixFn(settings))
            .withOutputTags(RECORDS, TupleTagList.of(ISSUES)));
    dirs.get(ISSUES).setCoder(ListingIssueCoder.of());

    PCollection<SourceRecord> records = PCollectionList.of(roots.get(RECORDS)).and(dirs.get(RECORDS))
        .apply("AllRecords", Flatten.pCollections());
    PCollection<ListingIssue> issues = PCollectionList.of(containers.get(ISSUES)).and(roots.get(ISSUES))
        .and(dirs.get(ISSUES))
        .apply("AllIssues", Flatten.pCollections());
    return PCollectionTuple.of(RECORDS, records).and(ISSUES, issues);
  }

  /** Base: a client per DoFn instance, built in @Setup and released in @Teardown. */
  abstract static class ClientFn<I, O> extends DoFn<I, O> {
    private static final long serialVersionUID = 1L;
    final AzureBlobSettings settings;
    final Counter pages = Metrics.counter(NAMESPACE, "pages_listed");
    transient AzureBlobSettings.Client client;

    ClientFn(AzureBlobSettings settings) {
      this.settings = settings;
    }

    @Setup
    public void setup() {
      client = settings.connect();
    }

    @Teardown
    public void teardown() {
      if (client != null) {
        client.close();
        client = null;
      }
    }

    String describe(Throwable e) {
      return settings.describe(e);
    }
  }

  static final class ListContainersFn extends ClientFn<String, WorkUnit> {
    private static final long serialVersionUID = 1L;
    private final Counter containersListed = Metrics.counter(NAMESPACE, "containers_listed");

    ListContainersFn(AzureBlobSettings settings) {
      super(settings);
    }

    @ProcessElement
    public void process(MultiOutputReceiver out) {
      Map<String, String> found = new HashMap<>();
      try {
        ListBlobContainersOptions options = new ListBlobContainersOptions()
            .setDetails(new BlobContainerListDetails().setRetrieveMetadata(true));
        for (PagedResponse<BlobContainerItem> page : client.service().listBlobContainers(options, null).iterableByPage()) {
          pages.inc();
          for (BlobContainerItem c : page.getValue()) {
            found.put(c.getName(), AzureBlobDocuments.metadataJson(c.getMetadata()));
          }
        }
      } catch (RuntimeException e) {
        out.get(ISSUES).output(ListingIssue.failed(Scope.wholeSource(),
            "cannot list the containers of account '" + settings.accountName() + "': " + describe(e)));
        return;
      }
      if (settings.containers().isEmpty()) {
        for (Map.Entry<String, String> c : found.entrySet()) {
          containersListed.inc();
          out.get(UNITS).output(new WorkUnit(c.getKey(), null, c.getValue()));
        }
        return;
      }
      for (String name : settings.containers()) {
        if (found.containsKey(name)) {
          containersListed.inc();
          out.get(UNITS).output(new WorkUnit(name, null, found.get(name)));
        } else {
          out.get(ISSUES).output(ListingIssue.failed(Scope.of(name),
              "container '" + name + "' named in 'containers' does not exist in account '" + settings.accountName()
                  + "' (or the key cannot see it): its documents are kept; create the container or remove it"
                  + " from 'containers'"));
        }
      }
    }
  }

  static ListBlobsOptions withMetadata() {
    return new ListBlobsOptions().setDetails(new BlobListDetails().setRetrieveMetadata(true));
  }

  static final class ListRootFn extends ClientFn<WorkUnit, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final Counter blobsListed = Metrics.counter(NAMESPACE, "blobs_listed");
    private final Counter directories = Metrics.counter(NAMESPACE, "top_level_directories");

    ListRootFn(AzureBlobSettings settings) {
      super(settings);
    }

    @ProcessElement
    public void process(@Element WorkUnit unit, MultiOutputReceiver out) {
      try {
        BlobContainerClient container = client.service().getBlobContainerClient(unit.container());
        for (PagedResponse<BlobItem> page : container.listBlobsByHierarchy("/", withMetadata(), null).iterableByPage()) {
          pages.inc();
          for (BlobItem item : page.getValue()) {
            if (Boolean.TRUE.equals(item.isPrefix())) {
              directories.inc();
              out.get(UNITS).output(new WorkUnit(unit.container(), item.getName(), unit.containerMetadataJson()));
            } else {
              SourceRecord r = AzureBlobDocuments.record(AzureBlobDocuments.facts(unit.container(), item),
                  unit.containerMetadataJson());
              blobsListed.inc();
              out.get(RECORDS).output(r);
            }
          }
        }
      } catch (RuntimeException e) {
        out.get(ISSUES).output(ListingIssue.failed(Scope.of(unit.container()),
            "cannot list container '" + unit.container() + "': " + describe(e)));
      }
    }
  }

  static final class ListPrefixFn extends ClientFn<WorkUnit, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final Counter blobsListed = Metrics.counter(NAMESPACE, "blobs_listed");

    ListPrefixFn(AzureBlobSettings settings) {
      super(settings);
    }

    @ProcessElement
    public void process(@Element WorkUnit unit, MultiOutputReceiver out) {
      try {
        BlobContainerClient container = client.service().getBlobContainerClient(unit.container());
        ListBlobsOptions options = withMetadata().setPrefix(unit.prefix());
        for (PagedResponse<BlobItem> page : container.listBlobs(options, null).iterableByPage()) {
          pages.inc();
          for (BlobItem item : page.getValue()) {
            SourceRecord r = AzureBlobDocuments.record(AzureBlobDocuments.facts(unit.container(), item),
                unit.containerMetadataJson());
            blobsListed.inc();
            out.get(RECORDS).output(r);
          }
        }
      } catch (RuntimeException e) {
        out.get(ISSUES).output(ListingIssue.failed(AzureBlobDocuments.prefixScope(unit.container(), unit.prefix()),
            "cannot list '" + unit.prefix() + "' in container '" + unit.container() + "': " + describe(e)));
      }
    }
  }
}

package io.beamconnectors.sources.azureblob;

import com.azure.core.http.rest.PagedIterable;
import com.azure.core.http.rest.PagedResponse;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobContainerItem;
import com.azure.storage.blob.models.BlobContainerListDetails;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobContainersOptions;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.objectstore.ObjectPage;
import io.beamconnectors.sources.objectstore.ObjectStore;
import io.beamconnectors.sources.objectstore.StoreUnit;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Azure Blob Storage as an {@link ObjectStore}: containers (with their metadata, which every
 * blob's document carries) are the units, pages come from List Blobs with its continuation token
 * (hierarchical at a container's top level), bytes from the blob's input stream.
 */
public final class AzureBlobStore implements ObjectStore<BlobItem> {
  private static final long serialVersionUID = 1L;

  private final AzureBlobSettings settings;
  /** Blobs per List Blobs page; 0 = the service's default (5000). */
  private final int pageSize;

  AzureBlobStore(AzureBlobSettings settings) {
    this(settings, 0);
  }

  private AzureBlobStore(AzureBlobSettings settings, int pageSize) {
    this.settings = settings;
    this.pageSize = pageSize;
  }

  /** The same store asking for at most {@code blobs} per page (1-5000), e.g. to test paging. */
  public AzureBlobStore withPageSize(int blobs) {
    if (blobs < 1 || blobs > 5000) {
      throw new IllegalArgumentException("an Azure List Blobs page holds 1 to 5000 blobs, not " + blobs);
    }
    return new AzureBlobStore(settings, blobs);
  }

  @Override
  public String name() {
    return "azure_blob_storage";
  }

  @Override
  public String containerNoun() {
    return "container";
  }

  @Override
  public SourceRecord describe(StoreUnit unit, BlobItem item) {
    return AzureBlobDocuments.record(AzureBlobDocuments.facts(unit.container(), item), unit.detail());
  }

  @Override
  public String explain(Throwable failure) {
    return settings.describe(failure);
  }

  private ListBlobsOptions withMetadata() {
    ListBlobsOptions options = new ListBlobsOptions().setDetails(new BlobListDetails().setRetrieveMetadata(true));
    return pageSize > 0 ? options.setMaxResultsPerPage(pageSize) : options;
  }

  @Override
  public Session<BlobItem> connect() {
    AzureBlobSettings.Client client = settings.connect();
    return new Session<>() {
      /** Every container's metadata comes from one account listing; a configured one not there fails when listed. */
      @Override
      public List<StoreUnit> units() {
        Map<String, String> found = new HashMap<>();
        ListBlobContainersOptions options = new ListBlobContainersOptions()
            .setDetails(new BlobContainerListDetails().setRetrieveMetadata(true));
        for (BlobContainerItem c : client.service().listBlobContainers(options, null)) {
          found.put(c.getName(), AzureBlobDocuments.metadataJson(c.getMetadata()));
        }
        List<StoreUnit> units = new ArrayList<>();
        if (settings.containers().isEmpty()) {
          found.forEach((name, metadata) -> units.add(StoreUnit.root(name, metadata)));
        } else {
          settings.containers().forEach(name -> units.add(StoreUnit.root(name, found.getOrDefault(name, "{}"))));
        }
        return units;
      }

      @Override
      public ObjectPage<BlobItem> page(StoreUnit unit, String token) throws Exception {
        BlobContainerClient container = client.service().getBlobContainerClient(unit.container());
        PagedIterable<BlobItem> listing = unit.isRoot()
            ? container.listBlobsByHierarchy("/", withMetadata(), null)
            : container.listBlobs(withMetadata().setPrefix(unit.prefix()), null);
        Iterator<PagedResponse<BlobItem>> pages =
            (token == null ? listing.iterableByPage() : listing.iterableByPage(token)).iterator();
        if (!pages.hasNext()) {
          return ObjectPage.of(List.of(), List.of(), null);
        }
        try (PagedResponse<BlobItem> page = pages.next()) {
          List<BlobItem> blobs = new ArrayList<>();
          List<String> prefixes = new ArrayList<>();
          for (BlobItem item : page.getValue()) {
            if (Boolean.TRUE.equals(item.isPrefix())) {
              prefixes.add(item.getName());
            } else {
              blobs.add(item);
            }
          }
          return ObjectPage.of(blobs, prefixes, page.getContinuationToken());
        }
      }

      /**
       * Container names are the account's own, so only "not found" means a wrong name; a 403 is
       * the key's problem (thrown, it names no container).
       */
      @Override
      public boolean readable(String name) {
        return client.service().getBlobContainerClient(name).exists();
      }

      @Override
      public InputStream open(ObjectLocation location) {
        return client.service().getBlobContainerClient(location.container()).getBlobClient(location.key())
            .openInputStream();
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }
}

package io.beamconnectors.sources.gcs;

import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.beamconnectors.sources.ConfigurableField;
import io.beamconnectors.sources.ConfigurableField.Type;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConfigurationSpec;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.objectstore.ConfiguredContainers;
import io.beamconnectors.sources.objectstore.ObjectStoreFetcher;
import io.beamconnectors.sources.objectstore.ObjectStoreListing;
import java.io.IOException;
import java.util.List;

/**
 * Google Cloud Storage ({@code google_cloud_storage}): every object of the configured buckets (or
 * of every bucket of the project), one document per object, with the reference's ids and fields.
 */
public final class GcsConnector implements SourceConnector {
  private static final long serialVersionUID = 1L;

  public static final String SERVICE_ACCOUNT_CREDENTIALS = "service_account_credentials";
  public static final String RETRY_COUNT = "retry_count";
  public static final String BUCKETS = "buckets";
  public static final String PROJECT_ID = "project_id";
  public static final String EMULATOR_HOST = "emulator_host";
  public static final String PAGE_SIZE = "page_size";

  private static final ConfigurationSpec SPEC = ConfigurationSpec.of(
      ConfigurableField.of(SERVICE_ACCOUNT_CREDENTIALS, Type.STR).withLabel("Google Cloud service account JSON")
          .withDisplay("textarea").asSensitive().withOrder(1)
          .withTooltip("The JSON key file of a service account that may list and read the buckets"),
      ConfigurableField.of(BUCKETS, Type.LIST).withLabel("Comma-separated list of buckets").withDefault("*")
          .withDisplay("textarea").asOptional().withOrder(2)
          .withTooltip("'*' syncs every bucket of the project"),
      ConfigurableField.of(RETRY_COUNT, Type.INT).withLabel("Maximum retries for failed requests").withDefault(3L)
          .asOptional().asAdvanced().withOrder(3).withBounds(-1L, 100L),
      ConfigurableField.of(PAGE_SIZE, Type.INT).withLabel("Objects per listing request").withDefault(1000L)
          .asOptional().asAdvanced().withOrder(4).withBounds(0L, 1001L),
      ConfigurableField.of(PROJECT_ID, Type.STR).withLabel("Project ID").asOptional().asAdvanced().withOrder(5)
          .withTooltip("Overrides the project_id of the credentials"),
      ConfigurableField.of(EMULATOR_HOST, Type.STR).withLabel("Storage emulator URL").asOptional().asAdvanced()
          .withOrder(6).withTooltip("e.g. http://127.0.0.1:19110; no credentials are sent to it"));

  @Override
  public String serviceType() {
    return "google_cloud_storage";
  }

  @Override
  public ConfigurationSpec configurationSpec() {
    return SPEC;
  }

  @Override
  public void validate(ConnectorConfiguration config) {
    config.validate();
    GcsClients.credentialsJson(config);
    GcsClients.projectId(config);
    String emulator = GcsClients.emulatorHost(config);
    if (emulator != null && !emulator.startsWith("http://") && !emulator.startsWith("https://")) {
      throw new ConfigurationException("'Storage emulator URL' (emulator_host) must start with http:// or"
          + " https://: got '" + emulator + "'");
    }
    for (String b : config.getList(BUCKETS)) {
      if (b.contains("/")) {
        throw new ConfigurationException("'Comma-separated list of buckets' (buckets) holds bucket names,"
            + " not paths: remove the '/' from '" + b + "'");
      }
    }
  }

  /** True when every bucket of the project is to be synced. */
  static boolean allBuckets(List<String> buckets) {
    return buckets.isEmpty() || buckets.contains("*");
  }

  /**
   * Connects and authenticates with one cheap read: a one-bucket page of the project's buckets
   * ({@code *}) or a one-object page of the first configured bucket. A bucket that does not exist is
   * not a ping failure: {@link #checkConfiguredParts} reports it, naming the field.
   */
  @Override
  public void ping(ConnectorConfiguration config) throws Exception {
    List<String> secrets = GcsClients.secrets(config);
    try (Storage storage = GcsClients.open(config)) {
      List<String> buckets = config.getList(BUCKETS);
      if (allBuckets(buckets)) {
        Page<Bucket> page = storage.list(Storage.BucketListOption.pageSize(1));
        page.getValues();
      } else {
        try {
          Page<Blob> page = storage.list(buckets.get(0), Storage.BlobListOption.pageSize(1));
          page.getValues();
        } catch (StorageException e) {
          if (e.getCode() != 404) {
            throw e;
          }
        }
      }
    } catch (ConfigurationException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot reach Google Cloud Storage for project '" + safeProject(config) + "': "
          + Secrets.describe(e, secrets));
    }
  }

  private static String safeProject(ConnectorConfiguration config) {
    try {
      return GcsClients.projectId(config);
    } catch (RuntimeException e) {
      return "?";
    }
  }

  /** Every bucket named in 'buckets' must exist and be listable before the sync starts. */
  @Override
  public void checkConfiguredParts(ConnectorConfiguration config) throws Exception {
    ConfiguredContainers.check(new GcsStore(config), config.getList(BUCKETS),
        "'Comma-separated list of buckets' (buckets)");
  }

  @Override
  public SourceListing listing(ConnectorConfiguration config) {
    return ObjectStoreListing.of(new GcsStore(config));
  }

  @Override
  public ContentFetcher contentFetcher(ConnectorConfiguration config) {
    return ObjectStoreFetcher.of(new GcsStore(config));
  }

  /** True: ids are {@code bucket/name/generation}, unique in a listing of distinct buckets. */
  @Override
  public boolean listsEachIdOnce() {
    return true;
  }
}

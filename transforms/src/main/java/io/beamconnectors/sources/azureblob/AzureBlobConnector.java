package io.beamconnectors.sources.azureblob;

import io.beamconnectors.sources.ConfigurableField;
import io.beamconnectors.sources.ConfigurableField.Type;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConfigurationSpec;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.objectstore.ConfiguredContainers;
import io.beamconnectors.sources.objectstore.ObjectStoreFetcher;
import io.beamconnectors.sources.objectstore.ObjectStoreListing;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Azure Blob Storage ({@code azure_blob_storage}): every blob of every container (or of the
 * configured containers), one document per blob with the reference's id
 * ({@code <container>/<blob name>}) and fields, content fetched for new or changed blobs.
 * See docs/connectors/azure_blob_storage.md for the differences from the reference.
 */
public final class AzureBlobConnector implements SourceConnector {
  private static final long serialVersionUID = 1L;

  public static final String ACCOUNT_NAME = "account_name";
  public static final String ACCOUNT_KEY = "account_key";
  public static final String BLOB_ENDPOINT = "blob_endpoint";
  public static final String CONTAINERS = "containers";
  public static final String RETRY_COUNT = "retry_count";
  public static final String CONCURRENT_DOWNLOADS = "concurrent_downloads";

  /** Azurite's documented, public development key: the reference's default. */
  static final String AZURITE_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  /** Azure's container naming rule: 3-63 of a-z, 0-9 and '-', starting with a letter or digit, no "--". */
  private static final Pattern CONTAINER_NAME = Pattern.compile("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");

  private static final ConfigurationSpec SPEC = ConfigurationSpec.of(
      ConfigurableField.of(ACCOUNT_NAME, Type.STR).withLabel("Azure Blob Storage account name")
          .withDefault("devstoreaccount1").withOrder(1),
      ConfigurableField.of(ACCOUNT_KEY, Type.STR).withLabel("Azure Blob Storage account key")
          .withDefault(AZURITE_KEY).withOrder(2).asSensitive(),
      ConfigurableField.of(BLOB_ENDPOINT, Type.STR).withLabel("Azure Blob Storage blob endpoint")
          .withDefault("http://127.0.0.1:10000/devstoreaccount1").withOrder(3),
      ConfigurableField.of(CONTAINERS, Type.LIST).withLabel("Azure Blob Storage containers")
          .withDefault("*").withDisplay("textarea").withOrder(4).asOptional()
          .withTooltip("Comma-separated container names, or * for every container of the account"),
      ConfigurableField.of(RETRY_COUNT, Type.INT).withLabel("Retries per request").withDefault(3L)
          .withOrder(5).asOptional().asAdvanced().withBounds(-1L, null),
      ConfigurableField.of(CONCURRENT_DOWNLOADS, Type.INT).withLabel("Maximum concurrent downloads")
          .withDefault(100L).withOrder(6).asOptional().asAdvanced().withBounds(0L, 101L));

  @Override
  public String serviceType() {
    return "azure_blob_storage";
  }

  @Override
  public ConfigurationSpec configurationSpec() {
    return SPEC;
  }

  @Override
  public void validate(ConnectorConfiguration config) {
    List<String> problems = new ArrayList<>();
    try {
      config.validate();
    } catch (ConfigurationException e) {
      problems.addAll(e.problems());
    }
    problems.addAll(sourceProblems(config));
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  /** Checks beyond types and bounds; no message contains the key. */
  static List<String> sourceProblems(ConnectorConfiguration config) {
    List<String> problems = new ArrayList<>();
    String endpoint = safeString(config, BLOB_ENDPOINT);
    if (endpoint != null) {
      try {
        URI uri = new URI(endpoint);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
            || uri.getHost() == null) {
          problems.add("'Azure Blob Storage blob endpoint' (blob_endpoint) must be an http:// or https:// URL"
              + " such as https://<account>.blob.core.windows.net: got '" + endpoint + "'");
        }
      } catch (Exception e) {
        problems.add("'Azure Blob Storage blob endpoint' (blob_endpoint) is not a valid URL: got '" + endpoint
            + "'");
      }
    }
    String key = safeString(config, ACCOUNT_KEY);
    if (key != null) {
      boolean ok;
      try {
        ok = Base64.getDecoder().decode(key.trim()).length > 0;
      } catch (IllegalArgumentException e) {
        ok = false;
      }
      if (!ok) {
        problems.add("'Azure Blob Storage account key' (account_key) must be the base64 account key shown"
            + " under the storage account's 'Access keys': the value given is not base64");
      }
    }
    String account = safeString(config, ACCOUNT_NAME);
    if (account != null && !account.matches("[A-Za-z0-9]{1,64}")) {
      problems.add("'Azure Blob Storage account name' (account_name) must be letters and digits only: got '"
          + account + "'");
    }
    List<String> containers;
    try {
      containers = config.getList(CONTAINERS);
    } catch (RuntimeException e) {
      containers = List.of();
    }
    if (containers.contains("*") && containers.size() > 1) {
      problems.add("'Azure Blob Storage containers' (containers) mixes * with names: use * alone for every"
          + " container, or list names only");
    }
    for (String c : containers) {
      if (!c.equals("*") && !CONTAINER_NAME.matcher(c).matches()) {
        problems.add("'Azure Blob Storage containers' (containers) has '" + c + "', which is not a valid"
            + " container name: use 3-63 lower-case letters, digits and single hyphens");
      }
    }
    return problems;
  }

  private static String safeString(ConnectorConfiguration config, String name) {
    try {
      return config.getString(name);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public void ping(ConnectorConfiguration config) throws Exception {
    AzureBlobSettings settings = AzureBlobSettings.from(config);
    try (AzureBlobSettings.Client client = settings.connect()) {
      client.service().getAccountInfo();
    } catch (RuntimeException e) {
      throw new java.io.IOException(String.format(
          "Can't reach Azure Blob Storage account '%s' at %s: %s", settings.accountName(), settings.endpoint(),
          settings.describe(e)));
    }
  }

  /** Every container named in 'containers' must exist and be listable before the sync starts. */
  @Override
  public void checkConfiguredParts(ConnectorConfiguration config) throws Exception {
    ConfiguredContainers.check(new AzureBlobStore(AzureBlobSettings.from(config)), config.getList(CONTAINERS),
        "'Azure Blob Storage containers' (containers)");
  }

  @Override
  public SourceListing listing(ConnectorConfiguration config) {
    return ObjectStoreListing.of(new AzureBlobStore(AzureBlobSettings.from(config)));
  }

  @Override
  public ContentFetcher contentFetcher(ConnectorConfiguration config) {
    return ObjectStoreFetcher.of(new AzureBlobStore(AzureBlobSettings.from(config)));
  }

  /** True: ids are {@code container/name}, unique in a listing of distinct containers. */
  @Override
  public boolean listsEachIdOnce() {
    return true;
  }
}

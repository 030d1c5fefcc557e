package io.beamconnectors.sources.azureblob;

import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.beamconnectors.sources.ConnectorConfiguration;
import java.io.Serializable;
import java.util.List;
import reactor.netty.resources.ConnectionProvider;

/**
 * The resolved, serializable connection settings of one Azure Blob Storage connector. Carries the
 * account key (it must reach the workers), so {@link #toString()} never prints it.
 */
final class AzureBlobSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String accountName;
  private final String accountKey;
  private final String endpoint;
  private final List<String> containers;
  private final int retryCount;
  private final int concurrentDownloads;

  private AzureBlobSettings(String accountName, String accountKey, String endpoint, List<String> containers,
      int retryCount, int concurrentDownloads) {
    this.accountName = accountName;
    this.accountKey = accountKey;
    this.endpoint = endpoint;
    this.containers = List.copyOf(containers);
    this.retryCount = retryCount;
    this.concurrentDownloads = concurrentDownloads;
  }

  static AzureBlobSettings from(ConnectorConfiguration config) {
    return new AzureBlobSettings(
        config.getString(AzureBlobConnector.ACCOUNT_NAME).trim(),
        config.getString(AzureBlobConnector.ACCOUNT_KEY).trim(),
        stripSlash(config.getString(AzureBlobConnector.BLOB_ENDPOINT).trim()),
        config.getList(AzureBlobConnector.CONTAINERS),
        config.getInt(AzureBlobConnector.RETRY_COUNT),
        config.getInt(AzureBlobConnector.CONCURRENT_DOWNLOADS));
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  String accountName() {
    return accountName;
  }

  String endpoint() {
    return endpoint;
  }

  /** Empty means every container. */
  List<String> containers() {
    return containers.isEmpty() || containers.contains("*") ? List.of() : containers;
  }

  int retryCount() {
    return retryCount;
  }

  int concurrentDownloads() {
    return concurrentDownloads;
  }

  /**
   * A short, secret-free description of a failure. The SDK's {@code BlobStorageException} message
   * starts with several lines of signing hints; the status code and Azure's error code say more.
   */
  String describe(Throwable e) {
    if (e instanceof com.azure.storage.blob.models.BlobStorageException b) {
      return io.beamconnectors.sources.Secrets.redact(
          "HTTP " + b.getStatusCode() + " " + b.getErrorCode() + " from the blob service", secrets());
    }
    return io.beamconnectors.sources.Secrets.describe(e, secrets());
  }

  /** Values to redact from any message. */
  List<String> secrets() {
    return List.of(accountKey);
  }

  /**
   * A client with the SDK's exponential retry ({@code retry_count} retries, so retry_count + 1
   * tries) and its own connection pool of at most {@code concurrent_downloads} connections,
   * released by {@link Client#close()}.
   */
  Client connect() {
    ConnectionProvider pool = ConnectionProvider.create("azure-blob-" + accountName, Math.max(1, concurrentDownloads));
    reactor.netty.http.client.HttpClient netty = reactor.netty.http.client.HttpClient.create(pool);
    BlobServiceClient service = new BlobServiceClientBuilder()
        .endpoint(endpoint)
        .credential(new StorageSharedKeyCredential(accountName, accountKey))
        .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, retryCount + 1, (java.time.Duration) null, null, null, null))
        .httpClient(new NettyAsyncHttpClientBuilder(netty).build())
        .buildClient();
    return new Client(service, pool);
  }

  @Override
  public String toString() {
    return "AzureBlobSettings{account=" + accountName + ", endpoint=" + endpoint + ", containers="
        + (containers().isEmpty() ? "*" : containers) + ", retry_count=" + retryCount + "}";
  }

  /** A connected client; not serializable, lives in one DoFn instance or one ping. */
  static final class Client implements AutoCloseable {
    private final BlobServiceClient service;
    private final ConnectionProvider pool;

    Client(BlobServiceClient service, ConnectionProvider pool) {
      this.service = service;
      this.pool = pool;
    }

    BlobServiceClient service() {
      return service;
    }

    @Override
    public void close() {
      pool.dispose();
    }
  }
}

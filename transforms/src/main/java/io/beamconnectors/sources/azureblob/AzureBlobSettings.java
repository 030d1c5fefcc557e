package io.beamconnectors.sources.azureblob;

import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.beamconnectors.sources.ConnectorConfiguration;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;
import reactor.netty.resources.ConnectionProvider;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The resolved, serializable connection settings of one Azure Blob Storage connector. Carries the
 * account key (it must reach the workers), so {@link #toString()} never prints it.
 */
final class AzureBlobSettings implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Name prefix of a client's I/O threads. */
  static final String EVENT_LOOP_PREFIX = "bc-azure-blob";
  /** I/O threads per client: each serves many connections; the downloads' concurrency is the pool's. */
  static final int EVENT_LOOP_THREADS = 2;
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

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
   * tries), its own connection pool of at most {@code concurrent_downloads} connections, its own
   * {@value #EVENT_LOOP_THREADS} I/O threads and its own timer thread (named
   * {@value #EVENT_LOOP_PREFIX}-...), all ended by {@link Client#close()}.
   *
   * <p>Not Reactor Netty's global event loops, nor Reactor's global parallel scheduler: their
   * threads never end. On a Flink session cluster, where each sync job's classes have a class
   * loader of their own in a TaskManager that outlives the job, those threads kept every finished
   * Azure sync loaded: about 34 MB of metaspace per sync, and its Netty buffers, which can fail the
   * TaskManager's direct memory within a few syncs (docs/runners.md).
   */
  Client connect() {
    // A Netty group shut down by Netty itself: reactor-netty's LoopResources dispose on Reactor's
    // global parallel scheduler, and would start it.
    EventLoopGroup loops = new NioEventLoopGroup(EVENT_LOOP_THREADS, new DefaultThreadFactory(EVENT_LOOP_PREFIX, true));
    // The pool times a wait for a free connection on the client's own thread, not on Reactor's
    // global parallel scheduler.
    Scheduler timer = Schedulers.newSingle(EVENT_LOOP_PREFIX + "-timer", true);
    ConnectionProvider pool = ConnectionProvider.builder("azure-blob-" + accountName)
        .maxConnections(Math.max(1, concurrentDownloads))
        .pendingAcquireTimeout(Duration.ofMillis(ConnectionProvider.DEFAULT_POOL_ACQUIRE_TIMEOUT))
        .pendingAcquireTimer((task, delay) -> timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS))
        .build();
    reactor.netty.http.client.HttpClient netty = reactor.netty.http.client.HttpClient.create(pool).runOn(loops);
    BlobServiceClient service;
    try {
      service = new BlobServiceClientBuilder()
          .endpoint(endpoint)
          .credential(new StorageSharedKeyCredential(accountName, accountKey))
          .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, retryCount + 1, (java.time.Duration) null, null, null, null))
          .httpClient(new NettyAsyncHttpClientBuilder(netty).build())
          .buildClient();
    } catch (RuntimeException e) {
      // The group opened its selectors already: a client that is never returned must not keep them.
      new Client(null, pool, loops, timer).close();
      throw e;
    }
    return new Client(service, pool, loops, timer);
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
    private final EventLoopGroup loops;
    private final Scheduler timer;

    Client(BlobServiceClient service, ConnectionProvider pool, EventLoopGroup loops, Scheduler timer) {
      this.service = service;
      this.pool = pool;
      this.loops = loops;
      this.timer = timer;
    }

    BlobServiceClient service() {
      return service;
    }

    @Override
    public void close() {
      pool.dispose();
      // No quiet period: nothing is in flight once the pool is gone; the threads end before this returns.
      loops.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .awaitUninterruptibly(SHUTDOWN_TIMEOUT.multipliedBy(2).toMillis());
      timer.dispose();
    }
  }
}

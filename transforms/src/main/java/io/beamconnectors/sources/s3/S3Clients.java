package io.beamconnectors.sources.s3;

import io.beamconnectors.sources.ConnectorConfiguration;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetBucketLocationResponse;

/**
 * The S3 clients of one DoFn instance (or one content reader): one client per region, built on
 * first use from the configuration (credentials, endpoint, path style, timeouts, retries) and
 * closed together. Bucket regions are resolved once with GetBucketLocation and remembered.
 */
final class S3Clients implements AutoCloseable {
  /** The region used for calls that are not bound to a bucket (ListBuckets, GetBucketLocation). */
  static final String DEFAULT_REGION = "us-east-1";

  private final ConnectorConfiguration config;
  private final Map<String, S3Client> byRegion = new HashMap<>();
  private final Map<String, String> bucketRegions = new HashMap<>();

  S3Clients(ConnectorConfiguration config) {
    this.config = config;
  }

  /** The configured region, or null when each bucket's own region is to be used. */
  String configuredRegion() {
    String r = config.getString(S3Connector.REGION);
    return r == null || r.isBlank() ? null : r.trim();
  }

  /** The client for calls not bound to a bucket. */
  S3Client defaultClient() {
    String r = configuredRegion();
    return client(r == null ? DEFAULT_REGION : r);
  }

  S3Client client(String region) {
    return byRegion.computeIfAbsent(region, this::build);
  }

  /** The region of a bucket: the configured one, else GetBucketLocation (cached). */
  String regionOf(String bucket) {
    String configured = configuredRegion();
    if (configured != null) {
      return configured;
    }
    String known = bucketRegions.get(bucket);
    if (known != null) {
      return known;
    }
    GetBucketLocationResponse loc = defaultClient().getBucketLocation(b -> b.bucket(bucket));
    String region = normalizeLocation(loc.locationConstraintAsString());
    bucketRegions.put(bucket, region);
    return region;
  }

  /** The client for a bucket's region. */
  S3Client forBucket(String bucket) {
    return client(regionOf(bucket));
  }

  /** GetBucketLocation's answer as a region: empty/null means us-east-1, "EU" means eu-west-1. */
  static String normalizeLocation(String constraint) {
    if (constraint == null || constraint.isBlank() || "null".equals(constraint)
        || "UNKNOWN_TO_SDK_VERSION".equals(constraint)) {
      return DEFAULT_REGION;
    }
    if ("EU".equals(constraint)) {
      return "eu-west-1";
    }
    return constraint;
  }

  private S3Client build(String region) {
    ApacheHttpClient.Builder http = ApacheHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(config.getLong(S3Connector.CONNECT_TIMEOUT)))
        .socketTimeout(Duration.ofSeconds(config.getLong(S3Connector.READ_TIMEOUT)));
    ClientOverrideConfiguration override = ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(config.getInt(S3Connector.MAX_ATTEMPTS))
            .build())
        .build();
    var builder = S3Client.builder()
        .region(Region.of(region))
        .httpClientBuilder(http)
        .overrideConfiguration(override)
        .credentialsProvider(credentials(config))
        .forcePathStyle(config.getBoolean(S3Connector.PATH_STYLE));
    String endpoint = config.getString(S3Connector.ENDPOINT);
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint.trim()));
    }
    return builder.build();
  }

  static AwsCredentialsProvider credentials(ConnectorConfiguration config) {
    String id = config.getString(S3Connector.ACCESS_KEY_ID);
    String secret = config.getString(S3Connector.SECRET_ACCESS_KEY);
    if (id != null && !id.isBlank() && secret != null && !secret.isBlank()) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(id.trim(), secret));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public void close() {
    for (S3Client c : byRegion.values()) {
      try {
        c.close();
      } catch (RuntimeException ignored) {
        // closing is best effort
      }
    }
    byRegion.clear();
  }
}

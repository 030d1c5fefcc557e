package io.beamconnectors.sources.s3;

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
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Amazon S3 ({@code s3}) and S3-compatible stores: one document per object of the configured
 * buckets (or of every bucket for {@code *}), ids and fields as the reference, content fetched
 * with GetObject. Beyond the reference: explicit credentials, region, endpoint and path style.
 */
public final class S3Connector implements SourceConnector {
  private static final long serialVersionUID = 1L;

  public static final String BUCKETS = "buckets";
  public static final String READ_TIMEOUT = "read_timeout";
  public static final String CONNECT_TIMEOUT = "connect_timeout";
  public static final String MAX_ATTEMPTS = "max_attempts";
  public static final String PAGE_SIZE = "page_size";
  public static final String ACCESS_KEY_ID = "aws_access_key_id";
  public static final String SECRET_ACCESS_KEY = "aws_secret_access_key";
  public static final String REGION = "region";
  public static final String ENDPOINT = "endpoint";
  public static final String PATH_STYLE = "path_style";

  private static final ConfigurationSpec SPEC = ConfigurationSpec.of(
      ConfigurableField.of(BUCKETS, Type.LIST).withLabel("AWS Buckets").withDisplay("textarea")
          .withDefault("ent-search-ingest-dev").withOrder(1)
          .withTooltip("Bucket names separated by commas; * syncs every bucket the credentials can list"),
      ConfigurableField.of(READ_TIMEOUT, Type.INT).withLabel("Read timeout").withDefault(90)
          .asOptional().asAdvanced().withOrder(2).withBounds(0L, null),
      ConfigurableField.of(CONNECT_TIMEOUT, Type.INT).withLabel("Connection timeout").withDefault(90)
          .asOptional().asAdvanced().withOrder(3).withBounds(0L, null),
      ConfigurableField.of(MAX_ATTEMPTS, Type.INT).withLabel("Maximum retry attempts").withDefault(5)
          .asOptional().asAdvanced().withOrder(4).withBounds(0L, null),
      ConfigurableField.of(PAGE_SIZE, Type.INT).withLabel("Maximum size of page").withDefault(100)
          .asOptional().asAdvanced().withOrder(5).withBounds(0L, 1001L),
      ConfigurableField.of(ACCESS_KEY_ID, Type.STR).withLabel("AWS access key ID").asOptional().withOrder(6)
          .withTooltip("Leave empty to use the AWS default credentials chain (environment, profile, instance role)"),
      ConfigurableField.of(SECRET_ACCESS_KEY, Type.STR).withLabel("AWS secret access key").asOptional()
          .asSensitive().withOrder(7),
      ConfigurableField.of(REGION, Type.STR).withLabel("AWS region").asOptional().asAdvanced().withOrder(8)
          .withTooltip("Leave empty to use each bucket's own region (GetBucketLocation)"),
      ConfigurableField.of(ENDPOINT, Type.STR).withLabel("Endpoint override").asOptional().asAdvanced()
          .withOrder(9).withTooltip("For S3-compatible stores, e.g. http://127.0.0.1:9000"),
      ConfigurableField.of(PATH_STYLE, Type.BOOL).withLabel("Path-style access").withDefault(false)
          .asOptional().asAdvanced().withOrder(10)
          .withTooltip("Address buckets as endpoint/bucket instead of bucket.endpoint (most S3-compatible stores)"));

  @Override
  public String serviceType() {
    return "s3";
  }

  @Override
  public ConfigurationSpec configurationSpec() {
    return SPEC;
  }

  @Override
  public void validate(ConnectorConfiguration config) {
    config.validate();
    List<String> problems = new ArrayList<>();
    List<String> buckets = config.getList(BUCKETS);
    if (buckets.isEmpty()) {
      problems.add("'AWS Buckets' (buckets) cannot be empty: name one or more buckets, or * for all");
    }
    for (String b : buckets) {
      if (!b.equals("*") && (b.contains("/") || b.chars().anyMatch(Character::isWhitespace))) {
        problems.add("'AWS Buckets' (buckets) has '" + b + "', which is not a bucket name:"
            + " give bare bucket names (no s3:// prefix, no '/', no spaces) separated by commas");
      }
    }
    String id = config.getString(ACCESS_KEY_ID);
    String secret = config.getString(SECRET_ACCESS_KEY);
    boolean hasId = id != null && !id.isBlank();
    boolean hasSecret = secret != null && !secret.isBlank();
    if (hasId != hasSecret) {
      problems.add("'AWS access key ID' (aws_access_key_id) and 'AWS secret access key' (aws_secret_access_key)"
          + " go together: set both, or leave both empty to use the default credentials chain");
    }
    String region = config.getString(REGION);
    if (region != null && !region.isBlank() && !region.trim().matches("[a-z0-9-]+")) {
      problems.add("'AWS region' (region) must be a region name such as us-east-1: got '" + region + "'");
    }
    String endpoint = config.getString(ENDPOINT);
    if (endpoint != null && !endpoint.isBlank()) {
      String why = null;
      try {
        URI u = URI.create(endpoint.trim());
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
          why = "it must start with http:// or https://";
        } else if (u.getHost() == null) {
          why = "it has no host";
        } else if (u.getUserInfo() != null) {
          why = "it must not carry credentials; use the access key fields";
        }
      } catch (IllegalArgumentException e) {
        why = "it is not a valid URL";
      }
      if (why != null) {
        problems.add("'Endpoint override' (endpoint) is not usable: " + why
            + " (e.g. http://127.0.0.1:9000), or leave it empty for AWS");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  @Override
  public void ping(ConnectorConfiguration config) throws Exception {
    try (S3Clients clients = new S3Clients(config)) {
      clients.defaultClient().listBuckets();
    } catch (RuntimeException e) {
      throw new Exception("cannot reach S3 (ListBuckets): " + Secrets.describe(e, Secrets.of(config)));
    }
  }

  /** Every bucket named in 'buckets' must exist and be listable (HeadBucket) before the sync starts. */
  @Override
  public void checkConfiguredParts(ConnectorConfiguration config) throws Exception {
    ConfiguredContainers.check(new S3Store(config), config.getList(BUCKETS), "'AWS Buckets' (buckets)");
  }

  @Override
  public SourceListing listing(ConnectorConfiguration config) {
    return ObjectStoreListing.of(new S3Store(config));
  }

  @Override
  public ContentFetcher contentFetcher(ConnectorConfiguration config) {
    return ObjectStoreFetcher.of(new S3Store(config));
  }

  /** True: ids are the MD5 of {@code bucket/key}, unique in a listing of distinct buckets. */
  @Override
  public boolean listsEachIdOnce() {
    return true;
  }
}

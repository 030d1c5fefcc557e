package io.beamconnectors.ftest.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Fills the bench's S3 bucket with a local tree: the bucket is created, or emptied when it exists,
 * then every regular file under the directory is uploaded (PutObject, several at once) under its
 * relative path as the key. The S3 endpoint and credentials come from the S3 fixture's BC_S3_*
 * variables. Prints how many objects and bytes it uploaded.
 *
 * <p>Usage: {@code S3BenchBucket DIRECTORY BUCKET [THREADS=8]}; {@code S3BenchBucket --delete BUCKET}
 * removes the bucket and its objects when the bench is done with them.
 */
public final class S3BenchBucket {
  private S3BenchBucket() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: S3BenchBucket DIRECTORY BUCKET [THREADS] | S3BenchBucket --delete BUCKET");
      System.exit(2);
    }
    if (args[0].equals("--delete")) {
      try (S3Client s3 = client(1)) {
        recreate(s3, args[1]);
        s3.deleteBucket(b -> b.bucket(args[1]));
      }
      return;
    }
    Path dir = Path.of(args[0]);
    String bucket = args[1];
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    try (S3Client s3 = client(threads)) {
      recreate(s3, bucket);
      List<Path> files;
      try (Stream<Path> walk = Files.walk(dir)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long bytes = 0;
      try {
        List<Future<?>> uploads = new ArrayList<>();
        for (Path f : files) {
          String key = dir.relativize(f).toString().replace('\\', '/');
          uploads.add(pool.submit(() -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(f))));
          bytes += Files.size(f);
        }
        for (Future<?> u : uploads) {
          u.get();
        }
      } finally {
        pool.shutdown();
      }
      System.out.printf("uploaded %d objects, %d bytes into bucket %s%n", files.size(), bytes, bucket);
    }
  }

  /** Creates the bucket, or deletes every object of it when it already exists. */
  static void recreate(S3Client s3, String bucket) {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      s3.createBucket(b -> b.bucket(bucket));
      return;
    }
    for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).maxKeys(1000))) {
      List<ObjectIdentifier> ids = new ArrayList<>();
      for (S3Object o : page.contents()) {
        ids.add(ObjectIdentifier.builder().key(o.key()).build());
      }
      if (!ids.isEmpty()) {
        s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids)));
      }
    }
  }

  /** A client for the S3 fixture (BC_S3_ENDPOINT, BC_S3_REGION, BC_S3_ACCESS_KEY, BC_S3_SECRET_KEY), path style. */
  static S3Client client(int maxConnections) throws IOException {
    return S3Client.builder()
        .endpointOverride(URI.create(require("BC_S3_ENDPOINT")))
        .region(Region.of(require("BC_S3_REGION")))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(require("BC_S3_ACCESS_KEY"), require("BC_S3_SECRET_KEY"))))
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(Math.max(maxConnections, 1))
            .socketTimeout(Duration.ofSeconds(90)))
        .build();
  }

  private static String require(String name) throws IOException {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IOException(name + " is not set: source $BC_RUN_DIR/s3/env (the S3 fixture's exports) first");
    }
    return v;
  }
}

package io.beamconnectors.ftest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 scenario's ceiling: the same objects as the sync downloads, fetched by a plain client
 * (the AWS SDK v2 with its Apache HTTP client, as the sync's S3 source uses) with a fixed number
 * of GetObject calls in flight and no Beam, no Elasticsearch, no text extraction: the bucket is
 * listed (ListObjectsV2, 1,000 keys a page), then every object is read to its end. The clock
 * covers the listing and the downloads. Prints one JSON line:
 * {@code {"docs": N, "bytes": B, "seconds": S, "concurrency": C}}.
 *
 * <p>Usage: {@code S3DownloadCeiling BUCKET CONCURRENCY} (endpoint and credentials as {@link S3BenchBucket}).
 */
public final class S3DownloadCeiling {
  private static final ObjectMapper JSON = new ObjectMapper();

  private S3DownloadCeiling() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: S3DownloadCeiling BUCKET CONCURRENCY");
      System.exit(2);
    }
    String bucket = args[0];
    int concurrency = Integer.parseInt(args[1]);
    if (concurrency < 1) {
      throw new IllegalArgumentException("CONCURRENCY must be at least 1, got " + concurrency);
    }
    try (S3Client s3 = S3BenchBucket.client(concurrency)) {
      long start = System.nanoTime();
      List<String> keys = new ArrayList<>();
      for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).maxKeys(1000))) {
        for (S3Object o : page.contents()) {
          keys.add(o.key());
        }
      }
      ExecutorService pool = Executors.newFixedThreadPool(concurrency);
      long bytes = 0;
      try {
        List<Future<Long>> downloads = new ArrayList<>(keys.size());
        for (String key : keys) {
          downloads.add(pool.submit(() -> readToEnd(s3, bucket, key)));
        }
        for (Future<Long> d : downloads) {
          bytes += d.get();
        }
      } finally {
        pool.shutdown();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.println(JSON.createObjectNode().put("docs", keys.size()).put("bytes", bytes).put("seconds", seconds)
          .put("concurrency", concurrency));
    }
  }

  private static long readToEnd(S3Client s3, String bucket, String key) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key))) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
      }
    }
    return total;
  }
}

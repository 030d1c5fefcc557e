package io.beamconnectors.sources.objectstore;

import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.SourceRecord;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;

/**
 * What an object store (S3, GCS, Azure Blob Storage, ...) gives the shared listing engine
 * ({@link ObjectStoreListing}) and content fetcher ({@link ObjectStoreFetcher}). The store itself
 * is small and serializable (configuration only); {@link #connect()} builds the network client,
 * which the engine does once per DoFn instance in {@code @Setup} and closes in {@code @Teardown}.
 *
 * @param <O> the store's own description of one listed object (an SDK type or a plain record)
 */
public interface ObjectStore<O> extends Serializable {

  /** A short fixed name: the metric namespace and the word used in messages ("s3", "gcs"). */
  String name();

  /** What a top-level container is called in messages: "bucket" or "container". */
  String containerNoun();

  /** A connected client. */
  Session<O> connect() throws Exception;

  /** The record of one listed object: the store's documents mapping, pure and unit-tested. */
  SourceRecord describe(StoreUnit unit, O object);

  /** A one-line description of a failure that contains no secret (keys, credentials). */
  String explain(Throwable failure);

  /** A connected client; not serializable, lives as long as one DoFn instance or one check. */
  interface Session<O> extends AutoCloseable {

    /**
     * The root units to list: one per configured container, or one per container the credentials
     * can list when the configuration says every container. A failure here fails the whole source.
     */
    List<StoreUnit> units() throws Exception;

    /**
     * One page of a unit from a continuation token (null for the first page). A root unit is
     * listed with the '/' delimiter: its page holds the objects at the container's top level and
     * the top-level prefixes; any other unit is listed flat under its prefix.
     */
    ObjectPage<O> page(StoreUnit unit, String token) throws Exception;

    /**
     * Whether a configured container exists and these credentials may list it: false when the
     * store says it does not exist (and, where bucket names are global so a typo names someone
     * else's bucket, when it says "forbidden"); an exception for anything else.
     */
    boolean readable(String container) throws Exception;

    /** A stream of an object's bytes; the caller closes it. */
    InputStream open(ObjectLocation location) throws Exception;

    @Override
    void close() throws Exception;
  }
}

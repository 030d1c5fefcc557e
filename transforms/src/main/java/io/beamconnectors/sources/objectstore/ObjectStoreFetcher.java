package io.beamconnectors.sources.objectstore;

import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.ObjectLocation;
import java.io.IOException;
import java.io.InputStream;

/**
 * Streams the bytes of objects listed by {@link ObjectStoreListing}, by their
 * {@code container/key} location, with one client per reader (that is, per DoFn instance).
 */
public final class ObjectStoreFetcher implements ContentFetcher {
  private static final long serialVersionUID = 1L;

  private final ObjectStore<?> store;

  private ObjectStoreFetcher(ObjectStore<?> store) {
    this.store = store;
  }

  public static ObjectStoreFetcher of(ObjectStore<?> store) {
    if (store == null) {
      throw new IllegalArgumentException("an ObjectStoreFetcher needs a store");
    }
    return new ObjectStoreFetcher(store);
  }

  @Override
  public Reader open() throws IOException {
    ObjectStore.Session<?> session;
    try {
      session = store.connect();
    } catch (Exception e) {
      throw new IOException("cannot open a " + store.name() + " client: " + store.explain(e));
    }
    return new Reader() {
      @Override
      public InputStream read(ContentRef ref) throws IOException {
        ObjectLocation location = ObjectLocation.parse(ref.location());
        try {
          return session.open(location);
        } catch (Exception e) {
          throw new IOException("cannot read " + store.containerNoun() + " '" + location.container() + "' object '"
              + location.key() + "': " + store.explain(e));
        }
      }

      @Override
      public void close() throws IOException {
        try {
          session.close();
        } catch (Exception e) {
          throw new IOException("closing the " + store.name() + " client failed: " + store.explain(e));
        }
      }
    };
  }
}

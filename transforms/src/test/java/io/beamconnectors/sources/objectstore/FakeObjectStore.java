package io.beamconnectors.sources.objectstore;

import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.SourceRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A FAKE object store for failure injection no real server produces on demand: pages that say
 * they are truncated but carry no token, a token that repeats, a page that throws. Its pages are
 * plain serializable data (keys and prefixes), so the DirectRunner can clone the DoFns that hold
 * it. Page {@code i} of a unit is asked for with token {@code "t<i>"} (the first with null).
 */
final class FakeObjectStore implements ObjectStore<String>, Serializable {
  private static final long serialVersionUID = 1L;

  /** One canned page. {@code next}: the token it gives; {@code fail}: throw instead of answering. */
  record Page(List<String> keys, List<String> prefixes, String next, boolean truncated, String fail)
      implements Serializable {
    static Page last(String... keys) {
      return new Page(List.of(keys), List.of(), null, false, null);
    }

    Page withPrefixes(String... p) {
      return new Page(keys, List.of(p), next, truncated, fail);
    }

    Page then(String token) {
      return new Page(keys, prefixes, token, token != null, fail);
    }

    static Page failing(String message) {
      return new Page(List.of(), List.of(), null, false, message);
    }

    static Page truncatedWithoutToken(String... keys) {
      return new Page(List.of(keys), List.of(), null, true, null);
    }
  }

  private final List<String> containers;
  private final String unitsFailure;
  /** unit (container, or container/prefix) -> token ("" for the first page) -> page. */
  private final Map<String, Map<String, Page>> pages = new LinkedHashMap<>();

  FakeObjectStore(List<String> containers, String unitsFailure) {
    this.containers = List.copyOf(containers);
    this.unitsFailure = unitsFailure;
  }

  FakeObjectStore page(String unit, String token, Page page) {
    pages.computeIfAbsent(unit, u -> new LinkedHashMap<>()).put(token == null ? "" : token, page);
    return this;
  }

  @Override
  public String name() {
    return "fake_store";
  }

  @Override
  public String containerNoun() {
    return "bucket";
  }

  @Override
  public SourceRecord describe(StoreUnit unit, String key) {
    return SourceRecord.of(unit.container() + "/" + key, "t", ObjectDocuments.scope(unit.container(), key), "{}");
  }

  @Override
  public String explain(Throwable failure) {
    return failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  @Override
  public Session<String> connect() {
    return new Session<>() {
      @Override
      public List<StoreUnit> units() throws IOException {
        if (unitsFailure != null) {
          throw new IOException(unitsFailure);
        }
        List<StoreUnit> out = new ArrayList<>();
        containers.forEach(c -> out.add(StoreUnit.root(c, "")));
        return out;
      }

      @Override
      public ObjectPage<String> page(StoreUnit unit, String token) throws IOException {
        Page p = pages.getOrDefault(unit.toString(), Map.of()).get(token == null ? "" : token);
        if (p == null) {
          throw new IOException("no such page " + unit + " @ " + token);
        }
        if (p.fail() != null) {
          throw new IOException(p.fail());
        }
        return new ObjectPage<>(p.keys(), p.prefixes(), p.next(), p.truncated());
      }

      @Override
      public boolean readable(String container) {
        return containers.contains(container);
      }

      @Override
      public InputStream open(ObjectLocation location) {
        return new ByteArrayInputStream(location.key().getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public void close() {}
    };
  }
}

package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;

/**
 * What the index holds for a batch of ids: one search by {@code _id} that reads one binary doc
 * value per hit, {@code _lookup} (a hash of the id, and the token: {@link LookupKey}), and no
 * {@code _source} and no stored field at all, not even {@code _id}. Lets a sync decide records as
 * they arrive, without waiting for the whole index state.
 *
 * <p>Documents written before {@code _lookup} existed, or an index that does not map it as binary
 * with doc values, are read the older way: the keyword doc values {@code id}, {@code _token} and
 * {@code _scope}, which cost Elasticsearch about half as much again. A session starts the fast way
 * when the index maps the field readably, and goes the older way for good at the first hit without
 * it (that batch is searched again), so the answers are the same either way.
 *
 * <p>A {@link Session} searches a point in time opened after one refresh: everything earlier syncs
 * wrote is visible, and what this sync writes meanwhile is not (a lookup only ever asks for ids not
 * yet written, so it needs nothing newer). Searching through a point in time also leaves the shards
 * search-idle: a plain search wakes a shard and keeps it refreshing every second while the sync
 * writes, and on a large full sync those many small segments cost Elasticsearch more in merging than
 * the indexing itself (measured in {@code docs/benchmarks.md}).
 */
public final class IndexLookup {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long the point in time lives between two lookups; each lookup extends it. */
  static final String KEEP_ALIVE = "10m";
  /**
   * What a lookup reads of its answer ({@link LookupResponse}); Elasticsearch leaves the rest out
   * (each hit's {@code _index}, the timings). Error answers are never filtered. Each hit's
   * {@code _score} is kept only so that a hit without any of the doc values asked for still
   * appears (as {@code {"_score":1.0}}) instead of being filtered away: that is how a session sees a
   * document without {@code _lookup}.
   */
  static final String FILTER_PATH = "pit_id,_shards,hits.hits._score,hits.hits.fields";

  private IndexLookup() {}

  /** Makes every earlier write searchable; a missing index is fine (it reads as empty). */
  public static void refresh(RestClient client, String index) throws IOException {
    try {
      ReadIndexState.performWithRetry(client, new Request("POST", "/" + index + "/_refresh"));
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() != 404) {
        throw e;
      }
    }
  }

  /** The documents the index holds once refreshed; a missing index holds none. */
  public static long countAfterRefresh(RestClient client, String index) throws IOException {
    refresh(client, index);
    try (InputStream in = ReadIndexState.performWithRetry(client, new Request("GET", "/" + index + "/_count"))
        .getEntity().getContent()) {
      JsonNode count = JSON.readTree(in).path("count");
      if (!count.canConvertToLong()) {
        throw new IOException("Elasticsearch answered a count of index '" + index + "' without a count");
      }
      return count.asLong();
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return 0;
      }
      throw e;
    }
  }

  /**
   * Lookups against one point in time of one index. Not thread-safe; close it to release the point
   * in time early (it expires {@link #KEEP_ALIVE} after the last lookup anyway).
   */
  public static final class Session implements AutoCloseable {
    private final RestClient client;
    private final String index;
    /** Written by an asynchronous lookup's answer too. */
    private volatile String pitId;
    private boolean missing;
    private long heldAtOpen;
    /** Whether searches read {@code _lookup}; false for good once a hit lacked it. Written by an answer too. */
    private volatile boolean readsLookupKey;

    private Session(RestClient client, String index) {
      this.client = client;
      this.index = index;
    }

    /**
     * Refreshes the index, counts it ({@link #heldAtOpen}) and opens a point in time over it; a
     * missing index reads as empty.
     */
    public static Session open(RestClient client, String index) throws IOException {
      Session s = new Session(client, index);
      s.heldAtOpen = countAfterRefresh(client, index);
      s.readsLookupKey = ContentIndex.lookupMapping(client, index) == ContentIndex.LookupMapping.READABLE;
      s.openPit();
      return s;
    }

    /** Whether the next search reads {@code _lookup} rather than {@code id}, {@code _token} and {@code _scope}. */
    public boolean readsLookupKey() {
      return readsLookupKey;
    }

    /** The documents the index held when this session opened (0 for a missing index). */
    public long heldAtOpen() {
      return heldAtOpen;
    }

    private void openPit() throws IOException {
      try {
        pitId = ReadIndexState.openPointInTime(client, index, KEEP_ALIVE);
        missing = false;
      } catch (ResponseException e) {
        if (e.getResponse().getStatusLine().getStatusCode() != 404) {
          throw e;
        }
        pitId = null;
        missing = true;
      }
    }

    /**
     * The state of those ids the index holds; absent ids are not in the map. Read through
     * {@code _lookup}, a state's scope is empty: a lookup's decision compares tokens only, and the
     * token fingerprints the scope ({@link StoredToken}).
     */
    public Map<String, IndexedState> lookup(Collection<String> ids) throws IOException {
      Map<String, IndexedState> found = new HashMap<>();
      // No document has an empty _id, and an ids query with one fails as a whole.
      List<String> wanted = ids.stream().filter(id -> !id.isEmpty()).toList();
      if (wanted.isEmpty() || missing) {
        return found;
      }
      Batch batch = batch(wanted);
      LookupResponse answer;
      try {
        answer = search(batch);
      } catch (ResponseException e) {
        if (e.getResponse().getStatusLine().getStatusCode() != 404) {
          throw e;
        }
        // The point in time expired (a worker idle for longer than its keep-alive): a new one sees
        // what this sync has written since, but never an id still to be looked up, so it is as good.
        openPit();
        if (missing) {
          return found;
        }
        answer = search(batch);
      }
      if (answer.pitId() != null) {
        pitId = answer.pitId();
      }
      if (batch.readsLookupKey() && answer.hits() > answer.found().size()) {
        // A hit without a readable _lookup (written before it existed): this batch and every later
        // one the older way.
        readsLookupKey = false;
        return lookup(ids);
      }
      return answer.found();
    }

    /** What an asynchronous lookup gives: the state found, or the failure. */
    public interface Answer {
      void answer(Map<String, IndexedState> found, Exception failure);
    }

    /**
     * Starts one lookup without waiting for it: {@code answer} is called once, on the client's I/O
     * thread, with the state found or the failure. A failure is not retried here (an expired point
     * in time, a busy node): look the same ids up again with {@link #lookup}, which retries and
     * reopens. The caller keeps the answer's work short (hand it to its own thread).
     */
    public void lookupAsync(Collection<String> ids, Answer answer) {
      List<String> wanted = ids.stream().filter(id -> !id.isEmpty()).toList();
      String pit = pitId;
      if (wanted.isEmpty() || missing || pit == null) {
        answer.answer(new HashMap<>(), null);
        return;
      }
      Batch batch = batch(wanted);
      client.performRequestAsync(searchRequest(wanted, pit, batch.readsLookupKey()), new ResponseListener() {
        @Override
        public void onSuccess(Response response) {
          LookupResponse read;
          try (InputStream in = response.getEntity().getContent()) {
            read = LookupResponse.read(in, batch::idOfHash);
          } catch (IOException | RuntimeException e) {
            answer.answer(null, e);
            return;
          }
          if (read.pitId() != null) {
            pitId = read.pitId();
          }
          if (batch.readsLookupKey() && read.hits() > read.found().size()) {
            readsLookupKey = false;
            answer.answer(null, new IOException("a document without a readable " + IndexFields.LOOKUP
                + " among the hits: look this batch up again the older way"));
            return;
          }
          answer.answer(read.found(), null);
        }

        @Override
        public void onFailure(Exception e) {
          answer.answer(null, e);
        }
      });
    }

    private LookupResponse search(Batch batch) throws IOException {
      Request search = searchRequest(batch.ids(), pitId, batch.readsLookupKey());
      try (InputStream in = ReadIndexState.performWithRetry(client, search).getEntity().getContent()) {
        return LookupResponse.read(in, batch::idOfHash);
      }
    }

    /** One search's ids, by their {@link LookupKey#idHash} when it reads {@code _lookup}. */
    private Batch batch(List<String> ids) {
      // Where two ids of this batch share a hash, it alone is searched the older way.
      return new Batch(ids, readsLookupKey ? byHash(ids, LookupKey::idHash) : null);
    }

    /** The id of the point in time the next lookup searches (null: the index is missing). */
    public String pointInTime() {
      return pitId;
    }

    /** Releases the point in time; failures are ignored (it expires on its own). */
    @Override
    public void close() {
      if (pitId != null) {
        ReadIndexState.close(client, pitId);
        pitId = null;
      }
    }
  }

  /** Each id by its hash; null when two different ids share one. */
  static Map<Long, String> byHash(List<String> ids, java.util.function.ToLongFunction<String> hash) {
    Map<Long, String> byHash = new HashMap<>(ids.size() * 2);
    for (String id : ids) {
      String other = byHash.putIfAbsent(hash.applyAsLong(id), id);
      if (other != null && !other.equals(id)) {
        return null;
      }
    }
    return byHash;
  }

  /** The ids of one search and, when it reads {@code _lookup}, each of them by its hash (else null). */
  private record Batch(List<String> ids, Map<Long, String> byHash) {
    boolean readsLookupKey() {
      return byHash != null;
    }

    String idOfHash(long hash) {
      return byHash == null ? null : byHash.get(hash);
    }
  }

  /**
   * The search of one lookup, through the point in time {@code pit}, asking only for what it reads:
   * {@code _lookup}, or with {@code readsLookupKey} false {@code id}, {@code _token} and {@code _scope}.
   */
  static Request searchRequest(Collection<String> ids, String pit, boolean readsLookupKey) {
    Request search = new Request("POST", "/_search");
    search.addParameter("filter_path", FILTER_PATH);
    ObjectNode body = body(ids, readsLookupKey);
    body.putObject("pit").put("id", pit).put("keep_alive", KEEP_ALIVE);
    search.setJsonEntity(body.toString());
    return search;
  }

  static ObjectNode body(Collection<String> ids, boolean readsLookupKey) {
    ObjectNode body = JSON.createObjectNode();
    body.put("size", ids.size());
    body.put("_source", false);
    body.put("stored_fields", "_none_"); // not even _id: each hit would decompress its stored-fields block
    body.put("track_total_hits", false);
    ArrayNode values = body.putObject("query").putObject("ids").putArray("values");
    ids.forEach(values::add);
    if (readsLookupKey) {
      body.putArray("docvalue_fields").add(IndexFields.LOOKUP);
    } else {
      body.putArray("docvalue_fields").add(IndexFields.ID).add(IndexFields.TOKEN).add(IndexFields.SCOPE);
    }
    return body;
  }
}

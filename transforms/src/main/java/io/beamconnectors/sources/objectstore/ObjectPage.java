package io.beamconnectors.sources.objectstore;

import java.util.List;

/**
 * One page of a listing, as the store answered it: the objects, the top-level prefixes (root
 * units only, each ending in '/'), the token of the next page (null when there is none), and
 * whether the store said more results exist. A page that says it is truncated but gives no token
 * cannot be continued: the engine reports its unit as FAILED rather than end the listing there.
 */
public record ObjectPage<O>(List<O> objects, List<String> prefixes, String nextToken, boolean truncated) {
  public ObjectPage {
    objects = List.copyOf(objects);
    prefixes = List.copyOf(prefixes);
    if (nextToken != null && nextToken.isEmpty()) {
      nextToken = null;
    }
  }

  /** A page whose next page exists exactly when it carries a token (GCS, Azure). */
  public static <O> ObjectPage<O> of(List<O> objects, List<String> prefixes, String nextToken) {
    return new ObjectPage<>(objects, prefixes, nextToken, nextToken != null && !nextToken.isEmpty());
  }

  /** True when the store said more results exist but gave no token to fetch them. */
  public boolean truncatedWithoutToken() {
    return truncated && nextToken == null;
  }
}

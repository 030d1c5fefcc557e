package io.beamconnectors.launcher.protocol;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Which sync jobs to list: statuses (empty: any), connector ids (null: any), job types (empty:
 * any), jobs whose {@code last_seen} is before an instant (null: any), oldest {@code created_at}
 * first unless {@code newestFirst}.
 */
public record JobQuery(Set<JobStatus> statuses, Collection<String> connectorIds, Set<JobType> jobTypes,
    Instant lastSeenBefore, int size, boolean newestFirst) {

  public JobQuery {
    statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    connectorIds = connectorIds == null ? null : List.copyOf(connectorIds);
    jobTypes = jobTypes == null ? Set.of() : Set.copyOf(jobTypes);
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1, was " + size);
    }
  }

  public static JobQuery withStatuses(Set<JobStatus> statuses) {
    return new JobQuery(statuses, null, Set.of(), null, 100, false);
  }

  public JobQuery forConnectors(Collection<String> ids) {
    return new JobQuery(statuses, ids, jobTypes, lastSeenBefore, size, newestFirst);
  }

  public JobQuery ofTypes(Set<JobType> types) {
    return new JobQuery(statuses, connectorIds, types, lastSeenBefore, size, newestFirst);
  }

  public JobQuery seenBefore(Instant t) {
    return new JobQuery(statuses, connectorIds, jobTypes, t, size, newestFirst);
  }

  public JobQuery limit(int n) {
    return new JobQuery(statuses, connectorIds, jobTypes, lastSeenBefore, n, newestFirst);
  }

  public JobQuery sortedNewestFirst() {
    return new JobQuery(statuses, connectorIds, jobTypes, lastSeenBefore, size, true);
  }
}

package io.beamconnectors.launcher.runner;

/** One submitted run: the sync-job id and the runner's own id for it (a Flink job id, a thread name). */
public record RunHandle(String syncJobId, String runnerJobId) {}

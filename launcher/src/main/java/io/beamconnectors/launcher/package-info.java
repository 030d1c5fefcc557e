/**
 * The launcher (to come): the connector-protocol client for the {@code .elastic-connectors} and
 * {@code .elastic-connectors-sync-jobs} indices, the poll/schedule/execute/cleanup loops, job
 * submission to a runner (direct, flink, dataflow), the {@code launcher} CLI and config.yml.
 */
package io.beamconnectors.launcher;

/**
 * The Dataflow side of the launcher's runner adapter, as pure pieces the launcher calls: the
 * {@code flexTemplates:launch} request ({@link io.beamconnectors.launcher.runner.dataflow.FlexTemplateLaunches}),
 * the job name that makes a launch retryable ({@link io.beamconnectors.launcher.runner.dataflow.DataflowJobName}),
 * the mapping of Dataflow job states to sync-job statuses
 * ({@link io.beamconnectors.launcher.runner.dataflow.DataflowJobStatus}), the Beam counters of a
 * job ({@link io.beamconnectors.launcher.runner.dataflow.DataflowCounters}) and a thin client over
 * the Dataflow REST API ({@link io.beamconnectors.launcher.runner.dataflow.DataflowJobs}).
 *
 * <p>Dataflow cannot be reached from the machines this was written on: the request shapes are
 * unit-tested against the API's documented JSON, not against Dataflow itself.
 */
package io.beamconnectors.launcher.runner.dataflow;

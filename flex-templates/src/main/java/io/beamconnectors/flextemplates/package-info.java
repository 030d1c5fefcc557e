/**
 * Dataflow flex templates (to come): template specs generated from the pipeline options, the
 * Dockerfile, the build script and validation tests.
 */
package io.beamconnectors.flextemplates;

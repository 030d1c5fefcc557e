/**
 * The Dataflow flex template of the full-sync pipeline: its main
 * ({@link io.beamconnectors.flextemplates.FlexTemplateMain}, which submits and returns), its options
 * with Secret Manager references, and the generator and validator of its {@code metadata.json}.
 */
package io.beamconnectors.flextemplates;

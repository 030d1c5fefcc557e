package io.beamconnectors.sources;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Takes the issues a reader sent with its records ({@link SourceRecord#issue}) out of the stream:
 * {@link SourceListing#RECORDS} gets the listed items, with the stream's coder, and
 * {@link SourceListing#ISSUES} the issues. For a step that reads a listing's records and cannot
 * route issues itself; the engine's lookup step routes them as it decides, so that the reader's
 * records reach it without a step between.
 */
public final class SeparateIssues extends PTransform<PCollection<SourceRecord>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;

  private SeparateIssues() {}

  public static SeparateIssues create() {
    return new SeparateIssues();
  }

  @Override
  public PCollectionTuple expand(PCollection<SourceRecord> stream) {
    PCollectionTuple apart = stream.apply("RecordsOrIssues", ParDo.of(new SeparateFn())
        .withOutputTags(SourceListing.RECORDS, TupleTagList.of(SourceListing.ISSUES)));
    apart.get(SourceListing.RECORDS).setCoder(stream.getCoder());
    apart.get(SourceListing.ISSUES).setCoder(ListingIssueCoder.of());
    return apart;
  }

  private static final class SeparateFn extends DoFn<SourceRecord, SourceRecord> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element SourceRecord r, MultiOutputReceiver out) {
      if (r.isIssue()) {
        out.get(SourceListing.ISSUES).output(r.issue());
      } else {
        out.get(SourceListing.RECORDS).output(r);
      }
    }
  }
}

package io.beamconnectors.sources;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * A source's listing: metadata only, no content. Its output has two parts: {@link #RECORDS}, one
 * {@link SourceRecord} per item, and {@link #ISSUES}, what could not be listed. Subclasses
 * implement {@link #list}; this class fixes the coders so every runner sees deterministic ones.
 * A listing should fan out (directories, prefixes, tables become separate elements after a
 * Reshuffle) so a distributed runner spreads the work. The engine keys records by id itself.
 *
 * <p>A step that reads many records may send its issues with them, as records that are issues
 * ({@link SourceRecord#issue}), instead of through a second output: on Flink's batch runner a step
 * of two outputs is never fused with the step after it, and each of its records is then encoded
 * and decoded once more to cross over. {@link #RECORDS} may therefore hold issues; the engine takes
 * them out before it decides anything, and any other reader of a listing's records takes them out
 * with {@link SeparateIssues}. {@link #ISSUES} holds the listing's other issues.
 */
public abstract class SourceListing extends PTransform<PBegin, PCollectionTuple> {
  private static final long serialVersionUID = 1L;

  public static final TupleTag<SourceRecord> RECORDS = new TupleTag<>("records") {};
  public static final TupleTag<ListingIssue> ISSUES = new TupleTag<>("issues") {};

  protected abstract PCollectionTuple list(PBegin input);

  /**
   * The coder of {@link #RECORDS}, which the engine keeps for them until they are decided (records
   * to write then go on as JSON, which they need anyway).
   * {@link SourceRecordCoder#of()} unless the source has a coder for its deferred fields
   * ({@link SourceRecordCoder#withDeferredFields}).
   */
  protected Coder<SourceRecord> recordCoder() {
    return SourceRecordCoder.of();
  }

  @Override
  public final PCollectionTuple expand(PBegin input) {
    PCollectionTuple out = list(input);
    out.get(RECORDS).setCoder(recordCoder());
    out.get(ISSUES).setCoder(ListingIssueCoder.of());
    return out;
  }
}

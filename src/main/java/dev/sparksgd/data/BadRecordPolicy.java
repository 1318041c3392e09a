package dev.sparksgd.data;

import dev.sparksgd.config.BadRecordMode;
import java.io.Serializable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * What the per-split parse loop does with a record its parser rejects ({@code --bad-records}):
 * in fail mode it stops the run with the file and line; in skip mode it counts the record into an
 * accumulator, and stops the run once more than {@code --max-bad-records} were skipped.
 *
 * <p>The count comes back through a Spark accumulator read right after the load pass, the first
 * job over the cached blocks. Spark applies a result task's accumulator update once per partition
 * (failed attempts are dropped), so the count is exact; the samples are ordered by position, so
 * they do not depend on task arrival either.
 */
public final class BadRecordPolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  private final BadRecordMode mode;
  private final long maxBadRecords;

  public BadRecordPolicy(BadRecordMode mode, long maxBadRecords) {
    this.mode = mode;
    this.maxBadRecords = maxBadRecords;
  }

  /** A fresh accumulator registered with {@code sc}, to pass into the parse loop. */
  Tally newTally(JavaSparkContext sc) {
    Tally t = new Tally();
    sc.sc().register(t, "spark-sgd rejected records");
    return t;
  }

  /**
   * Called by the parse loop for each rejected record. Throws {@link BadRecordException} in fail
   * mode, and in skip mode once this task alone has skipped more than the limit (no need to read
   * the rest of the input to know the run fails).
   */
  void reject(String file, long offset, String reason, Tally tally) {
    if (mode == BadRecordMode.FAIL) {
      throw new BadRecordException(LineLocator.describe(file, offset), reason);
    }
    tally.add(new RejectedRecords.Sample(file, offset, reason, null));
    if (tally.value().count() > maxBadRecords) {
      throw tooMany(tally.value().withLineNumbers(), "at least ");
    }
  }

  /** On the driver after the load pass: the skipped records with line numbers, or the error. */
  RejectedRecords check(Tally tally) {
    RejectedRecords r = tally.value();
    if (r.count() == 0) {
      return RejectedRecords.NONE;
    }
    r = r.withLineNumbers();
    if (r.count() > maxBadRecords) {
      throw tooMany(r, "");
    }
    return r;
  }

  private BadRecordException tooMany(RejectedRecords r, String atLeast) {
    return new BadRecordException("more than --max-bad-records " + maxBadRecords + " bad records ("
        + atLeast + r.count() + "); the first: " + r.samples().get(0).describe());
  }

  /** Rejected records of one task, merged on the driver. */
  static final class Tally extends AccumulatorV2<RejectedRecords.Sample, RejectedRecords> {
    private static final long serialVersionUID = 1L;
    private RejectedRecords value = RejectedRecords.NONE;

    @Override
    public boolean isZero() {
      return value().count() == 0;
    }

    @Override
    public Tally copy() {
      Tally t = new Tally();
      t.value = value();
      return t;
    }

    @Override
    public void reset() {
      value = RejectedRecords.NONE;
    }

    @Override
    public void add(RejectedRecords.Sample s) {
      value = value().plus(s);
    }

    @Override
    public void merge(AccumulatorV2<RejectedRecords.Sample, RejectedRecords> other) {
      value = value().plus(other.value());
    }

    /**
     * Never null. While a task deserializes this accumulator, AccumulatorV2's readObject registers
     * it with the task (where the executor's heartbeat thread reads it) before this class's field
     * is read, so for a moment the field is null and the tally is empty.
     */
    @Override
    public RejectedRecords value() {
      RejectedRecords v = value;
      return v == null ? RejectedRecords.NONE : v;
    }
  }
}

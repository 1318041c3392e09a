package dev.sparksgd.data;

import java.util.SplittableRandom;

/**
 * Bernoulli sampling by index: each of the rows 0, 1, 2, … of a partition is drawn independently
 * with probability {@code fraction}, by jumping geometric gaps between drawn rows. The cost is
 * proportional to the rows drawn, not to the partition, and the draw is a pure function of the
 * seed (the caller derives it from (seed, iteration, partition)).
 */
public final class IndexSampler {
  private final SplittableRandom rng;
  private final boolean all;
  private final double logComplement;
  private long next;

  public IndexSampler(double fraction, long seed) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in (0, 1]: " + fraction);
    }
    this.all = fraction >= 1.0;
    this.rng = new SplittableRandom(seed);
    this.logComplement = all ? 0.0 : Math.log1p(-fraction);
    this.next = -1;
    advance();
  }

  /** The next drawn row index (increasing; never ends). */
  public long peek() {
    return next;
  }

  /** Moves past the current drawn row. */
  public void advance() {
    if (all) {
      next++;
      return;
    }
    // U in (0, 1]: log(U) <= 0, gap >= 0 rows skipped.
    double u = 1.0 - rng.nextDouble();
    double gap = Math.floor(Math.log(u) / logComplement);
    next += 1 + (gap >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : (long) gap);
  }
}

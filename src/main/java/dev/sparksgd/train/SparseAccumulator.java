package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.loss.Loss;
import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Sums rows into {@link SparseSums} at a cost in the rows' non-zeros: a dense scratch array
 * (allocated once, as long as the features) receives the rows with the kernels and in the order
 * of the dense sums ({@code GradientTask}), so each touched entry has the same bits; the touched
 * columns are remembered, and only they are read out and cleared.
 */
final class SparseAccumulator {
  /**
   * Accumulators no task holds, for reuse by the next (the driver's partition threads are new with
   * every training run, so a per-thread one would be allocated again each run); softly held, so
   * that memory pressure can take them.
   */
  private static final ConcurrentLinkedDeque<SoftReference<SparseAccumulator>> FREE = new ConcurrentLinkedDeque<>();

  private final double[] scratch;
  private final long[] marks;
  private int[] touched = new int[1024];
  private int n;
  private double derivSum;
  private double lossSum;
  private double weightSum;
  private long rows;

  SparseAccumulator(int numFeatures) {
    scratch = new double[numFeatures];
    marks = new long[(numFeatures + 63) >>> 6];
  }

  /**
   * An accumulator for d features with nothing summed, reused from earlier tasks and runs when one
   * is free; give it back with {@link #release} after {@link #finish}.
   */
  static SparseAccumulator borrow(int numFeatures) {
    for (SoftReference<SparseAccumulator> ref; (ref = FREE.pollFirst()) != null; ) {
      SparseAccumulator a = ref.get();
      if (a != null && a.scratch.length == numFeatures) {
        return a;
      } // else collected, or for another dimension (dropped: the newest runs' sizes stay)
    }
    return new SparseAccumulator(numFeatures);
  }

  /** Returns a {@link #finish finished} accumulator (nothing summed since) for the next {@link #borrow}. */
  static void release(SparseAccumulator a) {
    FREE.offerFirst(new SoftReference<>(a));
  }

  /** Row i of b at coefficients coef ([β, c] on the raw data), as GradientTask adds a drawn row. */
  void add(Block b, int i, double[] coef, double intercept, Loss loss) {
    double m = b.margin(i, coef, intercept);
    double y = b.labels[i];
    double w = b.weight(i);
    double dl = w * loss.derivative(m, y);
    if (b.isSparse()) {
      for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
        mark(b.colIdx[k]);
      }
    } else {
      for (int j = 0; j < b.numCols; j++) {
        mark(j);
      }
    }
    b.addScaledRow(i, dl, scratch);
    derivSum += dl;
    lossSum += w * loss.value(m, y);
    weightSum += w;
    rows++;
  }

  private void mark(int j) {
    long bit = 1L << j;
    if ((marks[j >>> 6] & bit) == 0) {
      marks[j >>> 6] |= bit;
      if (n == touched.length) {
        touched = Arrays.copyOf(touched, 2 * n);
      }
      touched[n++] = j;
    }
  }

  /** The sums so far, and a fresh start. */
  SparseSums finish() {
    int[] idx;
    // The touched columns in ascending order: sorted, or read off the marks when a pass over
    // them (d/64 words) is cheaper than sorting (many touched columns); the same indexes.
    if ((long) n * (32 - Integer.numberOfLeadingZeros(Math.max(n, 1))) > marks.length) {
      idx = new int[n];
      BatchColumns.marked(marks, idx);
    } else {
      idx = Arrays.copyOf(touched, n);
      Arrays.sort(idx);
    }
    double[] val = new double[n];
    for (int k = 0; k < n; k++) {
      int j = idx[k];
      val[k] = scratch[j];
      scratch[j] = 0.0;
      marks[j >>> 6] = 0L;
    }
    SparseSums s = new SparseSums(idx, val, derivSum, lossSum, weightSum, rows);
    n = 0;
    derivSum = 0;
    lossSum = 0;
    weightSum = 0;
    rows = 0;
    return s;
  }
}

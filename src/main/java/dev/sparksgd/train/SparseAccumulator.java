package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.loss.Loss;
import java.util.Arrays;

/**
 * Sums rows into {@link SparseSums} at a cost in the rows' non-zeros: a dense scratch array
 * (allocated once, as long as the features) receives the rows with the kernels and in the order
 * of the dense sums ({@code GradientTask}), so each touched entry has the same bits; the touched
 * columns are remembered, and only they are read out and cleared.
 */
final class SparseAccumulator {
  private static final ThreadLocal<SparseAccumulator> PER_THREAD = new ThreadLocal<>();

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

  /** This thread's accumulator for d features (tasks reuse it from iteration to iteration). */
  static SparseAccumulator forThread(int numFeatures) {
    SparseAccumulator a = PER_THREAD.get();
    if (a == null || a.scratch.length != numFeatures) {
      a = new SparseAccumulator(numFeatures);
      PER_THREAD.set(a);
    }
    return a;
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
      int k = 0;
      for (int word = 0; word < marks.length; word++) {
        long m = marks[word];
        while (m != 0) {
          idx[k++] = (word << 6) + Long.numberOfTrailingZeros(m);
          m &= m - 1;
        }
      }
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

package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparksgd.data.Block;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.loss.SquaredLoss;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The sparse sums name exactly the columns the rows touch, in ascending order, with the bits of the
 * dense sums there, whether the touched columns are sorted (few of them among many features) or
 * read off the marks (many of them), and an accumulator reused after {@code finish} starts clean.
 */
class SparseAccumulatorTest {
  private static final Loss LOSS = SquaredLoss.INSTANCE;

  /** Adds every row of b to acc and checks finish() against the dense row-by-row sums. */
  private static void check(SparseAccumulator acc, Block b, double[] coef, int d) {
    double[] dense = new double[d];
    double derivSum = 0;
    double lossSum = 0;
    TreeSet<Integer> cols = new TreeSet<>();
    for (int i = 0; i < b.numRows; i++) {
      acc.add(b, i, coef, coef[d], LOSS);
      double m = b.margin(i, coef, coef[d]);
      double dl = LOSS.derivative(m, b.labels[i]);
      b.addScaledRow(i, dl, dense);
      derivSum += dl;
      lossSum += LOSS.value(m, b.labels[i]);
      for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
        cols.add(b.colIdx[k]);
      }
    }
    SparseSums s = acc.finish();
    int[] idx = cols.stream().mapToInt(Integer::intValue).toArray();
    assertArrayEquals(idx, s.idx());
    double[] val = new double[idx.length];
    for (int k = 0; k < idx.length; k++) {
      val[k] = dense[idx[k]];
    }
    assertArrayEquals(val, s.val()); // exact: the same additions in the same order
    assertEquals(derivSum, s.derivSum());
    assertEquals(lossSum, s.lossSum());
    assertEquals(b.numRows, s.rows());
  }

  private static double[] coef(SplittableRandom r, int d) {
    double[] c = new double[d + 1];
    for (int j = 0; j <= d; j++) {
      c[j] = r.nextGaussian() * 0.1;
    }
    return c;
  }

  @Test
  void fewTouchedColumnsAmongManyFeatures() {
    SplittableRandom r = new SplittableRandom(7);
    int d = 1 << 20; // 3 rows × 5 columns: sorting 15 indexes beats a pass over 16,384 words
    double[] coef = coef(r, d);
    SparseAccumulator acc = new SparseAccumulator(d);
    check(acc, BlockKernelTest.sparse(r, 3, d, 5), coef, d);
    check(acc, BlockKernelTest.sparse(r, 2, d, 5), coef, d);
  }

  @Test
  void manyTouchedColumnsReadOffTheMarks() {
    SplittableRandom r = new SplittableRandom(11);
    int d = 1 << 12; // 2,000 rows × 8 columns touch most of the 64 words' columns, repeatedly
    double[] coef = coef(r, d);
    SparseAccumulator acc = new SparseAccumulator(d);
    check(acc, BlockKernelTest.sparse(r, 2000, d, 8), coef, d);
    check(acc, BlockKernelTest.sparse(r, 1500, d, 8), coef, d);
    check(acc, BlockKernelTest.sparse(r, 1, d, 8), coef, d);
  }
}

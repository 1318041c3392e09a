package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.FeaturePrecision;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockTest {
  // Two rows, five columns (exercises the 4-accumulator loop and its tail).
  private static final double[] DENSE = {
      1, 2, 3, 4, 5,
      -1, 0, 0.5, 2, -3};
  private static final double[] COEF = {0.5, -1, 2, 0.25, 3};

  private static Block dense() {
    return Block.dense(2, 5, DENSE, new double[] {10, 20}, null, false);
  }

  /** The same rows in CSR, plus an empty third row. */
  private static Block sparse() {
    return Block.sparse(3, new int[] {0, 5, 9, 9},
        new int[] {0, 1, 2, 3, 4, 0, 2, 3, 4},
        new double[] {1, 2, 3, 4, 5, -1, 0.5, 2, -3},
        new double[] {10, 20, 30}, new double[] {1, 2, 0.5}, true);
  }

  @Test
  void denseMarginByHand() {
    Block b = dense();
    assertEquals(0.5 - 2 + 6 + 1 + 15 + 0.75, b.margin(0, COEF, 0.75));
    assertEquals(-0.5 + 0 + 1 + 0.5 - 9 - 2, b.margin(1, COEF, -2));
  }

  @Test
  void sparseMarginByHand() {
    Block b = sparse();
    assertEquals(21.25, b.margin(0, COEF, 0.75));
    assertEquals(-10.0, b.margin(1, COEF, -2));
    assertEquals(4.0, b.margin(2, COEF, 4.0), "an empty row's margin is the intercept");
  }

  @Test
  void denseAndSparseAgreeOnRandomRows() {
    Random r = new Random(11);
    for (int d : new int[] {1, 3, 4, 5, 8, 13}) {
      int n = 10;
      double[] v = new double[n * d];
      int[] rowPtr = new int[n + 1];
      int[] col = new int[n * d];
      double[] sv = new double[n * d];
      int nnz = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          double x = r.nextBoolean() ? r.nextGaussian() : 0.0;
          v[i * d + j] = x;
          if (x != 0.0) {
            col[nnz] = j;
            sv[nnz++] = x;
          }
        }
        rowPtr[i + 1] = nnz;
      }
      Block db = Block.dense(n, d, v, new double[n], null, false);
      Block sb = Block.sparse(n, rowPtr, col, sv, new double[n], null, false);
      double[] coef = new double[d];
      for (int j = 0; j < d; j++) {
        coef[j] = r.nextGaussian();
      }
      for (int i = 0; i < n; i++) {
        double naive = 0.3;
        for (int j = 0; j < d; j++) {
          naive += v[i * d + j] * coef[j];
        }
        assertEquals(naive, db.margin(i, coef, 0.3), 1e-12, "dense d=" + d);
        assertEquals(naive, sb.margin(i, coef, 0.3), 1e-12, "sparse d=" + d);
        double[] accD = new double[d];
        double[] accS = new double[d];
        db.addScaledRow(i, -1.5, accD);
        sb.addScaledRow(i, -1.5, accS);
        for (int j = 0; j < d; j++) {
          assertEquals(-1.5 * v[i * d + j], accD[j], 0.0);
          assertEquals(-1.5 * v[i * d + j], accS[j], 0.0);
        }
      }
    }
  }

  @Test
  void denseAddScaledRowAccumulates() {
    double[] acc = {1, 1, 1, 1, 1};
    dense().addScaledRow(1, 2.0, acc);
    assertArrayEquals(new double[] {-1, 1, 2, 5, -5}, acc);
    dense().addScaledRow(0, -1.0, acc);
    assertArrayEquals(new double[] {-2, -1, -1, 1, -10}, acc);
  }

  @Test
  void sparseAddScaledRowTouchesOnlyItsColumns() {
    double[] acc = {1, 1, 1, 1, 1, 7};
    sparse().addScaledRow(1, 2.0, acc);
    assertArrayEquals(new double[] {-1, 1, 2, 5, -5, 7}, acc);
    sparse().addScaledRow(2, 100.0, acc);
    assertArrayEquals(new double[] {-1, 1, 2, 5, -5, 7}, acc);
  }

  @Test
  void requiredFeatures() {
    assertEquals(5, dense().requiredFeatures());
    assertEquals(5, sparse().requiredFeatures());
    // The widest row is not the last one; an empty block needs nothing.
    Block b = Block.sparse(3, new int[] {0, 1, 2, 2}, new int[] {2, 9}, new double[] {1, 1},
        new double[3], null, false);
    assertEquals(10, b.requiredFeatures());
    assertEquals(0, Block.sparse(2, new int[] {0, 0, 0}, new int[0], new double[0], new double[2],
        null, false).requiredFeatures());
    assertEquals(3, Block.dense(0, 3, new double[0], new double[0], null, false).requiredFeatures());
  }

  @Test
  void weightsAndFlags() {
    Block d = dense();
    assertFalse(d.isSparse());
    assertFalse(d.holdout);
    assertEquals(1.0, d.weight(1));
    Block s = sparse();
    assertTrue(s.isSparse());
    assertTrue(s.holdout);
    assertEquals(0.5, s.weight(2));
    assertEquals(8L * 2 + 8L * 10, d.sizeInBytes());
    assertEquals(8L * 3 + 8L * 9 + 8L * 3 + 4L * 4 + 4L * 9, s.sizeInBytes());
  }

  private static FeatureValues rounded(double[] v) {
    return FeatureValues.of(FeaturePrecision.FLOAT32, v, v.length);
  }

  @Test
  void floatBlocksHoldHalfTheValueBytesAndComputeOnTheRoundedValues() {
    Random r = new Random(12);
    int n = 6;
    int d = 11;
    double[] v = new double[n * d];
    double[] coef = new double[d];
    for (int k = 0; k < v.length; k++) {
      v[k] = r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4);
    }
    for (int j = 0; j < d; j++) {
      coef[j] = r.nextGaussian();
    }
    double[] roundedV = rounded(v).toDoubles();
    for (int k = 0; k < v.length; k++) {
      assertEquals((double) (float) v[k], roundedV[k]);
    }
    Block f = Block.dense(n, d, rounded(v), new double[n], null, false);
    Block ref = Block.dense(n, d, roundedV, new double[n], null, false);
    assertEquals(FeaturePrecision.FLOAT32, f.values.precision());
    assertEquals(8L * n + 4L * n * d, f.sizeInBytes());
    assertEquals(8L * n + 8L * n * d, ref.sizeInBytes());
    // Sparse: every other value of each row.
    int[] rowPtr = new int[n + 1];
    int[] col = new int[n * d];
    double[] sv = new double[n * d];
    int nnz = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i % 2; j < d; j += 2) {
        col[nnz] = j;
        sv[nnz++] = v[i * d + j];
      }
      rowPtr[i + 1] = nnz;
    }
    double[] svTrim = java.util.Arrays.copyOf(sv, nnz);
    int[] colTrim = java.util.Arrays.copyOf(col, nnz);
    Block fs = Block.sparse(n, rowPtr, colTrim, rounded(svTrim), new double[n], null, false);
    Block refS = Block.sparse(n, rowPtr, colTrim, rounded(svTrim).toDoubles(), new double[n], null, false);
    for (int i = 0; i < n; i++) {
      assertEquals(Double.doubleToRawLongBits(ref.margin(i, coef, 0.25)),
          Double.doubleToRawLongBits(f.margin(i, coef, 0.25)));
      assertEquals(Double.doubleToRawLongBits(refS.margin(i, coef, 0.25)),
          Double.doubleToRawLongBits(fs.margin(i, coef, 0.25)));
      double[] a = coef.clone();
      double[] b = coef.clone();
      ref.addScaledRow(i, -0.7, a);
      f.addScaledRow(i, -0.7, b);
      refS.addScaledRow(i, 1.3, a);
      fs.addScaledRow(i, 1.3, b);
      assertArrayEquals(a, b);
    }
  }
}

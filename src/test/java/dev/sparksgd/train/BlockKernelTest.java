package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparksgd.config.FeaturePrecision;
import dev.sparksgd.data.Block;
import dev.sparksgd.data.FeatureValues;
import dev.sparksgd.loss.HingeLoss;
import dev.sparksgd.loss.LogisticLoss;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.loss.SquaredLoss;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The one-loop full-batch kernel gives exactly the bits of the row-by-row sums (margin, loss
 * derivative, addScaledRow, then the four totals), on dense, sparse and weighted blocks, and the
 * gradient task over several blocks is those sums added block after block.
 */
class BlockKernelTest {
  private static double[] rowByRow(Block[] blocks, Loss loss, double[] coef, double c, int d) {
    double[] acc = new double[d + 4];
    for (Block b : blocks) {
      for (int i = 0; i < b.numRows; i++) {
        double m = b.margin(i, coef, c);
        double w = b.weight(i);
        double dl = w * loss.derivative(m, b.labels[i]);
        b.addScaledRow(i, dl, acc);
        acc[d] += dl;
        acc[d + 1] += w * loss.value(m, b.labels[i]);
        acc[d + 2] += w;
        acc[d + 3] += 1;
      }
    }
    return acc;
  }

  private static Block dense(SplittableRandom r, int rows, int cols, boolean weighted) {
    return dense(r, rows, cols, weighted, FeaturePrecision.FLOAT64);
  }

  private static Block dense(SplittableRandom r, int rows, int cols, boolean weighted, FeaturePrecision p) {
    double[] v = new double[rows * cols];
    double[] y = new double[rows];
    double[] w = weighted ? new double[rows] : null;
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian() * 3;
    }
    for (int i = 0; i < rows; i++) {
      y[i] = r.nextGaussian() * 10;
      if (w != null) {
        w[i] = r.nextDouble() * 2;
      }
    }
    return Block.dense(rows, cols, FeatureValues.of(p, v, v.length), y, w, false);
  }

  static Block sparse(SplittableRandom r, int rows, int d, int nnz) {
    int[] ptr = new int[rows + 1];
    int[] idx = new int[rows * nnz];
    double[] v = new double[rows * nnz];
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      int col = r.nextInt(d / nnz);
      for (int k = 0; k < nnz; k++) {
        idx[i * nnz + k] = col;
        v[i * nnz + k] = r.nextGaussian();
        col += 1 + r.nextInt(d / nnz - 1);
      }
      ptr[i + 1] = (i + 1) * nnz;
      y[i] = r.nextGaussian();
    }
    return Block.sparse(rows, ptr, idx, v, y, null, false);
  }

  private static void assertSameBits(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int j = 0; j < expected.length; j++) {
      assertEquals(Double.doubleToRawLongBits(expected[j]), Double.doubleToRawLongBits(actual[j]), "entry " + j);
    }
  }

  @Test
  void sameBitsAsTheRowByRowSums() {
    SplittableRandom r = new SplittableRandom(3);
    for (int cols : new int[] {1, 7, 8, 20, 100}) {
      for (boolean weighted : new boolean[] {false, true}) {
        Block[] blocks = {dense(r, 50, cols, weighted), dense(r, 13, cols, weighted)};
        double[] coef = new double[cols + 1];
        for (int j = 0; j < cols; j++) {
          coef[j] = r.nextGaussian();
        }
        double[] expected = rowByRow(blocks, SquaredLoss.INSTANCE, coef, 0.7, cols);
        double[] acc = new double[cols + 4];
        for (Block b : blocks) {
          BlockKernel.addGradientSums(b, SquaredLoss.INSTANCE, coef, 0.7, acc, cols);
        }
        assertSameBits(expected, acc);
        coef[cols] = 0.7;
        assertSameBits(expected, KernelAccess.gradientTask(blocks, coef, cols, SquaredLoss.INSTANCE, 1.0, 1));
      }
    }
    int d = 5000;
    Block[] blocks = {sparse(r, 300, d, 20), sparse(r, 40, d, 20)};
    double[] coef = new double[d + 1];
    for (int j = 0; j < d; j++) {
      coef[j] = r.nextGaussian();
    }
    coef[d] = -0.3;
    assertSameBits(rowByRow(blocks, SquaredLoss.INSTANCE, coef, -0.3, d),
        KernelAccess.gradientTask(blocks, coef, d, SquaredLoss.INSTANCE, 1.0, 1));
  }

  /**
   * Dense rows go through the kernel in pairs: with an even and an odd number of rows (one left
   * over), float and double values, and several losses, the bits are still the row-by-row
   * sums'.
   */
  @Test
  void rowPairsKeepTheRowByRowBits() {
    SplittableRandom r = new SplittableRandom(4);
    Loss[] losses = {SquaredLoss.INSTANCE, LogisticLoss.INSTANCE, HingeLoss.INSTANCE};
    for (FeaturePrecision p : FeaturePrecision.values()) {
      for (Loss loss : losses) {
        for (int rows : new int[] {1, 2, 3, 64, 65}) {
          for (int cols : new int[] {1, 9, 100}) {
            Block[] blocks = {dense(r, rows, cols, rows % 2 == 1, p)};
            double[] coef = new double[cols];
            for (int j = 0; j < cols; j++) {
              coef[j] = r.nextGaussian() * 0.3;
            }
            double[] acc = new double[cols + 4];
            BlockKernel.addGradientSums(blocks[0], loss, coef, -0.2, acc, cols);
            assertSameBits(rowByRow(blocks, loss, coef, -0.2, cols), acc);
          }
        }
      }
    }
  }
}

package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.FeatureValues;
import dev.sparksgd.loss.Loss;

/**
 * The full-batch gradient sums of one block in one loop: what {@code GradientTask} adds row by
 * row, with the same arithmetic in the same order (so the same bits), but shaped so the JIT
 * compiles the row loop, the dot product and the axpy as one piece. The values' form (double or
 * float) is chosen once per row call; each form's loops are its own, so the inner loops stay
 * monomorphic. Dense rows go in pairs ({@link FeatureValues#dotPair}, {@link FeatureValues#axpyPair}):
 * a row's margin does not depend on the previous row's axpy, and each gradient entry still gets
 * the first row's term and then the second's, so the bits are those of one row at a time.
 */
final class BlockKernel {
  private BlockKernel() {
  }

  /**
   * For every row, with m = β·x + c and ω its weight: acc[0..d) += ω·ℓ'(m, y)·x,
   * acc[d] += ω·ℓ'(m, y), acc[d+1] += ω·ℓ(m, y), acc[d+2] += ω, acc[d+3] += 1.
   */
  static void addGradientSums(Block b, Loss loss, double[] coef, double intercept, double[] acc, int d) {
    if (b.rowPtr != null) {
      addSparse(b, loss, coef, intercept, acc, d);
    } else {
      addDense(b, loss, coef, intercept, acc, d);
    }
  }

  private static void addSparse(Block b, Loss loss, double[] coef, double intercept, double[] acc, int d) {
    FeatureValues values = b.values;
    double[] labels = b.labels;
    double[] weights = b.weights;
    int[] rowPtr = b.rowPtr;
    int[] colIdx = b.colIdx;
    for (int i = 0; i < b.numRows; i++) {
      double m = values.sparseDot(colIdx, rowPtr[i], rowPtr[i + 1], coef) + intercept;
      double w = weights == null ? 1.0 : weights[i];
      double dl = w * loss.derivative(m, labels[i]);
      values.sparseAxpy(dl, colIdx, rowPtr[i], rowPtr[i + 1], acc);
      addTotals(acc, d, dl, w * loss.value(m, labels[i]), w);
    }
  }

  private static void addDense(Block b, Loss loss, double[] coef, double intercept, double[] acc, int d) {
    FeatureValues values = b.values;
    double[] labels = b.labels;
    double[] weights = b.weights;
    int cols = b.numCols;
    double[] dots = new double[2];
    int i = 0;
    for (; i + 1 < b.numRows; i += 2) {
      values.dotPair(i * cols, coef, cols, dots);
      double m0 = dots[0] + intercept;
      double m1 = dots[1] + intercept;
      double w0 = weights == null ? 1.0 : weights[i];
      double w1 = weights == null ? 1.0 : weights[i + 1];
      double dl0 = w0 * loss.derivative(m0, labels[i]);
      double dl1 = w1 * loss.derivative(m1, labels[i + 1]);
      values.axpyPair(dl0, dl1, i * cols, acc, cols);
      addTotals(acc, d, dl0, w0 * loss.value(m0, labels[i]), w0);
      addTotals(acc, d, dl1, w1 * loss.value(m1, labels[i + 1]), w1);
    }
    if (i < b.numRows) {
      double m = values.dot(i * cols, coef, cols) + intercept;
      double w = weights == null ? 1.0 : weights[i];
      double dl = w * loss.derivative(m, labels[i]);
      values.axpy(dl, i * cols, acc, cols);
      addTotals(acc, d, dl, w * loss.value(m, labels[i]), w);
    }
  }

  /** acc[d] += ω·ℓ', acc[d+1] += ω·ℓ, acc[d+2] += ω, acc[d+3] += 1. */
  private static void addTotals(double[] acc, int d, double dl, double weightedLoss, double w) {
    acc[d] += dl;
    acc[d + 1] += weightedLoss;
    acc[d + 2] += w;
    acc[d + 3] += 1;
  }
}

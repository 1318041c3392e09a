package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.FeatureValues;
import dev.sparksgd.loss.Loss;

/**
 * The full-batch gradient sums of one block in one loop: what {@code GradientTask} adds row by
 * row, with the same arithmetic in the same order (so the same bits), but shaped so the JIT
 * compiles the row loop, the dot product and the axpy as one piece. The values' form (double or
 * float) is chosen once per row call; each form's loops are its own, so the inner loops stay
 * monomorphic.
 */
final class BlockKernel {
  private BlockKernel() {
  }

  /**
   * For every row, with m = β·x + c and ω its weight: acc[0..d) += ω·ℓ'(m, y)·x,
   * acc[d] += ω·ℓ'(m, y), acc[d+1] += ω·ℓ(m, y), acc[d+2] += ω, acc[d+3] += 1.
   */
  static void addGradientSums(Block b, Loss loss, double[] coef, double intercept, double[] acc, int d) {
    FeatureValues values = b.values;
    double[] labels = b.labels;
    double[] weights = b.weights;
    int[] rowPtr = b.rowPtr;
    int[] colIdx = b.colIdx;
    int cols = b.numCols;
    for (int i = 0; i < b.numRows; i++) {
      double m = rowPtr != null
          ? values.sparseDot(colIdx, rowPtr[i], rowPtr[i + 1], coef) + intercept
          : values.dot(i * cols, coef, cols) + intercept;
      double y = labels[i];
      double w = weights == null ? 1.0 : weights[i];
      double dl = w * loss.derivative(m, y);
      if (rowPtr != null) {
        values.sparseAxpy(dl, colIdx, rowPtr[i], rowPtr[i + 1], acc);
      } else {
        values.axpy(dl, i * cols, acc, cols);
      }
      acc[d] += dl;
      acc[d + 1] += w * loss.value(m, y);
      acc[d + 2] += w;
      acc[d + 3] += 1;
    }
  }
}

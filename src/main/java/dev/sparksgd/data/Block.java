package dev.sparksgd.data;

import java.io.Serializable;

/**
 * Rows packed into primitive arrays: the cached unit of training data. Either dense (row-major
 * {@code values}, {@code numCols} per row) or sparse CSR ({@code rowPtr}, {@code colIdx},
 * {@code values}; column indices 0-based and strictly increasing within a row). A block holds
 * either training or holdout rows, never both. A dense block may have fewer columns than the data
 * set (LIBSVM rows whose last features are absent): the missing columns are zeros. The values are
 * doubles or floats ({@link FeatureValues}); labels and weights are always doubles.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int numRows;
  public final double[] labels;
  /** Instance weights, or null when every row weighs 1. */
  public final double[] weights;
  public final FeatureValues values;
  /** Dense only: columns per row. 0 for sparse blocks. */
  public final int numCols;
  /** Sparse only (null for dense): row i spans values[rowPtr[i] .. rowPtr[i+1]). */
  public final int[] rowPtr;
  public final int[] colIdx;
  public final boolean holdout;

  private Block(int numRows, double[] labels, double[] weights, FeatureValues values, int numCols,
      int[] rowPtr, int[] colIdx, boolean holdout) {
    this.numRows = numRows;
    this.labels = labels;
    this.weights = weights;
    this.values = values;
    this.numCols = numCols;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.holdout = holdout;
  }

  public static Block dense(int numRows, int numCols, FeatureValues values, double[] labels,
      double[] weights, boolean holdout) {
    return new Block(numRows, labels, weights, values, numCols, null, null, holdout);
  }

  public static Block sparse(int numRows, int[] rowPtr, int[] colIdx, FeatureValues values,
      double[] labels, double[] weights, boolean holdout) {
    return new Block(numRows, labels, weights, values, 0, rowPtr, colIdx, holdout);
  }

  /** A dense block of double values. */
  public static Block dense(int numRows, int numCols, double[] values, double[] labels,
      double[] weights, boolean holdout) {
    return dense(numRows, numCols, FeatureValues.of(values), labels, weights, holdout);
  }

  /** A sparse block of double values. */
  public static Block sparse(int numRows, int[] rowPtr, int[] colIdx, double[] values,
      double[] labels, double[] weights, boolean holdout) {
    return sparse(numRows, rowPtr, colIdx, FeatureValues.of(values), labels, weights, holdout);
  }

  public boolean isSparse() {
    return rowPtr != null;
  }

  public double weight(int row) {
    return weights == null ? 1.0 : weights[row];
  }

  /** One more than the largest column index present (the feature count this block needs). */
  public int requiredFeatures() {
    if (!isSparse()) {
      return numCols;
    }
    int max = -1;
    for (int i = 0; i < numRows; i++) {
      int end = rowPtr[i + 1];
      if (end > rowPtr[i]) {
        max = Math.max(max, colIdx[end - 1]);
      }
    }
    return max + 1;
  }

  /** w·x_row + b, in {@link Kernels}' fixed order so every JVM gets the same bits. */
  public double margin(int row, double[] coef, double intercept) {
    if (isSparse()) {
      return values.sparseDot(colIdx, rowPtr[row], rowPtr[row + 1], coef) + intercept;
    }
    return values.dot(row * numCols, coef, numCols) + intercept;
  }

  /** acc += a · x_row. */
  public void addScaledRow(int row, double a, double[] acc) {
    if (isSparse()) {
      values.sparseAxpy(a, colIdx, rowPtr[row], rowPtr[row + 1], acc);
      return;
    }
    values.axpy(a, row * numCols, acc, numCols);
  }

  /** Bytes of the primitive arrays, for logs. */
  public long sizeInBytes() {
    long b = 8L * labels.length + values.sizeInBytes();
    if (weights != null) {
      b += 8L * weights.length;
    }
    if (rowPtr != null) {
      b += 4L * rowPtr.length + 4L * colIdx.length;
    }
    return b;
  }
}

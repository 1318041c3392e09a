package dev.sparksgd.data;

import java.io.Serializable;

/**
 * Rows packed into primitive arrays: the cached unit of training data. Either dense (row-major
 * {@code values}, {@code numCols} per row) or sparse CSR ({@code rowPtr}, {@code colIdx},
 * {@code values}; column indices 0-based and strictly increasing within a row). A block holds
 * either training or holdout rows, never both. A dense block may have fewer columns than the data
 * set (LIBSVM rows whose last features are absent): the missing columns are zeros.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int numRows;
  public final double[] labels;
  /** Instance weights, or null when every row weighs 1. */
  public final double[] weights;
  public final double[] values;
  /** Dense only: columns per row. 0 for sparse blocks. */
  public final int numCols;
  /** Sparse only (null for dense): row i spans values[rowPtr[i] .. rowPtr[i+1]). */
  public final int[] rowPtr;
  public final int[] colIdx;
  public final boolean holdout;

  private Block(int numRows, double[] labels, double[] weights, double[] values, int numCols,
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

  public static Block dense(int numRows, int numCols, double[] values, double[] labels,
      double[] weights, boolean holdout) {
    return new Block(numRows, labels, weights, values, numCols, null, null, holdout);
  }

  public static Block sparse(int numRows, int[] rowPtr, int[] colIdx, double[] values,
      double[] labels, double[] weights, boolean holdout) {
    return new Block(numRows, labels, weights, values, 0, rowPtr, colIdx, holdout);
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

  /** w·x_row + b, with the four-accumulator order fixed so every JVM gets the same bits. */
  public double margin(int row, double[] coef, double intercept) {
    if (isSparse()) {
      double s = 0.0;
      for (int k = rowPtr[row], end = rowPtr[row + 1]; k < end; k++) {
        s += values[k] * coef[colIdx[k]];
      }
      return s + intercept;
    }
    int off = row * numCols;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int j = 0;
    for (; j + 3 < numCols; j += 4) {
      s0 += values[off + j] * coef[j];
      s1 += values[off + j + 1] * coef[j + 1];
      s2 += values[off + j + 2] * coef[j + 2];
      s3 += values[off + j + 3] * coef[j + 3];
    }
    for (; j < numCols; j++) {
      s0 += values[off + j] * coef[j];
    }
    return ((s0 + s1) + (s2 + s3)) + intercept;
  }

  /** acc += a · x_row. */
  public void addScaledRow(int row, double a, double[] acc) {
    if (isSparse()) {
      for (int k = rowPtr[row], end = rowPtr[row + 1]; k < end; k++) {
        acc[colIdx[k]] += a * values[k];
      }
      return;
    }
    int off = row * numCols;
    for (int j = 0; j < numCols; j++) {
      acc[j] += a * values[off + j];
    }
  }

  /** Bytes of the primitive arrays, for logs. */
  public long sizeInBytes() {
    long b = 8L * labels.length + 8L * values.length;
    if (weights != null) {
      b += 8L * weights.length;
    }
    if (rowPtr != null) {
      b += 4L * rowPtr.length + 4L * colIdx.length;
    }
    return b;
  }
}

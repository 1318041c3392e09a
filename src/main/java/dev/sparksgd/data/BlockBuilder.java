package dev.sparksgd.data;

import dev.sparksgd.config.FeaturePrecision;
import java.util.Arrays;

/** Packs parsed records into a {@link Block}; reusable after {@link #build()}. */
final class BlockBuilder {
  /** About 1 MiB of feature values per block, as spark.ml's InstanceBlock aims for. */
  static final int TARGET_VALUES = 1 << 17;

  private final boolean sparse;
  private final int numCols;
  private final boolean holdout;
  private final FeaturePrecision precision;
  private final int maxRows;
  private int rows;
  private double[] labels = new double[64];
  private double[] weights = new double[64];
  private boolean allUnitWeights = true;
  private double[] values = new double[256];
  private int[] colIdx;
  private int[] rowPtr;
  private int nnz;

  /** Blocks whose values are stored at the given precision (rounded once, when a block is built). */
  BlockBuilder(boolean sparse, int numCols, boolean holdout, FeaturePrecision precision) {
    this.sparse = sparse;
    this.numCols = numCols;
    this.holdout = holdout;
    this.precision = precision;
    this.maxRows = sparse ? 1 << 14 : Math.max(64, TARGET_VALUES / Math.max(1, numCols));
    if (sparse) {
      colIdx = new int[256];
      rowPtr = new int[65];
    }
  }

  void add(ParsedRecord r) {
    if (rows == labels.length) {
      labels = Arrays.copyOf(labels, rows * 2);
      weights = Arrays.copyOf(weights, rows * 2);
    }
    labels[rows] = r.label;
    weights[rows] = r.weight;
    allUnitWeights &= r.weight == 1.0;
    if (sparse) {
      ensureValues(nnz + r.nnz);
      System.arraycopy(r.indices, 0, colIdx, nnz, r.nnz);
      System.arraycopy(r.values, 0, values, nnz, r.nnz);
      nnz += r.nnz;
      if (rows + 2 > rowPtr.length) {
        rowPtr = Arrays.copyOf(rowPtr, rowPtr.length * 2);
      }
      rowPtr[rows + 1] = nnz;
    } else {
      if (r.nnz != numCols) {
        throw new IllegalStateException("dense row with " + r.nnz + " values, expected " + numCols);
      }
      ensureValues(nnz + numCols);
      System.arraycopy(r.values, 0, values, nnz, numCols);
      nnz += numCols;
    }
    rows++;
  }

  boolean isFull() {
    return rows >= maxRows || (sparse && nnz >= TARGET_VALUES);
  }

  boolean isEmpty() {
    return rows == 0;
  }

  Block build() {
    double[] l = Arrays.copyOf(labels, rows);
    double[] w = allUnitWeights ? null : Arrays.copyOf(weights, rows);
    Block b;
    int width = sparse ? maxColumn() + 1 : numCols;
    if (sparse && 2L * nnz < (long) rows * width) {
      b = Block.sparse(rows, Arrays.copyOf(rowPtr, rows + 1), Arrays.copyOf(colIdx, nnz),
          FeatureValues.of(precision, values, nnz), l, w, holdout);
    } else if (sparse) {
      // At least half the entries present: dense rows are smaller (no indices) and faster.
      double[] dense = new double[rows * width];
      for (int i = 0; i < rows; i++) {
        for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
          dense[i * width + colIdx[k]] = values[k];
        }
      }
      b = Block.dense(rows, width, precision == FeaturePrecision.FLOAT64 ? FeatureValues.of(dense)
          : FeatureValues.of(precision, dense, dense.length), l, w, holdout);
    } else {
      b = Block.dense(rows, numCols, FeatureValues.of(precision, values, nnz), l, w, holdout);
    }
    rows = 0;
    nnz = 0;
    allUnitWeights = true;
    return b;
  }

  private int maxColumn() {
    int max = -1;
    for (int k = 0; k < nnz; k++) {
      max = Math.max(max, colIdx[k]);
    }
    return max;
  }

  private void ensureValues(int needed) {
    if (needed > values.length) {
      int n = Math.max(needed, values.length * 2);
      values = Arrays.copyOf(values, n);
      if (sparse) {
        colIdx = Arrays.copyOf(colIdx, n);
      }
    }
  }
}

package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.loss.Loss;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A small set of training rows held on the driver (CSR, raw feature values), for work that is too
 * small for a Spark job per step: the --step-size auto probes.
 */
final class LocalRows implements Serializable {
  private static final long serialVersionUID = 1L;

  int numRows;
  int[] rowPtr = new int[17];
  int[] colIdx = new int[64];
  double[] values = new double[64];
  double[] labels = new double[16];
  double[] weights = new double[16];

  /** Appends row i of b (zeros of a dense row are left out). */
  void add(Block b, int i) {
    int start = rowPtr[numRows];
    int nnz = start;
    if (b.isSparse()) {
      for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
        nnz = put(nnz, b.colIdx[k], b.values.get(k));
      }
    } else {
      int off = i * b.numCols;
      for (int j = 0; j < b.numCols; j++) {
        if (b.values.get(off + j) != 0.0) {
          nnz = put(nnz, j, b.values.get(off + j));
        }
      }
    }
    if (numRows + 2 > rowPtr.length) {
      rowPtr = Arrays.copyOf(rowPtr, rowPtr.length * 2);
    }
    if (numRows + 1 > labels.length) {
      labels = Arrays.copyOf(labels, labels.length * 2);
      weights = Arrays.copyOf(weights, weights.length * 2);
    }
    labels[numRows] = b.labels[i];
    weights[numRows] = b.weight(i);
    numRows++;
    rowPtr[numRows] = nnz;
  }

  private int put(int at, int col, double v) {
    if (at == values.length) {
      values = Arrays.copyOf(values, at * 2);
      colIdx = Arrays.copyOf(colIdx, at * 2);
    }
    values[at] = v;
    colIdx[at] = col;
    return at + 1;
  }

  /** This followed by other's rows (partition order is kept by the caller). */
  LocalRows append(LocalRows other) {
    for (int r = 0; r < other.numRows; r++) {
      int base = rowPtr[numRows];
      for (int k = other.rowPtr[r]; k < other.rowPtr[r + 1]; k++) {
        base = put(base, other.colIdx[k], other.values[k]);
      }
      if (numRows + 2 > rowPtr.length) {
        rowPtr = Arrays.copyOf(rowPtr, rowPtr.length * 2);
      }
      if (numRows + 1 > labels.length) {
        labels = Arrays.copyOf(labels, labels.length * 2);
        weights = Arrays.copyOf(weights, weights.length * 2);
      }
      labels[numRows] = other.labels[r];
      weights[numRows] = other.weights[r];
      numRows++;
      rowPtr[numRows] = base;
    }
    return this;
  }

  /**
   * The sums GradientTask returns, over these rows at raw coefficients [β, c, extra…]:
   * [Σ ω·ℓ'·x (d) | Σ ω·ℓ' | Σ ω·ℓ | Σ ω | rows | Σ ω·∂ℓ/∂extra_k].
   */
  double[] gradientSums(double[] raw, int d, Loss loss) {
    double[] acc = new double[GradientTask.width(d) + loss.numExtraParams()];
    Loss bound = loss.bind(raw, d + 1);
    for (int r = 0; r < numRows; r++) {
      double m = raw[d];
      for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        m += values[k] * raw[colIdx[k]];
      }
      double w = weights[r];
      double dl = w * bound.derivative(m, labels[r]);
      for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        acc[colIdx[k]] += dl * values[k];
      }
      acc[d] += dl;
      acc[d + 1] += w * bound.value(m, labels[r]);
      acc[d + 2] += w;
      acc[d + 3] += 1;
      bound.addExtraGradient(m, labels[r], w, acc, GradientTask.width(d));
    }
    return acc;
  }
}

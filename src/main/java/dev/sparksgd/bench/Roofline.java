package dev.sparksgd.bench;

import dev.sparksgd.data.Generator;
import dev.sparksgd.data.Kernels;
import dev.sparksgd.data.ParsedRecord;

/**
 * The floor for one core: the same rows held in one plain array (row-major dense, or CSR), and one
 * single-threaded pass computing the least-squares gradient Σ (β·x + c − y)·[x, 1] and loss with
 * the same arithmetic as the cached blocks ({@link Kernels}), without Spark, tasks or blocks.
 */
final class Roofline {
  final int numFeatures;
  final long rows;
  private final double[] labels;
  private final double[] values;
  private final int[] rowPtr;
  private final int[] colIdx;

  private Roofline(int numFeatures, long rows, double[] labels, double[] values, int[] rowPtr, int[] colIdx) {
    this.numFeatures = numFeatures;
    this.rows = rows;
    this.labels = labels;
    this.values = values;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
  }

  /** The rows of {@code gen}, or null when they do not fit one Java array. */
  static Roofline build(Generator gen, long n) {
    int d = gen.numFeatures();
    long entries = n * gen.nnzPerRow();
    if (n > Integer.MAX_VALUE - 16 || entries > Integer.MAX_VALUE - 16) {
      return null;
    }
    int rows = (int) n;
    double[] labels = new double[rows];
    double[] values = new double[(int) entries];
    int[] rowPtr = gen.isDense() ? null : new int[rows + 1];
    int[] colIdx = gen.isDense() ? null : new int[(int) entries];
    ParsedRecord rec = new ParsedRecord();
    int at = 0;
    for (int i = 0; i < rows; i++) {
      gen.row(i, rec);
      labels[i] = rec.label;
      System.arraycopy(rec.values, 0, values, at, rec.nnz);
      if (colIdx != null) {
        System.arraycopy(rec.indices, 0, colIdx, at, rec.nnz);
        rowPtr[i + 1] = at + rec.nnz;
      }
      at += rec.nnz;
    }
    return new Roofline(d, n, labels, values, rowPtr, colIdx);
  }

  /** One gradient pass into acc (length d+1, zeroed here); returns the loss sum. */
  double pass(double[] coef, double intercept, double[] acc) {
    java.util.Arrays.fill(acc, 0.0);
    int d = numFeatures;
    double loss = 0;
    double dc = 0;
    int n = labels.length;
    if (rowPtr == null) {
      for (int i = 0, off = 0; i < n; i++, off += d) {
        double r = Kernels.dot(values, off, coef, d) + intercept - labels[i];
        Kernels.axpy(r, values, off, acc, d);
        dc += r;
        loss += 0.5 * r * r;
      }
    } else {
      for (int i = 0; i < n; i++) {
        double r = Kernels.sparseDot(values, colIdx, rowPtr[i], rowPtr[i + 1], coef) + intercept - labels[i];
        Kernels.sparseAxpy(r, values, colIdx, rowPtr[i], rowPtr[i + 1], acc);
        dc += r;
        loss += 0.5 * r * r;
      }
    }
    acc[d] = dc;
    return loss;
  }

  /** Milliseconds of each of {@code times} passes after {@code warmup} untimed ones. */
  double[] time(double[] coef, double intercept, int warmup, int times) {
    double[] acc = new double[numFeatures + 1];
    double sink = 0;
    for (int i = 0; i < warmup; i++) {
      sink += pass(coef, intercept, acc);
    }
    double[] ms = new double[times];
    for (int i = 0; i < times; i++) {
      long t = System.nanoTime();
      sink += pass(coef, intercept, acc);
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    if (Double.isNaN(sink)) {
      throw new IllegalStateException("roofline pass produced NaN");
    }
    return ms;
  }
}

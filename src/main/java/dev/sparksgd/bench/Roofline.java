package dev.sparksgd.bench;

import dev.sparksgd.data.Generator;
import dev.sparksgd.data.Kernels;
import dev.sparksgd.data.ParsedRecord;
import java.util.List;

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
    return passRows(coef, intercept, acc, 0, labels.length);
  }

  /** The gradient pass over rows [from, to) into acc (length d+1, zeroed here); returns the loss sum. */
  double passRows(double[] coef, double intercept, double[] acc, int from, int to) {
    java.util.Arrays.fill(acc, 0.0);
    int d = numFeatures;
    double loss = 0;
    double dc = 0;
    if (rowPtr == null) {
      // Rows in pairs, as the cached blocks' kernel takes them.
      double[] dots = new double[2];
      int i = from;
      for (int off = from * d; i + 1 < to; i += 2, off += 2 * d) {
        Kernels.dotPair(values, off, coef, d, dots);
        double r0 = dots[0] + intercept - labels[i];
        double r1 = dots[1] + intercept - labels[i + 1];
        Kernels.axpyPair(r0, r1, values, off, acc, d);
        dc += r0;
        loss += 0.5 * r0 * r0;
        dc += r1;
        loss += 0.5 * r1 * r1;
      }
      if (i < to) {
        double r = Kernels.dot(values, i * d, coef, d) + intercept - labels[i];
        Kernels.axpy(r, values, i * d, acc, d);
        dc += r;
        loss += 0.5 * r * r;
      }
    } else {
      for (int i = from; i < to; i++) {
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

  /**
   * Milliseconds of each of {@code times} passes after {@code warmup} untimed ones, with the rows
   * split into {@code threads} equal ranges, one plain thread each with its own sums, merged at the
   * end (inside the timing): what the same loop gets from several cores sharing one memory system.
   */
  double[] timeParallel(double[] coef, double intercept, int threads, int warmup, int times) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
      Thread th = new Thread(r, "roofline");
      th.setDaemon(true);
      return th;
    });
    try {
      double[][] accs = new double[threads][numFeatures + 1];
      int n = labels.length;
      double sink = 0;
      double[] ms = new double[times];
      for (int k = 0; k < warmup + times; k++) {
        long t = System.nanoTime();
        List<java.util.concurrent.Future<Double>> parts = new java.util.ArrayList<>(threads);
        for (int p = 0; p < threads; p++) {
          int from = (int) ((long) n * p / threads);
          int to = (int) ((long) n * (p + 1) / threads);
          double[] acc = accs[p];
          parts.add(pool.submit(() -> passRows(coef, intercept, acc, from, to)));
        }
        double loss = 0;
        for (java.util.concurrent.Future<Double> f : parts) {
          loss += f.get();
        }
        for (int p = 1; p < threads; p++) {
          for (int j = 0; j <= numFeatures; j++) {
            accs[0][j] += accs[p][j];
          }
        }
        if (k >= warmup) {
          ms[k - warmup] = (System.nanoTime() - t) / 1e6;
        }
        sink += loss + accs[0][0];
      }
      if (Double.isNaN(sink)) {
        throw new IllegalStateException("roofline pass produced NaN");
      }
      return ms;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}

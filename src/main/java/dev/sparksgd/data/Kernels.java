package dev.sparksgd.data;

/**
 * The arithmetic of the gradient pass on plain arrays, shared by {@link Block} and the benchmark's
 * roofline. Plain Java with a fixed summation order: the same bits on every JVM, whatever BLAS or
 * vector unit it has.
 */
public final class Kernels {
  private Kernels() {
  }

  /** Σ_j x[off+j]·w[j] for j < n, with four accumulators combined as ((s0+s1)+(s2+s3)). */
  public static double dot(double[] x, int off, double[] w, int n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += x[off + j] * w[j];
      s1 += x[off + j + 1] * w[j + 1];
      s2 += x[off + j + 2] * w[j + 2];
      s3 += x[off + j + 3] * w[j + 3];
    }
    for (; j < n; j++) {
      s0 += x[off + j] * w[j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** acc[j] += a·x[off+j] for j < n. */
  public static void axpy(double a, double[] x, int off, double[] acc, int n) {
    for (int j = 0; j < n; j++) {
      acc[j] += a * x[off + j];
    }
  }

  /** Σ_k v[k]·w[idx[k]] for from ≤ k < to, in index order. */
  public static double sparseDot(double[] v, int[] idx, int from, int to, double[] w) {
    double s = 0.0;
    for (int k = from; k < to; k++) {
      s += v[k] * w[idx[k]];
    }
    return s;
  }

  /** acc[idx[k]] += a·v[k] for from ≤ k < to. */
  public static void sparseAxpy(double a, double[] v, int[] idx, int from, int to, double[] acc) {
    for (int k = from; k < to; k++) {
      acc[idx[k]] += a * v[k];
    }
  }
}

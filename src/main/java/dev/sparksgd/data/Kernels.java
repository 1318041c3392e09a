package dev.sparksgd.data;

/**
 * The arithmetic of the gradient pass on plain arrays, shared by {@link Block} and the benchmark's
 * roofline. A fixed summation order: the same bits on every JVM, with or without the Vector API,
 * whatever BLAS it has (netlib's VectorBLAS and its Java fallback round differently).
 */
public final class Kernels {
  private Kernels() {
  }

  /**
   * Σ_j x[off+j]·w[j] for j < n in one fixed order: eight accumulators, s_l summing the products
   * with j ≡ l (mod 8) below the last multiple of 8, the rest added to s0 in turn, then
   * ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)). Where the JDK's Vector API is loaded and the CPU has
   * 256-bit vectors, two 4-lane vectors hold the eight accumulators; products and sums are
   * rounded one by one (no fused multiply-add) in both forms, so both give the same bits.
   */
  public static double dot(double[] x, int off, double[] w, int n) {
    VectorForm v = VECTOR;
    return v != null ? v.dot(x, off, w, n) : dotScalar(x, off, w, n);
  }

  /** The plain-Java form of {@link #dot}. */
  static double dotScalar(double[] x, int off, double[] w, int n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int j = 0;
    for (; j + 7 < n; j += 8) {
      s0 += x[off + j] * w[j];
      s1 += x[off + j + 1] * w[j + 1];
      s2 += x[off + j + 2] * w[j + 2];
      s3 += x[off + j + 3] * w[j + 3];
      s4 += x[off + j + 4] * w[j + 4];
      s5 += x[off + j + 5] * w[j + 5];
      s6 += x[off + j + 6] * w[j + 6];
      s7 += x[off + j + 7] * w[j + 7];
    }
    for (; j < n; j++) {
      s0 += x[off + j] * w[j];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /**
   * {@link #dot} on float values: each x[off+j] widened to double (exact), then the double form's
   * arithmetic in its order, so the bits are those of {@link #dot} on the widened values.
   */
  public static double dot(float[] x, int off, double[] w, int n) {
    VectorForm v = VECTOR;
    return v != null ? v.dot(x, off, w, n) : dotScalar(x, off, w, n);
  }

  /** The plain-Java form of {@link #dot(float[], int, double[], int)}. */
  static double dotScalar(float[] x, int off, double[] w, int n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int j = 0;
    for (; j + 7 < n; j += 8) {
      s0 += (double) x[off + j] * w[j];
      s1 += (double) x[off + j + 1] * w[j + 1];
      s2 += (double) x[off + j + 2] * w[j + 2];
      s3 += (double) x[off + j + 3] * w[j + 3];
      s4 += (double) x[off + j + 4] * w[j + 4];
      s5 += (double) x[off + j + 5] * w[j + 5];
      s6 += (double) x[off + j + 6] * w[j + 6];
      s7 += (double) x[off + j + 7] * w[j + 7];
    }
    for (; j < n; j++) {
      s0 += (double) x[off + j] * w[j];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /**
   * {@link #dot}, {@link #axpy} and their pair forms, for double and float values, with the same
   * bits as their scalar forms.
   */
  interface VectorForm {
    double dot(double[] x, int off, double[] w, int n);

    void axpy(double a, double[] x, int off, double[] acc, int n);

    void dotPair(double[] x, int off, double[] w, int n, double[] out);

    void axpyPair(double a0, double a1, double[] x, int off, double[] acc, int n);

    double dot(float[] x, int off, double[] w, int n);

    void axpy(double a, float[] x, int off, double[] acc, int n);

    void dotPair(float[] x, int off, double[] w, int n, double[] out);

    void axpyPair(double a0, double a1, float[] x, int off, double[] acc, int n);
  }

  /** The Vector API form, or null where this JVM lacks the module or 256-bit vectors. */
  static final VectorForm VECTOR = loadVector();

  private static VectorForm loadVector() {
    if (Boolean.getBoolean("spark.sgd.scalarKernels")) {
      return null;
    }
    try {
      return (VectorForm) Class.forName("dev.sparksgd.data.VectorKernels").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null; // no jdk.incubator.vector here (e.g. an executor without --add-modules)
    }
  }

  /** acc[j] += a·x[off+j] for j < n (product and sum rounded separately, as Java does). */
  public static void axpy(double a, double[] x, int off, double[] acc, int n) {
    VectorForm v = VECTOR;
    if (v != null) {
      v.axpy(a, x, off, acc, n);
    } else {
      axpyScalar(a, x, off, acc, n);
    }
  }

  static void axpyScalar(double a, double[] x, int off, double[] acc, int n) {
    for (int j = 0; j < n; j++) {
      acc[j] += a * x[off + j];
    }
  }

  /** {@link #axpy} on float values, each widened to double (exact) first. */
  public static void axpy(double a, float[] x, int off, double[] acc, int n) {
    VectorForm v = VECTOR;
    if (v != null) {
      v.axpy(a, x, off, acc, n);
    } else {
      axpyScalar(a, x, off, acc, n);
    }
  }

  static void axpyScalar(double a, float[] x, int off, double[] acc, int n) {
    for (int j = 0; j < n; j++) {
      acc[j] += a * (double) x[off + j];
    }
  }

  /**
   * The {@link #dot}s of two consecutive rows of n values, at off and off+n, into out[0] and
   * out[1]: each with the bits of its own {@link #dot} (one loop for both rows, so each entry of
   * w is loaded once for two rows and the two rows' sums overlap).
   */
  public static void dotPair(double[] x, int off, double[] w, int n, double[] out) {
    VectorForm v = VECTOR;
    if (v != null) {
      v.dotPair(x, off, w, n, out);
    } else {
      out[0] = dotScalar(x, off, w, n);
      out[1] = dotScalar(x, off + n, w, n);
    }
  }

  /**
   * {@link #axpy} of two consecutive rows of n values, at off (times a0) and off+n (times a1):
   * acc[j] = (acc[j] + a0·x[off+j]) + a1·x[off+n+j], the bits of the two axpys one after the
   * other, with one load and one store of acc[j].
   */
  public static void axpyPair(double a0, double a1, double[] x, int off, double[] acc, int n) {
    VectorForm v = VECTOR;
    if (v != null) {
      v.axpyPair(a0, a1, x, off, acc, n);
    } else {
      axpyPairScalar(a0, a1, x, off, acc, n);
    }
  }

  static void axpyPairScalar(double a0, double a1, double[] x, int off, double[] acc, int n) {
    for (int j = 0, o1 = off + n; j < n; j++) {
      acc[j] = (acc[j] + a0 * x[off + j]) + a1 * x[o1 + j];
    }
  }

  /** {@link #dotPair} on float values, each widened to double (exact) first. */
  public static void dotPair(float[] x, int off, double[] w, int n, double[] out) {
    VectorForm v = VECTOR;
    if (v != null) {
      v.dotPair(x, off, w, n, out);
    } else {
      out[0] = dotScalar(x, off, w, n);
      out[1] = dotScalar(x, off + n, w, n);
    }
  }

  /** {@link #axpyPair} on float values, each widened to double (exact) first. */
  public static void axpyPair(double a0, double a1, float[] x, int off, double[] acc, int n) {
    VectorForm v = VECTOR;
    if (v != null) {
      v.axpyPair(a0, a1, x, off, acc, n);
    } else {
      axpyPairScalar(a0, a1, x, off, acc, n);
    }
  }

  static void axpyPairScalar(double a0, double a1, float[] x, int off, double[] acc, int n) {
    for (int j = 0, o1 = off + n; j < n; j++) {
      acc[j] = (acc[j] + a0 * (double) x[off + j]) + a1 * (double) x[o1 + j];
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

  /** {@link #sparseDot} on float values, each widened to double (exact) first. */
  public static double sparseDot(float[] v, int[] idx, int from, int to, double[] w) {
    double s = 0.0;
    for (int k = from; k < to; k++) {
      s += (double) v[k] * w[idx[k]];
    }
    return s;
  }

  /** {@link #sparseAxpy} on float values, each widened to double (exact) first. */
  public static void sparseAxpy(double a, float[] v, int[] idx, int from, int to, double[] acc) {
    for (int k = from; k < to; k++) {
      acc[idx[k]] += a * (double) v[k];
    }
  }
}

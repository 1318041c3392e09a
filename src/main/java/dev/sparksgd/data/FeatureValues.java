package dev.sparksgd.data;

import dev.sparksgd.config.FeaturePrecision;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A block's feature values, as 8-byte doubles or as 4-byte floats. Each form runs
 * {@link Kernels}' loops on its own array type (one loop per type, so every inner loop is
 * monomorphic); a float is widened to double exactly before any arithmetic, so a float block gives
 * the same bits as a double block holding the same (rounded) values.
 */
public abstract sealed class FeatureValues implements Serializable permits FeatureValues.Doubles, FeatureValues.Floats {
  private static final long serialVersionUID = 1L;

  FeatureValues() {
  }

  public static FeatureValues of(double[] v) {
    return new Doubles(v);
  }

  public static FeatureValues of(float[] v) {
    return new Floats(v);
  }

  /** The first n entries of src stored at the given precision (a copy). */
  public static FeatureValues of(FeaturePrecision p, double[] src, int n) {
    if (p == FeaturePrecision.FLOAT64) {
      return new Doubles(Arrays.copyOf(src, n));
    }
    float[] f = new float[n];
    for (int k = 0; k < n; k++) {
      f[k] = (float) src[k];
    }
    return new Floats(f);
  }

  /** n zeros at the given precision. */
  public static FeatureValues zeros(FeaturePrecision p, int n) {
    return p == FeaturePrecision.FLOAT64 ? new Doubles(new double[n]) : new Floats(new float[n]);
  }

  public abstract FeaturePrecision precision();

  public abstract int length();

  /** Entry k, widened to double (exact). */
  public abstract double get(int k);

  /** Entry k := v (rounded to the nearest float in the float form). */
  public abstract void set(int k, double v);

  /** len entries from {@code from} copied into dst (of the same precision) at {@code at}. */
  public abstract void copyTo(int from, FeatureValues dst, int at, int len);

  /** {@link Kernels#dot} of entries [off, off+n) with w. */
  public abstract double dot(int off, double[] w, int n);

  /** {@link Kernels#axpy}: acc[j] += a·x[off+j]. */
  public abstract void axpy(double a, int off, double[] acc, int n);

  /** {@link Kernels#dotPair}: the dots of the rows of n entries at off and off+n, into out[0..2). */
  public abstract void dotPair(int off, double[] w, int n, double[] out);

  /** {@link Kernels#axpyPair}: acc[j] = (acc[j] + a0·x[off+j]) + a1·x[off+n+j]. */
  public abstract void axpyPair(double a0, double a1, int off, double[] acc, int n);

  /** {@link Kernels#sparseDot}: Σ x[k]·w[idx[k]] for from ≤ k < to. */
  public abstract double sparseDot(int[] idx, int from, int to, double[] w);

  /** {@link Kernels#sparseAxpy}: acc[idx[k]] += a·x[k] for from ≤ k < to. */
  public abstract void sparseAxpy(double a, int[] idx, int from, int to, double[] acc);

  /** Every entry widened to double (a copy). */
  public double[] toDoubles() {
    double[] d = new double[length()];
    for (int k = 0; k < d.length; k++) {
      d[k] = get(k);
    }
    return d;
  }

  /** Bytes of the array. */
  public long sizeInBytes() {
    return (long) precision().bytes() * length();
  }

  /** 8-byte values. */
  public static final class Doubles extends FeatureValues {
    private static final long serialVersionUID = 1L;
    public final double[] array;

    Doubles(double[] array) {
      this.array = array;
    }

    @Override
    public FeaturePrecision precision() {
      return FeaturePrecision.FLOAT64;
    }

    @Override
    public int length() {
      return array.length;
    }

    @Override
    public double get(int k) {
      return array[k];
    }

    @Override
    public void set(int k, double v) {
      array[k] = v;
    }

    @Override
    public void copyTo(int from, FeatureValues dst, int at, int len) {
      System.arraycopy(array, from, ((Doubles) dst).array, at, len);
    }

    @Override
    public double dot(int off, double[] w, int n) {
      return Kernels.dot(array, off, w, n);
    }

    @Override
    public void axpy(double a, int off, double[] acc, int n) {
      Kernels.axpy(a, array, off, acc, n);
    }

    @Override
    public void dotPair(int off, double[] w, int n, double[] out) {
      Kernels.dotPair(array, off, w, n, out);
    }

    @Override
    public void axpyPair(double a0, double a1, int off, double[] acc, int n) {
      Kernels.axpyPair(a0, a1, array, off, acc, n);
    }

    @Override
    public double sparseDot(int[] idx, int from, int to, double[] w) {
      return Kernels.sparseDot(array, idx, from, to, w);
    }

    @Override
    public void sparseAxpy(double a, int[] idx, int from, int to, double[] acc) {
      Kernels.sparseAxpy(a, array, idx, from, to, acc);
    }
  }

  /** 4-byte values. */
  public static final class Floats extends FeatureValues {
    private static final long serialVersionUID = 1L;
    public final float[] array;

    Floats(float[] array) {
      this.array = array;
    }

    @Override
    public FeaturePrecision precision() {
      return FeaturePrecision.FLOAT32;
    }

    @Override
    public int length() {
      return array.length;
    }

    @Override
    public double get(int k) {
      return array[k];
    }

    @Override
    public void set(int k, double v) {
      array[k] = (float) v;
    }

    @Override
    public void copyTo(int from, FeatureValues dst, int at, int len) {
      System.arraycopy(array, from, ((Floats) dst).array, at, len);
    }

    @Override
    public double dot(int off, double[] w, int n) {
      return Kernels.dot(array, off, w, n);
    }

    @Override
    public void axpy(double a, int off, double[] acc, int n) {
      Kernels.axpy(a, array, off, acc, n);
    }

    @Override
    public void dotPair(int off, double[] w, int n, double[] out) {
      Kernels.dotPair(array, off, w, n, out);
    }

    @Override
    public void axpyPair(double a0, double a1, int off, double[] acc, int n) {
      Kernels.axpyPair(a0, a1, array, off, acc, n);
    }

    @Override
    public double sparseDot(int[] idx, int from, int to, double[] w) {
      return Kernels.sparseDot(array, idx, from, to, w);
    }

    @Override
    public void sparseAxpy(double a, int[] idx, int from, int to, double[] acc) {
      Kernels.sparseAxpy(a, array, idx, from, to, acc);
    }
  }
}

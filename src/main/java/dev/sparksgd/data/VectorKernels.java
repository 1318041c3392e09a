package dev.sparksgd.data;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#dot} and {@link Kernels#axpy} on the Vector API. In the dot product, lanes 0–3 of
 * {@code a} and of {@code b} are the scalar form's s0–s3 and s4–s7; axpy rounds each entry's
 * product and sum as the scalar loop does. The float forms load four floats at a time and widen
 * them to four doubles (exact), then do the double forms' arithmetic. Loaded by reflection only, so a JVM without
 * jdk.incubator.vector never links it.
 */
final class VectorKernels implements Kernels.VectorForm {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
  /** Four floats, widened lane for lane to the four doubles of {@link #S} (exact). */
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_128;

  VectorKernels() {
    if (DoubleVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
      // Without 256-bit registers the API falls back to slow Java code: use the scalar form.
      throw new UnsupportedOperationException("no 256-bit vectors");
    }
  }

  @Override
  public double dot(double[] x, int off, double[] w, int n) {
    DoubleVector a = DoubleVector.zero(S);
    DoubleVector b = DoubleVector.zero(S);
    int j = 0;
    for (; j + 7 < n; j += 8) {
      a = a.add(DoubleVector.fromArray(S, x, off + j).mul(DoubleVector.fromArray(S, w, j)));
      b = b.add(DoubleVector.fromArray(S, x, off + j + 4).mul(DoubleVector.fromArray(S, w, j + 4)));
    }
    double s0 = a.lane(0);
    for (; j < n; j++) {
      s0 += x[off + j] * w[j];
    }
    return ((s0 + a.lane(1)) + (a.lane(2) + a.lane(3))) + ((b.lane(0) + b.lane(1)) + (b.lane(2) + b.lane(3)));
  }

  @Override
  public void axpy(double alpha, double[] x, int off, double[] acc, int n) {
    DoubleVector a = DoubleVector.broadcast(S, alpha);
    int j = 0;
    for (int end = S.loopBound(n); j < end; j += 4) {
      DoubleVector.fromArray(S, acc, j).add(DoubleVector.fromArray(S, x, off + j).mul(a)).intoArray(acc, j);
    }
    for (; j < n; j++) {
      acc[j] += alpha * x[off + j];
    }
  }

  private static DoubleVector widen(float[] x, int at) {
    return (DoubleVector) FloatVector.fromArray(F, x, at).castShape(S, 0);
  }

  @Override
  public double dot(float[] x, int off, double[] w, int n) {
    DoubleVector a = DoubleVector.zero(S);
    DoubleVector b = DoubleVector.zero(S);
    int j = 0;
    for (; j + 7 < n; j += 8) {
      a = a.add(widen(x, off + j).mul(DoubleVector.fromArray(S, w, j)));
      b = b.add(widen(x, off + j + 4).mul(DoubleVector.fromArray(S, w, j + 4)));
    }
    double s0 = a.lane(0);
    for (; j < n; j++) {
      s0 += (double) x[off + j] * w[j];
    }
    return ((s0 + a.lane(1)) + (a.lane(2) + a.lane(3))) + ((b.lane(0) + b.lane(1)) + (b.lane(2) + b.lane(3)));
  }

  @Override
  public void axpy(double alpha, float[] x, int off, double[] acc, int n) {
    DoubleVector a = DoubleVector.broadcast(S, alpha);
    int j = 0;
    for (int end = S.loopBound(n); j < end; j += 4) {
      DoubleVector.fromArray(S, acc, j).add(widen(x, off + j).mul(a)).intoArray(acc, j);
    }
    for (; j < n; j++) {
      acc[j] += alpha * (double) x[off + j];
    }
  }
}

package dev.sparksgd.data;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#dot} and {@link Kernels#axpy} on the Vector API. In the dot product, lanes 0–3 of
 * {@code a} and of {@code b} are the scalar form's s0–s3 and s4–s7; axpy rounds each entry's
 * product and sum as the scalar loop does. The float forms load four floats at a time and widen
 * them to four doubles (exact), then do the double forms' arithmetic. The pair forms run two
 * consecutive rows in one loop, each row with its own accumulators in the single-row order (so
 * the single-row bits), and load and store each entry of {@code acc} once for both rows. Loaded by
 * reflection only, so a JVM without jdk.incubator.vector never links it.
 *
 * <p>The JIT turns these loops into vector instructions only while it knows each vector's exact
 * class, and a vector that crosses a call it did not inline is a boxed Java object from then on,
 * whose operations go through type profiles the whole JVM shares (MLlib's BLAS fills them with
 * its 512-bit species): the store then falls back to Java code, 10–20 times slower. So every
 * vector here lives inside one method (no helper takes or returns one; a call that is not
 * inlined passes only arrays and numbers), and each operation is called as an instance method
 * the vector classes implement ({@code lanewise}, {@code convertShape}, {@code lane}), not
 * through the API's final helpers ({@code add}, {@code mul}, {@code castShape}), whose call into
 * the vector class is profiled in the shared JDK code.
 */
final class VectorKernels implements Kernels.VectorForm {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
  /** Four floats, widened lane for lane to the four doubles of {@link #S} (exact). */
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_128;
  private static final VectorOperators.Binary ADD = VectorOperators.ADD;
  private static final VectorOperators.Binary MUL = VectorOperators.MUL;
  private static final VectorOperators.Conversion<Float, Double> F2D = VectorOperators.F2D;

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
      DoubleVector xa = DoubleVector.fromArray(S, x, off + j);
      DoubleVector xb = DoubleVector.fromArray(S, x, off + j + 4);
      a = a.lanewise(ADD, xa.lanewise(MUL, DoubleVector.fromArray(S, w, j)));
      b = b.lanewise(ADD, xb.lanewise(MUL, DoubleVector.fromArray(S, w, j + 4)));
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
      DoubleVector xa = DoubleVector.fromArray(S, x, off + j);
      DoubleVector.fromArray(S, acc, j).lanewise(ADD, xa.lanewise(MUL, a)).intoArray(acc, j);
    }
    for (; j < n; j++) {
      acc[j] += alpha * x[off + j];
    }
  }

  @Override
  public void dotPair(double[] x, int off, double[] w, int n, double[] out) {
    DoubleVector a0 = DoubleVector.zero(S);
    DoubleVector b0 = DoubleVector.zero(S);
    DoubleVector a1 = DoubleVector.zero(S);
    DoubleVector b1 = DoubleVector.zero(S);
    int o1 = off + n;
    int j = 0;
    for (; j + 7 < n; j += 8) {
      DoubleVector wa = DoubleVector.fromArray(S, w, j);
      DoubleVector wb = DoubleVector.fromArray(S, w, j + 4);
      DoubleVector x0a = DoubleVector.fromArray(S, x, off + j);
      DoubleVector x0b = DoubleVector.fromArray(S, x, off + j + 4);
      DoubleVector x1a = DoubleVector.fromArray(S, x, o1 + j);
      DoubleVector x1b = DoubleVector.fromArray(S, x, o1 + j + 4);
      a0 = a0.lanewise(ADD, x0a.lanewise(MUL, wa));
      b0 = b0.lanewise(ADD, x0b.lanewise(MUL, wb));
      a1 = a1.lanewise(ADD, x1a.lanewise(MUL, wa));
      b1 = b1.lanewise(ADD, x1b.lanewise(MUL, wb));
    }
    double s0 = a0.lane(0);
    double t0 = a1.lane(0);
    for (; j < n; j++) {
      s0 += x[off + j] * w[j];
      t0 += x[o1 + j] * w[j];
    }
    out[0] = ((s0 + a0.lane(1)) + (a0.lane(2) + a0.lane(3))) + ((b0.lane(0) + b0.lane(1)) + (b0.lane(2) + b0.lane(3)));
    out[1] = ((t0 + a1.lane(1)) + (a1.lane(2) + a1.lane(3))) + ((b1.lane(0) + b1.lane(1)) + (b1.lane(2) + b1.lane(3)));
  }

  @Override
  public void axpyPair(double alpha0, double alpha1, double[] x, int off, double[] acc, int n) {
    DoubleVector c0 = DoubleVector.broadcast(S, alpha0);
    DoubleVector c1 = DoubleVector.broadcast(S, alpha1);
    int o1 = off + n;
    int j = 0;
    for (int end = S.loopBound(n); j < end; j += 4) {
      DoubleVector x0 = DoubleVector.fromArray(S, x, off + j);
      DoubleVector x1 = DoubleVector.fromArray(S, x, o1 + j);
      DoubleVector.fromArray(S, acc, j).lanewise(ADD, x0.lanewise(MUL, c0)).lanewise(ADD, x1.lanewise(MUL, c1))
          .intoArray(acc, j);
    }
    for (; j < n; j++) {
      acc[j] = (acc[j] + alpha0 * x[off + j]) + alpha1 * x[o1 + j];
    }
  }

  @Override
  public double dot(float[] x, int off, double[] w, int n) {
    DoubleVector a = DoubleVector.zero(S);
    DoubleVector b = DoubleVector.zero(S);
    int j = 0;
    for (; j + 7 < n; j += 8) {
      DoubleVector xa = (DoubleVector) FloatVector.fromArray(F, x, off + j).convertShape(F2D, S, 0);
      DoubleVector xb = (DoubleVector) FloatVector.fromArray(F, x, off + j + 4).convertShape(F2D, S, 0);
      a = a.lanewise(ADD, xa.lanewise(MUL, DoubleVector.fromArray(S, w, j)));
      b = b.lanewise(ADD, xb.lanewise(MUL, DoubleVector.fromArray(S, w, j + 4)));
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
      DoubleVector xa = (DoubleVector) FloatVector.fromArray(F, x, off + j).convertShape(F2D, S, 0);
      DoubleVector.fromArray(S, acc, j).lanewise(ADD, xa.lanewise(MUL, a)).intoArray(acc, j);
    }
    for (; j < n; j++) {
      acc[j] += alpha * (double) x[off + j];
    }
  }

  @Override
  public void dotPair(float[] x, int off, double[] w, int n, double[] out) {
    DoubleVector a0 = DoubleVector.zero(S);
    DoubleVector b0 = DoubleVector.zero(S);
    DoubleVector a1 = DoubleVector.zero(S);
    DoubleVector b1 = DoubleVector.zero(S);
    int o1 = off + n;
    int j = 0;
    for (; j + 7 < n; j += 8) {
      DoubleVector wa = DoubleVector.fromArray(S, w, j);
      DoubleVector wb = DoubleVector.fromArray(S, w, j + 4);
      DoubleVector x0a = (DoubleVector) FloatVector.fromArray(F, x, off + j).convertShape(F2D, S, 0);
      DoubleVector x0b = (DoubleVector) FloatVector.fromArray(F, x, off + j + 4).convertShape(F2D, S, 0);
      DoubleVector x1a = (DoubleVector) FloatVector.fromArray(F, x, o1 + j).convertShape(F2D, S, 0);
      DoubleVector x1b = (DoubleVector) FloatVector.fromArray(F, x, o1 + j + 4).convertShape(F2D, S, 0);
      a0 = a0.lanewise(ADD, x0a.lanewise(MUL, wa));
      b0 = b0.lanewise(ADD, x0b.lanewise(MUL, wb));
      a1 = a1.lanewise(ADD, x1a.lanewise(MUL, wa));
      b1 = b1.lanewise(ADD, x1b.lanewise(MUL, wb));
    }
    double s0 = a0.lane(0);
    double t0 = a1.lane(0);
    for (; j < n; j++) {
      s0 += (double) x[off + j] * w[j];
      t0 += (double) x[o1 + j] * w[j];
    }
    out[0] = ((s0 + a0.lane(1)) + (a0.lane(2) + a0.lane(3))) + ((b0.lane(0) + b0.lane(1)) + (b0.lane(2) + b0.lane(3)));
    out[1] = ((t0 + a1.lane(1)) + (a1.lane(2) + a1.lane(3))) + ((b1.lane(0) + b1.lane(1)) + (b1.lane(2) + b1.lane(3)));
  }

  @Override
  public void axpyPair(double alpha0, double alpha1, float[] x, int off, double[] acc, int n) {
    DoubleVector c0 = DoubleVector.broadcast(S, alpha0);
    DoubleVector c1 = DoubleVector.broadcast(S, alpha1);
    int o1 = off + n;
    int j = 0;
    for (int end = S.loopBound(n); j < end; j += 4) {
      DoubleVector x0 = (DoubleVector) FloatVector.fromArray(F, x, off + j).convertShape(F2D, S, 0);
      DoubleVector x1 = (DoubleVector) FloatVector.fromArray(F, x, o1 + j).convertShape(F2D, S, 0);
      DoubleVector.fromArray(S, acc, j).lanewise(ADD, x0.lanewise(MUL, c0)).lanewise(ADD, x1.lanewise(MUL, c1))
          .intoArray(acc, j);
    }
    for (; j < n; j++) {
      acc[j] = (acc[j] + alpha0 * (double) x[off + j]) + alpha1 * (double) x[o1 + j];
    }
  }
}

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
 * <p>Every operation is called here on a vector as an instance method the vector classes
 * implement ({@code lanewise}, {@code convertShape}, {@code lane}), never through the API's final
 * helpers ({@code add}, {@code mul}, {@code castShape}): a helper's own call into the vector
 * class has one type profile shared by every caller in the JVM, and once another library (such
 * as MLlib's BLAS, on 512-bit vectors) has used it with another species, the JIT no longer
 * compiles it to a vector instruction and each call falls back to boxed Java code, 10–20 times
 * slower. Called here, the profile is this class's own.
 */
final class VectorKernels implements Kernels.VectorForm {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
  /** Four floats, widened lane for lane to the four doubles of {@link #S} (exact). */
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_128;
  private static final VectorOperators.Binary ADD = VectorOperators.ADD;
  private static final VectorOperators.Binary MUL = VectorOperators.MUL;

  VectorKernels() {
    if (DoubleVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
      // Without 256-bit registers the API falls back to slow Java code: use the scalar form.
      throw new UnsupportedOperationException("no 256-bit vectors");
    }
  }

  private static DoubleVector load(double[] x, int at) {
    return DoubleVector.fromArray(S, x, at);
  }

  /** x[at..at+4) widened to doubles (exact). */
  private static DoubleVector load(float[] x, int at) {
    return (DoubleVector) FloatVector.fromArray(F, x, at).convertShape(VectorOperators.F2D, S, 0);
  }

  /** The scalar form's ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)), s0 being lane 0 of a plus the tail. */
  private static double sum(double s0, DoubleVector a, DoubleVector b) {
    return ((s0 + a.lane(1)) + (a.lane(2) + a.lane(3))) + ((b.lane(0) + b.lane(1)) + (b.lane(2) + b.lane(3)));
  }

  @Override
  public double dot(double[] x, int off, double[] w, int n) {
    DoubleVector a = DoubleVector.zero(S);
    DoubleVector b = DoubleVector.zero(S);
    int j = 0;
    for (; j + 7 < n; j += 8) {
      a = a.lanewise(ADD, load(x, off + j).lanewise(MUL, load(w, j)));
      b = b.lanewise(ADD, load(x, off + j + 4).lanewise(MUL, load(w, j + 4)));
    }
    double s0 = a.lane(0);
    for (; j < n; j++) {
      s0 += x[off + j] * w[j];
    }
    return sum(s0, a, b);
  }

  @Override
  public void axpy(double alpha, double[] x, int off, double[] acc, int n) {
    DoubleVector a = DoubleVector.broadcast(S, alpha);
    int j = 0;
    for (int end = S.loopBound(n); j < end; j += 4) {
      load(acc, j).lanewise(ADD, load(x, off + j).lanewise(MUL, a)).intoArray(acc, j);
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
      DoubleVector wa = load(w, j);
      DoubleVector wb = load(w, j + 4);
      a0 = a0.lanewise(ADD, load(x, off + j).lanewise(MUL, wa));
      b0 = b0.lanewise(ADD, load(x, off + j + 4).lanewise(MUL, wb));
      a1 = a1.lanewise(ADD, load(x, o1 + j).lanewise(MUL, wa));
      b1 = b1.lanewise(ADD, load(x, o1 + j + 4).lanewise(MUL, wb));
    }
    double s0 = a0.lane(0);
    double t0 = a1.lane(0);
    for (; j < n; j++) {
      s0 += x[off + j] * w[j];
      t0 += x[o1 + j] * w[j];
    }
    out[0] = sum(s0, a0, b0);
    out[1] = sum(t0, a1, b1);
  }

  @Override
  public void axpyPair(double alpha0, double alpha1, double[] x, int off, double[] acc, int n) {
    DoubleVector c0 = DoubleVector.broadcast(S, alpha0);
    DoubleVector c1 = DoubleVector.broadcast(S, alpha1);
    int o1 = off + n;
    int j = 0;
    for (int end = S.loopBound(n); j < end; j += 4) {
      load(acc, j).lanewise(ADD, load(x, off + j).lanewise(MUL, c0))
          .lanewise(ADD, load(x, o1 + j).lanewise(MUL, c1)).intoArray(acc, j);
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
      a = a.lanewise(ADD, load(x, off + j).lanewise(MUL, load(w, j)));
      b = b.lanewise(ADD, load(x, off + j + 4).lanewise(MUL, load(w, j + 4)));
    }
    double s0 = a.lane(0);
    for (; j < n; j++) {
      s0 += (double) x[off + j] * w[j];
    }
    return sum(s0, a, b);
  }

  @Override
  public void axpy(double alpha, float[] x, int off, double[] acc, int n) {
    DoubleVector a = DoubleVector.broadcast(S, alpha);
    int j = 0;
    for (int end = S.loopBound(n); j < end; j += 4) {
      load(acc, j).lanewise(ADD, load(x, off + j).lanewise(MUL, a)).intoArray(acc, j);
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
      DoubleVector wa = load(w, j);
      DoubleVector wb = load(w, j + 4);
      a0 = a0.lanewise(ADD, load(x, off + j).lanewise(MUL, wa));
      b0 = b0.lanewise(ADD, load(x, off + j + 4).lanewise(MUL, wb));
      a1 = a1.lanewise(ADD, load(x, o1 + j).lanewise(MUL, wa));
      b1 = b1.lanewise(ADD, load(x, o1 + j + 4).lanewise(MUL, wb));
    }
    double s0 = a0.lane(0);
    double t0 = a1.lane(0);
    for (; j < n; j++) {
      s0 += (double) x[off + j] * w[j];
      t0 += (double) x[o1 + j] * w[j];
    }
    out[0] = sum(s0, a0, b0);
    out[1] = sum(t0, a1, b1);
  }

  @Override
  public void axpyPair(double alpha0, double alpha1, float[] x, int off, double[] acc, int n) {
    DoubleVector c0 = DoubleVector.broadcast(S, alpha0);
    DoubleVector c1 = DoubleVector.broadcast(S, alpha1);
    int o1 = off + n;
    int j = 0;
    for (int end = S.loopBound(n); j < end; j += 4) {
      load(acc, j).lanewise(ADD, load(x, off + j).lanewise(MUL, c0))
          .lanewise(ADD, load(x, o1 + j).lanewise(MUL, c1)).intoArray(acc, j);
    }
    for (; j < n; j++) {
      acc[j] = (acc[j] + alpha0 * (double) x[off + j]) + alpha1 * (double) x[o1 + j];
    }
  }
}

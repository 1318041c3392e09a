package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The dot product's order is fixed: the Vector API form gives exactly the scalar form's bits (so
 * executors with and without jdk.incubator.vector agree), and both are a dot product. The float
 * kernels give, in both forms, the double kernels' bits on the floats widened to double.
 */
class KernelsTest {
  @Test
  void vectorFormsGiveTheScalarFormsBitsForDoublesAndFloats() {
    assumeTrue(Kernels.VECTOR != null, "this JVM has no jdk.incubator.vector or 256-bit vectors");
    SplittableRandom r = new SplittableRandom(11);
    for (int n = 0; n <= 70; n++) {
      for (int rep = 0; rep < 20; rep++) {
        int off = r.nextInt(5);
        double[] x = new double[off + n];
        double[] w = new double[n];
        for (int i = 0; i < x.length; i++) {
          // Mixed magnitudes make the rounding depend on the order.
          x[i] = r.nextGaussian() * Math.pow(10, r.nextInt(-8, 9));
        }
        for (int j = 0; j < n; j++) {
          w[j] = r.nextGaussian() * Math.pow(10, r.nextInt(-8, 9));
        }
        assertEquals(Double.doubleToRawLongBits(Kernels.dotScalar(x, off, w, n)),
            Double.doubleToRawLongBits(Kernels.VECTOR.dot(x, off, w, n)), "n=" + n + " off=" + off);
        double alpha = r.nextGaussian() * 1e3;
        double[] a = w.clone();
        double[] b = w.clone();
        Kernels.axpyScalar(alpha, x, off, a, n);
        Kernels.VECTOR.axpy(alpha, x, off, b, n);
        assertSameBits(a, b, "axpy n=" + n);
        // The float forms, on the same values rounded to float.
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
          xf[i] = (float) x[i];
        }
        assertEquals(Double.doubleToRawLongBits(Kernels.dotScalar(xf, off, w, n)),
            Double.doubleToRawLongBits(Kernels.VECTOR.dot(xf, off, w, n)), "float n=" + n + " off=" + off);
        a = w.clone();
        b = w.clone();
        Kernels.axpyScalar(alpha, xf, off, a, n);
        Kernels.VECTOR.axpy(alpha, xf, off, b, n);
        assertSameBits(a, b, "float axpy n=" + n);
      }
    }
  }

  @Test
  void dotIsADotProductAndAxpyAddsTheScaledRow() {
    SplittableRandom r = new SplittableRandom(12);
    for (int n : new int[] {0, 1, 7, 8, 9, 100}) {
      double[] x = new double[n + 3];
      double[] w = new double[n];
      double naive = 0;
      for (int j = 0; j < n; j++) {
        x[j + 3] = r.nextGaussian();
        w[j] = r.nextGaussian();
        naive += x[j + 3] * w[j];
      }
      assertEquals(naive, Kernels.dot(x, 3, w, n), 1e-12 * (1 + Math.abs(naive)));
      assertEquals(Kernels.dotScalar(x, 3, w, n), Kernels.dot(x, 3, w, n));
      double[] acc = new double[n];
      Kernels.axpy(2.0, x, 3, acc, n);
      for (int j = 0; j < n; j++) {
        assertEquals(2.0 * x[j + 3], acc[j]);
      }
    }
  }

  /** Mixed magnitudes make the rounding depend on the order; n + off floats, off random in [0, 5). */
  private static float[] floats(SplittableRandom r, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-8, 9)));
    }
    return x;
  }

  private static double[] widened(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return d;
  }

  private static void assertSameBits(double[] a, double[] b, String what) {
    for (int j = 0; j < a.length; j++) {
      assertEquals(Double.doubleToRawLongBits(a[j]), Double.doubleToRawLongBits(b[j]), what + " j=" + j);
    }
  }

  @Test
  void floatKernelsGiveTheDoubleKernelsBitsOnWidenedValues() {
    SplittableRandom r = new SplittableRandom(13);
    for (int n = 0; n <= 70; n++) {
      for (int rep = 0; rep < 20; rep++) {
        int off = r.nextInt(5);
        float[] x = floats(r, off + n);
        double[] xd = widened(x);
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
          w[j] = r.nextGaussian() * Math.pow(10, r.nextInt(-8, 9));
        }
        String at = "n=" + n + " off=" + off;
        assertEquals(Double.doubleToRawLongBits(Kernels.dotScalar(xd, off, w, n)),
            Double.doubleToRawLongBits(Kernels.dotScalar(x, off, w, n)), at);
        assertEquals(Double.doubleToRawLongBits(Kernels.dot(xd, off, w, n)),
            Double.doubleToRawLongBits(Kernels.dot(x, off, w, n)), at);
        double alpha = r.nextGaussian() * 1e3;
        double[] a = w.clone();
        double[] b = w.clone();
        Kernels.axpyScalar(alpha, xd, off, a, n);
        Kernels.axpyScalar(alpha, x, off, b, n);
        assertSameBits(a, b, "axpyScalar " + at);
        a = w.clone();
        b = w.clone();
        Kernels.axpy(alpha, xd, off, a, n);
        Kernels.axpy(alpha, x, off, b, n);
        assertSameBits(a, b, "axpy " + at);
        // Sparse: the entries [off, off+n) at increasing random columns of a wider w.
        int[] idx = new int[off + n];
        double[] wide = new double[4 * (n + 1)];
        for (int j = 0; j < wide.length; j++) {
          wide[j] = r.nextGaussian() * Math.pow(10, r.nextInt(-8, 9));
        }
        for (int k = off, c = -1; k < off + n; k++) {
          c += 1 + r.nextInt(3);
          idx[k] = c;
        }
        assertEquals(Double.doubleToRawLongBits(Kernels.sparseDot(xd, idx, off, off + n, wide)),
            Double.doubleToRawLongBits(Kernels.sparseDot(x, idx, off, off + n, wide)), "sparse " + at);
        a = wide.clone();
        b = wide.clone();
        Kernels.sparseAxpy(alpha, xd, idx, off, off + n, a);
        Kernels.sparseAxpy(alpha, x, idx, off, off + n, b);
        assertSameBits(a, b, "sparseAxpy " + at);
      }
    }
  }

  /**
   * The pair forms, scalar and Vector API, for doubles and floats: out[0] and out[1] are the
   * single-row dots of the rows at off and off+n, and acc gets the first row's axpy and then the
   * second's, to the bit.
   */
  @Test
  void pairFormsGiveTheBitsOfTwoSingleRows() {
    SplittableRandom r = new SplittableRandom(14);
    for (int n = 0; n <= 70; n++) {
      for (int rep = 0; rep < 10; rep++) {
        int off = r.nextInt(5);
        float[] xf = floats(r, off + 2 * n);
        double[] x = new double[xf.length];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextGaussian() * Math.pow(10, r.nextInt(-8, 9));
        }
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
          w[j] = r.nextGaussian() * Math.pow(10, r.nextInt(-8, 9));
        }
        double a0 = r.nextGaussian() * 1e3;
        double a1 = r.nextGaussian() * 1e-3;
        String at = "n=" + n + " off=" + off;
        double[] out = new double[2];

        Kernels.dotPair(x, off, w, n, out);
        assertEquals(Double.doubleToRawLongBits(Kernels.dotScalar(x, off, w, n)), Double.doubleToRawLongBits(out[0]), at);
        assertEquals(Double.doubleToRawLongBits(Kernels.dotScalar(x, off + n, w, n)), Double.doubleToRawLongBits(out[1]), at);
        double[] expected = w.clone();
        Kernels.axpyScalar(a0, x, off, expected, n);
        Kernels.axpyScalar(a1, x, off + n, expected, n);
        double[] acc = w.clone();
        Kernels.axpyPairScalar(a0, a1, x, off, acc, n);
        assertSameBits(expected, acc, "axpyPairScalar " + at);
        acc = w.clone();
        Kernels.axpyPair(a0, a1, x, off, acc, n);
        assertSameBits(expected, acc, "axpyPair " + at);

        Kernels.dotPair(xf, off, w, n, out);
        assertEquals(Double.doubleToRawLongBits(Kernels.dotScalar(xf, off, w, n)), Double.doubleToRawLongBits(out[0]), at);
        assertEquals(Double.doubleToRawLongBits(Kernels.dotScalar(xf, off + n, w, n)), Double.doubleToRawLongBits(out[1]), at);
        expected = w.clone();
        Kernels.axpyScalar(a0, xf, off, expected, n);
        Kernels.axpyScalar(a1, xf, off + n, expected, n);
        acc = w.clone();
        Kernels.axpyPairScalar(a0, a1, xf, off, acc, n);
        assertSameBits(expected, acc, "float axpyPairScalar " + at);
        acc = w.clone();
        Kernels.axpyPair(a0, a1, xf, off, acc, n);
        assertSameBits(expected, acc, "float axpyPair " + at);
      }
    }
  }
}

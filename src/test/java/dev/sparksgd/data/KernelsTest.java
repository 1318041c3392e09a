package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The dot product's order is fixed: the Vector API form gives exactly the scalar form's bits (so
 * executors with and without jdk.incubator.vector agree), and both are a dot product.
 */
class KernelsTest {
  @Test
  void vectorFormsGiveTheScalarFormsBits() {
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
        for (int j = 0; j < n; j++) {
          assertEquals(Double.doubleToRawLongBits(a[j]), Double.doubleToRawLongBits(b[j]), "axpy n=" + n + " j=" + j);
        }
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
}

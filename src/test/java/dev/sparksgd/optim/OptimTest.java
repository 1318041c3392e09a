package dev.sparksgd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class OptimTest {

  @Test
  void constantRate() {
    LearningRate r = LearningRate.constant(0.3);
    for (int t = 1; t <= 1000; t *= 7) {
      assertEquals(0.3, r.rate(t));
    }
  }

  @Test
  void inverseSqrtRate() {
    LearningRate r = LearningRate.inverseSqrt(0.5);
    assertEquals(0.5, r.rate(1));
    assertEquals(0.25, r.rate(4));
    assertEquals(0.05, r.rate(100), 1e-17);
    assertEquals(0.5 / Math.sqrt(2), r.rate(2));
    for (int t = 1; t < 50; t++) {
      assertTrue(r.rate(t + 1) < r.rate(t), "decreasing at " + t);
    }
  }

  @Test
  void ratesAreSerializable() throws Exception {
    // Lambdas must be serializable to be shipped in a closure: LearningRate extends Serializable.
    LearningRate r = roundTrip(LearningRate.inverseSqrt(0.5));
    assertEquals(0.25, r.rate(4));
    Regularizer l2 = roundTrip(Regularizer.l2(2.0));
    assertEquals(4.0, l2.value(new double[] {2, 0}, 1));
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void sgdStepByHand() {
    Sgd sgd = new Sgd();
    double[] params = {1.0, -2.0, 0.5};
    double[] grad = {0.5, -1.0, 4.0};
    sgd.step(params, grad, 0.1);
    assertArrayEquals(new double[] {1.0 - 0.05, -2.0 + 0.1, 0.5 - 0.4}, params);
    assertArrayEquals(new double[] {0.5, -1.0, 4.0}, grad, "gradient is not changed");
    sgd.step(params, grad, 0.0);
    assertArrayEquals(new double[] {0.95, -1.9, 0.1}, params, 1e-15);
    assertEquals("sgd", sgd.name());
  }

  @Test
  void l2ValueSkipsTheIntercept() {
    Regularizer r = Regularizer.l2(0.5);
    double[] params = {1, -2, 3, 100}; // last entry is the intercept
    assertEquals(0.5 * 0.5 * (1 + 4 + 9), r.value(params, 3));
    assertEquals(0.5 * 0.5 * 1, r.value(params, 1));
    assertEquals(0.0, r.value(params, 0));
  }

  @Test
  void l2GradientSkipsTheIntercept() {
    Regularizer r = Regularizer.l2(0.5);
    double[] params = {1, -2, 3, 100};
    double[] g = {10, 10, 10, 10};
    r.addGradient(params, 3, g);
    assertArrayEquals(new double[] {10.5, 9, 11.5, 10}, g);
  }

  @Test
  void l2GradientIsTheDerivativeOfItsValue() {
    Regularizer r = Regularizer.l2(0.7);
    double[] params = {0.3, -1.1, 2.5, 9};
    double[] g = new double[4];
    r.addGradient(params, 3, g);
    for (int k = 0; k < 4; k++) {
      double h = 1e-6;
      double[] p = params.clone();
      double[] m = params.clone();
      p[k] += h;
      m[k] -= h;
      assertEquals((r.value(p, 3) - r.value(m, 3)) / (2 * h), g[k], 1e-8, "entry " + k);
    }
  }

  @Test
  void l2OfZeroIsNone() {
    assertSame(Regularizer.NONE, Regularizer.l2(0.0));
    assertNotSame(Regularizer.NONE, Regularizer.l2(1e-300));
    double[] g = {1, 2};
    Regularizer.NONE.addGradient(new double[] {5, 5}, 2, g);
    assertArrayEquals(new double[] {1, 2}, g);
    assertEquals(0.0, Regularizer.NONE.value(new double[] {5, 5}, 2));
  }
}

package dev.sparksgd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Barzilai–Borwein schedule on f(w) = ½wᵀHw − bᵀw with H = diag(1, 10), b = (1, 10) (optimum
 * (1, 1)): its steps by hand, its speed against a constant rate, and its state.
 */
class BarzilaiBorweinTest {
  private static final double[] H = {1, 10};
  private static final double[] B = {1, 10};

  private static double[] gradient(double[] w) {
    return new double[] {H[0] * w[0] - B[0], H[1] * w[1] - B[1]};
  }

  /** One gradient-descent iteration as the trainer runs it: observe, take η, step. */
  private static double step(LearningRate rate, int t, double[] w) {
    double[] g = gradient(w);
    if (rate instanceof GradientFeedback f) {
      f.observe(w, g);
    }
    double eta = rate.rate(t);
    for (int i = 0; i < w.length; i++) {
      w[i] -= eta * g[i];
    }
    return eta;
  }

  @Test
  void stepsByHand() {
    BarzilaiBorwein bb = new BarzilaiBorwein(0.05);
    double[] w = {0, 0};
    // t = 1: η₀. g0 = (−1, −10), w1 = (0.05, 0.5).
    assertEquals(0.05, step(bb, 1, w));
    assertArrayEquals(new double[] {0.05, 0.5}, w, 1e-15);
    // t = 2: g1 = (−0.95, −5); s = (0.05, 0.5), y = g1 − g0 = (0.05, 5);
    // η = s·s / s·y = (0.0025 + 0.25) / (0.0025 + 2.5) = 0.2525 / 2.5025.
    double eta2 = step(bb, 2, w);
    assertEquals(0.2525 / 2.5025, eta2, 1e-15);
    // w2 = w1 − η·g1
    assertArrayEquals(new double[] {0.05 + eta2 * 0.95, 0.5 + eta2 * 5}, w, 1e-15);
    // t = 3: for a diagonal H, s·y = Σ h_i s_i², so η is the inverse of a Rayleigh quotient of H.
    double[] s = {eta2 * 0.95, eta2 * 5};
    double eta3 = step(bb, 3, w);
    assertEquals((s[0] * s[0] + s[1] * s[1]) / (H[0] * s[0] * s[0] + H[1] * s[1] * s[1]), eta3, 1e-12);
    assertTrue(eta3 >= 1 / H[1] && eta3 <= 1 / H[0], "between 1/λmax and 1/λmin: " + eta3);
  }

  @Test
  void convergesWhereAConstantRateCrawls() {
    double[] w = {0, 0};
    BarzilaiBorwein bb = new BarzilaiBorwein(0.05);
    int t = 0;
    while (Math.hypot(w[0] - 1, w[1] - 1) > 1e-10 && t < 1000) {
      step(bb, ++t, w);
    }
    double[] c = {0, 0};
    LearningRate constant = LearningRate.constant(0.05);
    int u = 0;
    while (Math.hypot(c[0] - 1, c[1] - 1) > 1e-10 && u < 1000) {
      step(constant, ++u, c);
    }
    // Constant 0.05: the slow direction contracts by 0.95 per step, ~450 steps.
    assertTrue(t < 30, "BB iterations " + t);
    assertTrue(u > 400, "constant-rate iterations " + u);
  }

  @Test
  void keepsTheRateWithoutCurvature() {
    BarzilaiBorwein bb = new BarzilaiBorwein(0.3);
    bb.observe(new double[] {1, 2}, new double[] {0.5, 0.5});
    bb.observe(new double[] {1, 2}, new double[] {0.5, 0.5}); // no move: s = 0, 0/0
    assertEquals(0.3, bb.rate(2));
    bb.observe(new double[] {2, 2}, new double[] {0.0, 0.5}); // s·y = −0.5 < 0 (concave)
    assertEquals(0.3, bb.rate(3));
    bb.observe(new double[] {3, 2}, new double[] {0.25, 0.5}); // s = (1, 0), y = (0.25, 0)
    assertEquals(4.0, bb.rate(4));
  }

  @Test
  void stateRoundTripsAndContinuesTheSame() {
    BarzilaiBorwein a = new BarzilaiBorwein(0.05);
    double[] w = {0, 0};
    for (int t = 1; t <= 3; t++) {
      step(a, t, w);
    }
    BarzilaiBorwein b = new BarzilaiBorwein(99);
    b.restoreState(a.state());
    double[] wb = w.clone();
    for (int t = 4; t <= 8; t++) {
      assertEquals(step(a, t, w), step(b, t, wb));
    }
    assertArrayEquals(w, wb);
    BarzilaiBorwein fresh = new BarzilaiBorwein(0.7);
    fresh.restoreState(new BarzilaiBorwein(0.7).state()); // before any observation: η only
    assertEquals(0.7, fresh.rate(1));
    assertThrows(IllegalArgumentException.class, () -> b.restoreState(Map.of("eta", new double[] {0})));
    assertThrows(IllegalArgumentException.class, () -> b.restoreState(Map.of("eta", new double[] {1},
        "previousParams", new double[] {1, 2})));
    assertThrows(IllegalArgumentException.class, () -> b.restoreState(Map.of("velocity", new double[] {1})));
  }
}

package dev.sparksgd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * L-BFGS / OWL-QN steps driven as the trainer drives them (judge the last step by its objective,
 * put the last kept point back on a rise, observe, step), against closed forms: the minimizer of
 * an ill-conditioned quadratic, the lasso's soft-thresholding with exact zeros, the raw-coefficient
 * penalty with its L2 part smooth, and the first step by hand.
 */
class LbfgsTest {
  /** f(w) = ½wᵀAw − bᵀw, A symmetric positive definite with condition number 1e4. */
  private static final double[][] A = {
      {1e4, 30, 0, 1, 0},
      {30, 50, 2, 0, 0},
      {0, 2, 1, 0.1, 0},
      {1, 0, 0.1, 3, 0.5},
      {0, 0, 0, 0.5, 2}};
  private static final double[] B = {1, -2, 3, 0.5, -1};

  private static double quadratic(double[] w) {
    double f = 0;
    for (int i = 0; i < w.length; i++) {
      for (int j = 0; j < w.length; j++) {
        f += 0.5 * w[i] * A[i][j] * w[j];
      }
      f -= B[i] * w[i];
    }
    return f;
  }

  private static double[] quadraticGradient(double[] w) {
    double[] g = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      for (int j = 0; j < w.length; j++) {
        g[i] += A[i][j] * w[j];
      }
      g[i] -= B[i];
    }
    return g;
  }

  /** The trainer's loop for {@code iterations} iterations; returns the last kept point. */
  private static double[] run(Lbfgs q, double[] w, int iterations, Function<double[], Double> smoothValue,
      Function<double[], double[]> smoothGradient, Regularizer reg) {
    double[] base = null;
    double baseObjective = 0;
    for (int t = 1; t <= iterations; t++) {
      double objective = smoothValue.apply(w) + reg.value(w, w.length);
      if (base != null && !q.feedback(baseObjective, objective)) {
        w = base.clone();
        objective = baseObjective;
      }
      double[] g = smoothGradient.apply(w);
      reg.addGradient(w, w.length, g);
      q.observe(w, g);
      base = w.clone();
      baseObjective = objective;
      q.step(w, g, reg, w.length, q.rate(t));
    }
    double objective = smoothValue.apply(w) + reg.value(w, w.length);
    return objective <= baseObjective ? w : base;
  }

  /** A⁻¹b by Gaussian elimination. */
  private static double[] solve() {
    int n = B.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = java.util.Arrays.copyOf(A[i], n + 1);
      m[i][n] = B[i];
    }
    for (int c = 0; c < n; c++) {
      for (int r = c + 1; r < n; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k <= n; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = m[r][n];
      for (int k = r + 1; k < n; k++) {
        s -= m[r][k] * x[k];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }

  @Test
  void quadraticMinimumWhereGradientStepsCrawl() {
    double[] w = run(new Lbfgs(1e-4), new double[5], 60, LbfgsTest::quadratic, LbfgsTest::quadraticGradient,
        Regularizer.NONE);
    assertArrayEquals(solve(), w, 1e-9);
    // A gradient step must stay below 2/λ_max ≈ 2e-4; at 1e-4 it has not reached 1e-2 of the way
    // along the smallest eigenvalue's direction in the same 60 iterations.
    double[] gd = new double[5];
    for (int t = 0; t < 60; t++) {
      double[] g = quadraticGradient(gd);
      for (int i = 0; i < 5; i++) {
        gd[i] -= 1e-4 * g[i];
      }
    }
    double far = 0;
    double[] opt = solve();
    for (int i = 0; i < 5; i++) {
      far = Math.max(far, Math.abs(gd[i] - opt[i]));
    }
    assertTrue(far > 0.1, "gradient descent's distance " + far);
  }

  @Test
  void firstStepIsAGradientStepOfEta0() {
    Lbfgs q = new Lbfgs(0.25);
    double[] w = new double[5];
    double[] g = quadraticGradient(w);
    q.observe(w, g);
    assertEquals(1.0, q.rate(1));
    q.step(w, g, Regularizer.NONE, 5, q.rate(1));
    for (int i = 0; i < 5; i++) {
      assertEquals(0.25 * B[i], w[i], 1e-15);
    }
  }

  @Test
  void lassoIsSoftThresholdingWithExactZeros() {
    // ½‖w − c‖² + λ‖w‖₁ has the minimizer soft(c, λ); coordinates with |c_j| ≤ λ are exactly 0.
    double[] c = {2.0, -0.3, 0.9, -1.7, 0.05, 0.0};
    double lambda = 0.5;
    Regularizer reg = Regularizer.elasticNet(lambda, 0.0);
    double[] w = run(new Lbfgs(0.3), new double[6], 40, v -> {
      double f = 0;
      for (int i = 0; i < v.length; i++) {
        f += 0.5 * (v[i] - c[i]) * (v[i] - c[i]);
      }
      return f;
    }, v -> {
      double[] g = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        g[i] = v[i] - c[i];
      }
      return g;
    }, reg);
    double[] expected = {1.5, 0.0, 0.4, -1.2, 0.0, 0.0};
    assertArrayEquals(expected, w, 1e-12);
    assertEquals(0.0, w[1]);
    assertEquals(0.0, w[4]);
  }

  @Test
  void rawCoefficientPenaltyWithSmoothL2() {
    // ½‖w − c‖² + l1·Σ f_j|w_j| + ½·l2·Σ (f_j w_j)²: w_j = soft(c_j, l1·f_j)/(1 + l2·f_j²), with
    // factors from 1e-3 to 1e3 (the penalty's curvature from 1e-6 to 1e6 times the loss's).
    double[] c = {3.0, -2.0, 0.5, 5.0, -400.0};
    double[] f = {1e-3, 0.1, 1.0, 10.0, 1e3};
    double l1 = 0.2;
    double l2 = 0.5;
    Regularizer reg = Regularizer.elasticNet(l1, l2, f).withSmoothL2();
    assertTrue(reg.hasProx());
    double[] w = run(new Lbfgs(0.5), new double[5], 80, v -> {
      double s = 0;
      for (int i = 0; i < v.length; i++) {
        s += 0.5 * (v[i] - c[i]) * (v[i] - c[i]);
      }
      return s;
    }, v -> {
      double[] g = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        g[i] = v[i] - c[i];
      }
      return g;
    }, reg);
    for (int j = 0; j < 5; j++) {
      double t = l1 * f[j];
      double soft = Math.abs(c[j]) > t ? c[j] - Math.copySign(t, c[j]) : 0.0;
      assertEquals(soft / (1 + l2 * f[j] * f[j]), w[j], 1e-9 * Math.max(1, Math.abs(c[j])), "w_" + j);
    }
  }

  @Test
  void smoothL2PenaltyEqualsTheProximalOnesValueAndStationarity() {
    double[] f = {0.5, 2.0, 0.0};
    Regularizer prox = Regularizer.elasticNet(0.1, 0.4, f);
    Regularizer smooth = prox.withSmoothL2();
    double[] w = {0.3, -0.7, 0.2, 9.0};
    double[] g = {0.05, -0.2, 0.4, 1.0};
    assertEquals(prox.value(w, 3), smooth.value(w, 3), 1e-15);
    double[] withL2 = g.clone();
    smooth.addGradient(w, 3, withL2);
    double[] a = new double[4];
    double[] b = new double[4];
    prox.stationarity(w, 3, g, a);
    smooth.stationarity(w, 3, withL2, b);
    assertArrayEquals(a, b, 1e-15);
    assertEquals(0.1 * 2.0, smooth.l1Weight(1), 1e-15);
  }

  @Test
  void stateRoundTripContinuesIdentically() {
    Lbfgs a = new Lbfgs(1e-4);
    double[] w = run(a, new double[5], 7, LbfgsTest::quadratic, LbfgsTest::quadraticGradient, Regularizer.NONE);
    Map<String, double[]> saved = a.state();
    Lbfgs b = new Lbfgs(1.0);
    b.restoreState(new HashMap<>(saved));
    double[] wa = run(a, w.clone(), 5, LbfgsTest::quadratic, LbfgsTest::quadraticGradient, Regularizer.NONE);
    double[] wb = run(b, w.clone(), 5, LbfgsTest::quadratic, LbfgsTest::quadraticGradient, Regularizer.NONE);
    assertArrayEquals(wa, wb, 0.0);
    Map<String, double[]> bad = new HashMap<>(saved);
    bad.put("s", new double[3]);
    assertThrows(IllegalArgumentException.class, () -> new Lbfgs(1.0).restoreState(bad));
  }
}

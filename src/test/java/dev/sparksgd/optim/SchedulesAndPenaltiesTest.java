package dev.sparksgd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SchedulesAndPenaltiesTest {

  @Test
  void decaySchedules() {
    LearningRate it = LearningRate.inverseTime(0.5, 0.25);
    assertEquals(0.5 / 1.25, it.rate(1));
    assertEquals(0.5 / 3.5, it.rate(10));
    LearningRate ex = LearningRate.exponential(2.0, 0.5);
    assertEquals(1.0, ex.rate(1));
    assertEquals(0.25, ex.rate(3));
    LearningRate st = LearningRate.step(1.0, 0.1, 3);
    assertEquals(1.0, st.rate(1));
    assertEquals(1.0, st.rate(2));
    assertEquals(0.1, st.rate(3), 1e-15);
    assertEquals(0.1, st.rate(5), 1e-15);
    assertEquals(0.01, st.rate(6), 1e-15);
  }

  @Test
  void boldDriverHalvesOnARiseAndGrowsFivePercentOnAFall() {
    BoldDriver b = new BoldDriver(1.0);
    assertEquals(1.0, b.rate(1));
    assertTrue(b.feedback(10, 9));
    assertEquals(1.05, b.rate(2), 1e-15);
    assertTrue(b.feedback(9, 9), "an unchanged loss is kept");
    assertEquals(1.05 * 1.05, b.rate(3), 1e-15);
    assertFalse(b.feedback(9, 9.5));
    assertEquals(1.05 * 1.05 * 0.5, b.rate(4), 1e-15);
    assertFalse(b.feedback(9, Double.NaN), "NaN counts as a rise");
    assertFalse(b.feedback(9, Double.POSITIVE_INFINITY));
    assertEquals(1.05 * 1.05 * 0.125, b.rate(5), 1e-15);
  }

  @Test
  void boldDriverStateRoundTrips() {
    BoldDriver b = new BoldDriver(0.3);
    b.feedback(1, 2);
    BoldDriver c = new BoldDriver(99);
    c.restoreState(b.state());
    assertEquals(b.rate(7), c.rate(7));
    assertThrows(IllegalArgumentException.class, () -> c.restoreState(Map.of("eta", new double[] {-1})));
    assertThrows(IllegalArgumentException.class, () -> LearningRate.constant(1).restoreState(b.state()));
  }

  @Test
  void plateauHalvesAfterTwoEpochsWithoutANewLowestMean() {
    assertEquals(10, PlateauRate.epochLength(0.1));
    assertEquals(4, PlateauRate.epochLength(0.3));
    assertEquals(1, PlateauRate.epochLength(1.0));
    PlateauRate p = new PlateauRate(0.8, 2);
    // epoch means: 5 (lowest), 4 (lowest), 4.5, 3.9 (lowest: count restarts), 4.5, 4 (halve), 4, 4.5 (halve)
    double[][] epochs = {{6, 4}, {3, 5}, {4, 5}, {3.8, 4}, {5, 4}, {4, 4}, {4, 4}, {4, 5}};
    double[] rateAfter = {0.8, 0.8, 0.8, 0.8, 0.8, 0.4, 0.4, 0.2};
    for (int e = 0; e < epochs.length; e++) {
      p.observe(epochs[e][0]);
      assertEquals(e == 0 ? 0.8 : rateAfter[e - 1], p.rate(2 * e + 2), "mid-epoch " + e + ": unchanged");
      p.observe(epochs[e][1]);
      assertEquals(rateAfter[e], p.rate(2 * e + 3), "after epoch " + e);
    }
    PlateauRate nan = new PlateauRate(1.0, 1);
    nan.observe(1.0);
    nan.observe(Double.NaN);
    nan.observe(Double.NaN);
    assertEquals(0.5, nan.rate(4), "a NaN epoch is no new lowest");
  }

  @Test
  void plateauStateRoundTripsMidEpoch() {
    PlateauRate p = new PlateauRate(0.8, 3);
    double[] seq = {5, 5, 5, 6, 6, 6, 7, 1};
    for (double v : seq) {
      p.observe(v);
    }
    Map<String, double[]> s = p.state();
    PlateauRate q = new PlateauRate(99, 3);
    q.restoreState(s);
    for (PlateauRate r : new PlateauRate[] {p, q}) {
      r.observe(7); // epoch mean 5 = the lowest: the second stale epoch, η halved
      assertEquals(0.4, r.rate(9));
    }
    assertThrows(IllegalArgumentException.class, () -> q.restoreState(Map.of("eta", new double[] {1},
        "epoch", new double[] {0, 3, 1, 0})), "an epoch count at the epoch length");
    assertThrows(IllegalArgumentException.class, () -> q.restoreState(Map.of("eta", new double[] {1},
        "epoch", new double[] {0, 0, 1, 2})), "a stale count at the patience");
    assertThrows(IllegalArgumentException.class, () -> q.restoreState(Map.of("eta", new double[] {1})));
  }

  @Test
  void elasticNetValueGradientAndIntercept() {
    Regularizer r = Regularizer.elasticNet(0.3, 0.5);
    double[] p = {1, -2, 0, 7, 100}; // weights 0..2; 7 is the intercept, 100 an extra loss parameter
    assertEquals(0.3 * 3 + 0.25 * 5, r.value(p, 3), 1e-15);
    double[] g = new double[5];
    r.addGradient(p, 3, g);
    assertArrayEquals(new double[] {0.5, -1, 0, 0, 0}, g);
    assertTrue(r.hasProx());
    assertFalse(Regularizer.l2(1).hasProx());
    assertSame(Regularizer.NONE, Regularizer.elasticNet(0, 0));
  }

  @Test
  void softThresholdUsesEachCoordinatesStepAndSparesTheIntercept() {
    Regularizer r = Regularizer.elasticNet(2.0, 0.0);
    double[] p = {1.0, -0.5, 0.05, -3.0, 5.0, 5.0};
    r.prox(p, 4, new double[] {0.1, 0.1, 0.1, 1.0, 1.0, 1.0});
    // thresholds 0.2, 0.2, 0.2, 2.0: 1 → 0.8, −0.5 → −0.3, 0.05 → 0 (exactly), −3 → −1
    assertArrayEquals(new double[] {0.8, -0.3, 0.0, -1.0, 5.0, 5.0}, p, 1e-15);
    assertEquals(0.0, p[2]);
    assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(p[2]), "+0.0, not -0.0");
  }

  @Test
  void stationarityIsTheMinimumNormSubgradient() {
    Regularizer r = Regularizer.elasticNet(1.0, 0.0);
    double[] p = {2.0, 0.0, 0.0, -1.0, 3.0};
    double[] g = {-1.0, 0.4, -2.5, 0.5, 0.7};
    double[] out = new double[5];
    r.stationarity(p, 4, g, out);
    // w ≠ 0: g + sign(w); w = 0: shrink g toward 0 by 1; the intercept keeps its gradient.
    assertArrayEquals(new double[] {0.0, 0.0, -1.5, -0.5, 0.7}, out, 1e-15);
  }

  /**
   * Proximal descent with every optimizer reaches the elastic-net optimum that coordinate descent
   * finds, with the irrelevant weights exactly 0: the prox uses each optimizer's effective steps.
   */
  @Test
  void everyOptimizerWithProxReachesTheCoordinateDescentOptimum() {
    int n = 300;
    int d = 5;
    Random rnd = new Random(7);
    double[][] x = new double[n][d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0.5;
      for (int j = 0; j < d; j++) {
        x[i][j] = rnd.nextGaussian();
        s += j < 2 ? (j + 1) * x[i][j] : 0;
      }
      y[i] = s + 0.3 * rnd.nextGaussian();
    }
    double l1 = 0.1;
    double l2 = 0.05;
    double[] exact = coordinateDescent(x, y, l1, l2);
    assertEquals(0.0, exact[3]);
    Optimizer[] opts = {new Sgd(), new Momentum(0.5), new Nesterov(0.9), new Adagrad(1e-8),
        new RmsProp(0.9, 1e-8), new Adam(0.9, 0.999, 1e-8)};
    // RMSprop at a constant rate ends in a limit cycle of size about η (its step is about η·sign(g) near the
    // optimum), so it gets an exponentially decaying rate here.
    LearningRate[] rates = {LearningRate.constant(0.5), LearningRate.constant(0.5), LearningRate.constant(0.5),
        LearningRate.constant(1.0), LearningRate.exponential(0.1, 0.99), LearningRate.constant(0.1)};
    for (int o = 0; o < opts.length; o++) {
      Regularizer reg = Regularizer.elasticNet(l1, l2);
      double[] w = new double[d + 1];
      for (int t = 1; t <= 2000; t++) {
        double[] g = new double[d + 1];
        for (int i = 0; i < n; i++) {
          double m = w[d];
          for (int j = 0; j < d; j++) {
            m += w[j] * x[i][j];
          }
          for (int j = 0; j < d; j++) {
            g[j] += (m - y[i]) * x[i][j] / n;
          }
          g[d] += (m - y[i]) / n;
        }
        reg.addGradient(w, d, g);
        double eta = rates[o].rate(t);
        opts[o].step(w, g, eta);
        double[] steps = new double[d + 1];
        opts[o].effectiveSteps(eta, steps);
        reg.prox(w, d, steps);
      }
      for (int j = 0; j <= d; j++) {
        assertEquals(exact[j], w[j], 1e-6, opts[o].name() + " weight " + j);
      }
      for (int j = 2; j < d; j++) {
        assertEquals(0.0, w[j], 0.0, opts[o].name() + ": irrelevant weight " + j + " exactly 0");
      }
    }
  }

  /** min 1/(2n)‖Xw + b − y‖² + l1‖w‖₁ + l2/2‖w‖² by cyclic coordinate descent (intercept free). */
  static double[] coordinateDescent(double[][] x, double[] y, double l1, double l2) {
    int n = x.length;
    int d = x[0].length;
    double[] w = new double[d + 1];
    double[] resid = y.clone(); // y − Xw − b
    for (int sweep = 0; sweep < 2000; sweep++) {
      double shift = 0;
      for (int i = 0; i < n; i++) {
        shift += resid[i] / n;
      }
      w[d] += shift;
      for (int i = 0; i < n; i++) {
        resid[i] -= shift;
      }
      for (int j = 0; j < d; j++) {
        double rho = 0;
        double z = 0;
        for (int i = 0; i < n; i++) {
          rho += x[i][j] * (resid[i] + w[j] * x[i][j]) / n;
          z += x[i][j] * x[i][j] / n;
        }
        double nw = Math.signum(rho) * Math.max(Math.abs(rho) - l1, 0) / (z + l2);
        for (int i = 0; i < n; i++) {
          resid[i] -= (nw - w[j]) * x[i][j];
        }
        w[j] = nw == 0 ? 0.0 : nw;
      }
    }
    return w;
  }
}

package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.FeatureStats;
import dev.sparksgd.loss.SquaredLoss;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScalingTest {
  private static final int N = 60;
  private static final int D = 5;

  /** Dense rows with very different means and spreads per column; weights when asked. */
  private static Block data(Random r, boolean weighted, boolean constantColumn) {
    double[] v = new double[N * D];
    double[] y = new double[N];
    double[] w = weighted ? new double[N] : null;
    double[] mu = {0, 5, -300, 1e4, 0.01};
    double[] sd = {1, 0.1, 50, 2e3, 1e-3};
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < D; j++) {
        v[i * D + j] = mu[j] + sd[j] * r.nextGaussian();
      }
      if (constantColumn) {
        v[i * D + 2] = 0.1;
      }
      y[i] = r.nextGaussian() * 3 + 1;
      if (weighted) {
        w[i] = 0.2 + r.nextDouble();
      }
    }
    return Block.dense(N, D, v, y, w, false);
  }

  private static double[] randomParams(Random r) {
    double[] p = new double[D + 1];
    for (int j = 0; j <= D; j++) {
      p[j] = r.nextGaussian();
    }
    return p;
  }

  /** z = (x − μ)/σ (centred only with an intercept), 0 for a constant column. */
  private static double z(Block b, int i, int j, double[] mean, double[] std, boolean standardize,
      boolean fitIntercept) {
    double x = b.values.get(i * D + j);
    if (!standardize) {
      return x;
    }
    if (std[j] == 0) {
      return 0.0;
    }
    return (fitIntercept ? x - mean[j] : x) / std[j];
  }

  @ParameterizedTest(name = "standardization={0} fitIntercept={1} weighted={2}")
  @CsvSource({"true,true,false", "true,false,false", "true,true,true", "true,false,true",
      "false,true,false", "false,false,true"})
  void rawMarginAndGradientEqualTheStandardizedOnes(boolean standardize, boolean fitIntercept,
      boolean weighted) {
    Random r = new Random(31);
    Block b = data(r, weighted, false);
    FeatureStats stats = FeatureStats.ofBlock(b);
    double[] mean = stats.mean();
    double[] std = stats.std();
    Scaling s = new Scaling(stats, D, standardize, fitIntercept);
    SquaredLoss loss = SquaredLoss.INSTANCE;

    for (int trial = 0; trial < 5; trial++) {
      double[] params = randomParams(r);
      if (!fitIntercept) {
        params[D] = 0.0; // the trainer never moves it
      }
      double[] raw = s.toRaw(params);
      double[] coef = java.util.Arrays.copyOf(raw, D);

      double[] rawSum = new double[D];
      double derivSum = 0;
      double weightSum = 0;
      double[] explicitGrad = new double[D + 1];
      for (int i = 0; i < N; i++) {
        double zMargin = params[D];
        for (int j = 0; j < D; j++) {
          zMargin += params[j] * z(b, i, j, mean, std, standardize, fitIntercept);
        }
        double rawMargin = b.margin(i, coef, raw[D]);
        assertEquals(zMargin, rawMargin, 1e-9 * Math.max(1, Math.abs(zMargin)), "row " + i);

        double wi = b.weight(i);
        double dl = wi * loss.derivative(zMargin, b.labels[i]);
        b.addScaledRow(i, dl, rawSum);
        derivSum += dl;
        weightSum += wi;
        for (int j = 0; j < D; j++) {
          explicitGrad[j] += dl * z(b, i, j, mean, std, standardize, fitIntercept);
        }
        explicitGrad[D] += dl;
      }
      for (int j = 0; j <= D; j++) {
        explicitGrad[j] /= weightSum;
      }
      if (!fitIntercept) {
        explicitGrad[D] = 0.0;
      }
      double[] g = s.gradient(rawSum, derivSum, weightSum, fitIntercept);
      assertEquals(D + 1, g.length);
      double scale = Trainer.norm(explicitGrad);
      for (int j = 0; j <= D; j++) {
        assertEquals(explicitGrad[j], g[j], 1e-9 * Math.max(1, scale), "gradient[" + j + "]");
      }
    }
  }

  /** The gradient from raw sums is the derivative of the mean loss in optimizer space. */
  @Test
  void gradientMatchesFiniteDifferencesOfTheLoss() {
    Random r = new Random(32);
    Block b = data(r, true, false);
    Scaling s = new Scaling(FeatureStats.ofBlock(b), D, true, true);
    double[] params = randomParams(r);

    double[] raw = s.toRaw(params);
    double[] rawSum = new double[D];
    double derivSum = 0;
    double weightSum = 0;
    for (int i = 0; i < N; i++) {
      double m = b.margin(i, java.util.Arrays.copyOf(raw, D), raw[D]);
      double dl = b.weight(i) * SquaredLoss.INSTANCE.derivative(m, b.labels[i]);
      b.addScaledRow(i, dl, rawSum);
      derivSum += dl;
      weightSum += b.weight(i);
    }
    double[] g = s.gradient(rawSum, derivSum, weightSum, true);
    for (int k = 0; k <= D; k++) {
      double h = 1e-5;
      double[] plus = params.clone();
      double[] minus = params.clone();
      plus[k] += h;
      minus[k] -= h;
      double fd = (meanLoss(b, s.toRaw(plus)) - meanLoss(b, s.toRaw(minus))) / (2 * h);
      assertEquals(fd, g[k], 1e-5 * Math.max(1, Math.abs(fd)), "d loss / d param[" + k + "]");
    }
  }

  private static double meanLoss(Block b, double[] raw) {
    double s = 0;
    double w = 0;
    for (int i = 0; i < b.numRows; i++) {
      double m = b.margin(i, java.util.Arrays.copyOf(raw, D), raw[D]);
      s += b.weight(i) * SquaredLoss.INSTANCE.value(m, b.labels[i]);
      w += b.weight(i);
    }
    return s / w;
  }

  @Test
  void constantFeatureGetsWeightZeroAndNoGradient() {
    Random r = new Random(33);
    Block b = data(r, false, true); // column 2 is 0.1 in every row
    FeatureStats stats = FeatureStats.ofBlock(b);
    assertEquals(0.0, stats.std()[2], "constant column");
    for (boolean fitIntercept : new boolean[] {true, false}) {
      Scaling s = new Scaling(stats, D, true, fitIntercept);
      assertEquals(0.0, s.invStd[2]);
      double[] params = randomParams(r);
      params[2] = 123.0;
      double[] raw = s.toRaw(params);
      assertEquals(0.0, raw[2], "raw weight of a constant feature");
      double[] rawSum = {1, 2, 3, 4, 5};
      double[] g = s.gradient(rawSum, 0.7, 10, fitIntercept);
      assertEquals(0.0, g[2], "gradient of a constant feature");
      // The intercept absorbs nothing from it: c = b − Σ β_j μ_j with β_2 = 0.
      double c = params[D];
      for (int j = 0; j < D; j++) {
        c -= raw[j] * s.shift[j];
      }
      assertEquals(c, raw[D], 1e-12 * Math.max(1, Math.abs(c)));
    }
  }

  @Test
  void withoutStandardizationScalingIsTheIdentity() {
    Random r = new Random(34);
    FeatureStats stats = FeatureStats.ofBlock(data(r, false, false));
    for (boolean fitIntercept : new boolean[] {true, false}) {
      Scaling s = new Scaling(stats, D, false, fitIntercept);
      double[] params = randomParams(r);
      assertArrayEquals(params, s.toRaw(params), "toRaw");
      double[] rawSum = {1, -2, 3, -4, 5};
      double[] g = s.gradient(rawSum, 2.0, 4.0, fitIntercept);
      assertArrayEquals(new double[] {0.25, -0.5, 0.75, -1, 1.25, fitIntercept ? 0.5 : 0.0}, g);
    }
  }

  @Test
  void notCentredWithoutIntercept() {
    FeatureStats stats = FeatureStats.ofBlock(
        Block.dense(3, 1, new double[] {10, 12, 14}, new double[3], null, false)); // μ 12, σ 2
    Scaling centred = new Scaling(stats, 1, true, true);
    assertEquals(0.5, centred.invStd[0]);
    assertEquals(12.0, centred.shift[0]);
    assertArrayEquals(new double[] {1.5, 1.0 - 1.5 * 12}, centred.toRaw(new double[] {3, 1}));
    Scaling scaledOnly = new Scaling(stats, 1, true, false);
    assertEquals(0.0, scaledOnly.shift[0]);
    assertArrayEquals(new double[] {1.5, 0.0}, scaledOnly.toRaw(new double[] {3, 0}));
  }

  @Test
  void widerThanTheStatsNeedsResizeFirst() {
    FeatureStats stats = FeatureStats.ofBlock(
        Block.dense(2, 1, new double[] {1, 3}, new double[2], null, false)).resize(3);
    Scaling s = new Scaling(stats, 3, true, true);
    assertEquals(3, s.numFeatures);
    assertEquals(0.0, s.invStd[1]);
    assertEquals(0.0, s.invStd[2]);
  }

  @Test
  void addInPlaceNormDistance() {
    double[] a = {1, 2, 3};
    double[] b = {0.5, -2, 10};
    assertSame(a, Trainer.addInPlace(a, b));
    assertArrayEquals(new double[] {1.5, 0, 13}, a);
    assertArrayEquals(new double[] {0.5, -2, 10}, b, "other is unchanged");

    assertEquals(5.0, Trainer.norm(new double[] {3, -4}));
    assertEquals(0.0, Trainer.norm(new double[0]));
    assertEquals(13.0, Trainer.distance(new double[] {1, 1, 1}, new double[] {4, 5, -11}));
    assertEquals(0.0, Trainer.distance(new double[] {2, -7}, new double[] {2, -7}));
    double[] x = {0.3, -1.2, 5};
    double[] y = {-0.7, 2, 1};
    assertEquals(Trainer.distance(x, y), Trainer.distance(y, x));
  }
}

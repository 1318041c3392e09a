package dev.sparksgd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The first three updates of every optimizer on the seeds' laser-pointer problem, one parameter a,
 * loss ½(10a − 47)², gradient g(a) = 10·(10a − 47), starting at a = 0, against numbers worked out
 * by hand below (each line is one step of the formula the class documents).
 */
class OptimizersTest {

  /** g(a) for the laser pointer. */
  private static double grad(double a) {
    return 10 * (10 * a - 47);
  }

  /** Runs three steps and returns a after each. */
  private static double[] threeSteps(Optimizer o, double eta) {
    double[] a = {0.0};
    double[] out = new double[3];
    for (int k = 0; k < 3; k++) {
      o.step(a, new double[] {grad(a[0])}, eta);
      o.afterStep(a);
      out[k] = a[0];
    }
    return out;
  }

  @Test
  void sgd() {
    // a ← a − η·g, η = 0.005: the seed's 2.35, 3.525, 4.1125.
    assertArrayEquals(new double[] {2.35, 3.525, 4.1125}, threeSteps(new Sgd(), 0.005), 1e-12);
  }

  @Test
  void momentum() {
    // v ← 0.9v + g, a ← a − 0.001·v
    // g0 = −470, v1 = −470, a1 = 0.47
    // g1 = 10(4.7 − 47) = −423, v2 = −423 − 423 = −846, a2 = 0.47 + 0.846 = 1.316
    // g2 = 10(13.16 − 47) = −338.4, v3 = −761.4 − 338.4 = −1099.8, a3 = 1.316 + 1.0998 = 2.4158
    assertArrayEquals(new double[] {0.47, 1.316, 2.4158}, threeSteps(new Momentum(0.9), 0.001), 1e-12);
  }

  @Test
  void nesterov() {
    // v ← 0.9v + g, a ← a − 0.001·(g + 0.9v)
    // g0 = −470, v1 = −470, a1 = 0.001·(470 + 423) = 0.893
    // g1 = 10(8.93 − 47) = −380.7, v2 = −423 − 380.7 = −803.7,
    //   a2 = 0.893 + 0.001·(380.7 + 723.33) = 1.99703
    // g2 = 10(19.9703 − 47) = −270.297, v3 = −723.33 − 270.297 = −993.627,
    //   a3 = 1.99703 + 0.001·(270.297 + 894.2643) = 3.1615913
    assertArrayEquals(new double[] {0.893, 1.99703, 3.1615913}, threeSteps(new Nesterov(0.9), 0.001), 1e-12);
  }

  @Test
  void adagrad() {
    // G ← G + g², a ← a − η·g/(√G + ε), η = 1, ε = 1e-8
    // g0 = −470, G1 = 220900, a1 = 470/(470 + 1e-8) = 0.99999999997872…
    double a1 = 470 / (470 + 1e-8);
    // g1 = 10(10·a1 − 47) ≈ −370, G2 = 220900 + 136900 ≈ 357800, a2 ≈ 1 + 370/598.16386 = 1.6185596
    double g1 = 10 * (10 * a1 - 47);
    double a2 = a1 - g1 / (Math.sqrt(220900 + g1 * g1) + 1e-8);
    // g2 = 10(16.185596 − 47) ≈ −308.14404, G3 ≈ 452752.74, a3 ≈ 1.6185596 + 308.14404/672.86904 = 2.0765150
    double g2 = 10 * (10 * a2 - 47);
    double a3 = a2 - g2 / (Math.sqrt(220900 + g1 * g1 + g2 * g2) + 1e-8);
    double[] got = threeSteps(new Adagrad(1e-8), 1.0);
    assertArrayEquals(new double[] {a1, a2, a3}, got, 1e-12);
    assertArrayEquals(new double[] {1.0, 1.6185596, 2.0765150}, got, 1e-6);
  }

  @Test
  void rmsprop() {
    // E ← 0.9E + 0.1g², a ← a − η·g/(√E + ε), η = 0.01
    // E1 = 22090, a1 = 0.01·470/148.62705 = 0.031622777 (= 0.01/√0.1: no bias correction)
    double a1 = 0.01 * 470 / (Math.sqrt(22090) + 1e-8);
    double g1 = 10 * (10 * a1 - 47); // −466.83772
    double e2 = 0.9 * 22090 + 0.1 * g1 * g1; // 41674.7…
    double a2 = a1 - 0.01 * g1 / (Math.sqrt(e2) + 1e-8);
    double g2 = 10 * (10 * a2 - 47);
    double e3 = 0.9 * e2 + 0.1 * g2 * g2;
    double a3 = a2 - 0.01 * g2 / (Math.sqrt(e3) + 1e-8);
    double[] got = threeSteps(new RmsProp(0.9, 1e-8), 0.01);
    assertArrayEquals(new double[] {a1, a2, a3}, got, 1e-12);
    assertEquals(0.01 / Math.sqrt(0.1), got[0], 1e-10);
    assertArrayEquals(new double[] {0.0316228, 0.0544908, 0.0736019}, got, 1e-6);
  }

  @Test
  void adamWithBiasCorrection() {
    // m ← 0.9m + 0.1g, v ← 0.999v + 0.001g², m̂ = m/(1 − 0.9ᵗ), v̂ = v/(1 − 0.999ᵗ),
    // a ← a − 0.1·m̂/(√v̂ + 1e-8).
    // t=1: m = −47, v = 220.9, m̂ = −470, v̂ = 220900: the first step is η·sign(g) = 0.1 (that
    // is what the bias correction is for; without it the step would be 0.1·47/√220.9 = 0.316).
    double a1 = 0.1 * 470 / (470 + 1e-8);
    // t=2: g1 = 10(1 − 47) = −460, m = −42.3 − 46 = −88.3, v = 220.6791 + 211.6 = 432.2791,
    //      m̂ = −88.3/0.19 = −464.7368, v̂ = 432.2791/0.001999 = 216247.67, a2 = a1 + 0.0999382
    double g1 = 10 * (10 * a1 - 47);
    double m2 = 0.9 * -47 + 0.1 * g1;
    double v2 = 0.999 * 220.9 + 0.001 * g1 * g1;
    double a2 = a1 - 0.1 * (m2 / (1 - 0.81)) / (Math.sqrt(v2 / (1 - 0.998001)) + 1e-8);
    double g2 = 10 * (10 * a2 - 47);
    double m3 = 0.9 * m2 + 0.1 * g2;
    double v3 = 0.999 * v2 + 0.001 * g2 * g2;
    double a3 = a2 - 0.1 * (m3 / (1 - 0.729)) / (Math.sqrt(v3 / (1 - 0.997002999)) + 1e-8);
    double[] got = threeSteps(new Adam(0.9, 0.999, 1e-8), 0.1);
    assertArrayEquals(new double[] {a1, a2, a3}, got, 1e-12);
    assertArrayEquals(new double[] {0.1, 0.1999382, 0.2997715}, got, 1e-6);
  }

  @Test
  void averagingIsTheMeanOfTheIterates() {
    Averaged avg = new Averaged(new Sgd());
    double[] a = {0.0};
    double[] expected = {2.35, (2.35 + 3.525) / 2, (2.35 + 3.525 + 4.1125) / 3};
    for (int k = 0; k < 3; k++) {
      avg.step(a, new double[] {grad(a[0])}, 0.005);
      avg.afterStep(a);
      assertEquals(expected[k], avg.modelParams(a)[0], 1e-12, "after step " + (k + 1));
    }
    assertEquals(4.1125, a[0], 1e-12, "the iterate itself moves as plain SGD");
    assertEquals("sgd+averaging", avg.name());
  }

  @Test
  void averagingFromALaterStepLeavesTheEarlyIteratesOut() {
    Averaged avg = new Averaged(new Sgd(), 2);
    double[] a = {0.0};
    avg.step(a, new double[] {grad(a[0])}, 0.005);
    avg.afterStep(a);
    assertEquals(2.35, avg.modelParams(a)[0], 1e-12, "before the start the model is the iterate");
    for (int k = 0; k < 2; k++) {
      avg.step(a, new double[] {grad(a[0])}, 0.005);
      avg.afterStep(a);
    }
    assertEquals((3.525 + 4.1125) / 2, avg.modelParams(a)[0], 1e-12);
    Averaged copy = new Averaged(new Sgd(), 2);
    copy.restoreState(avg.state());
    assertArrayEquals(avg.modelParams(a), copy.modelParams(a), 0.0);
    assertThrows(IllegalArgumentException.class, () -> new Averaged(new Sgd(), 5).restoreState(avg.state()));
  }

  private static final List<Supplier<Optimizer>> ALL = List.of(Sgd::new, () -> new Momentum(0.9),
      () -> new Nesterov(0.8), () -> new Adagrad(1e-8), () -> new RmsProp(0.9, 1e-8),
      () -> new Adam(0.9, 0.999, 1e-8), () -> new Averaged(new Adam(0.8, 0.99, 1e-6)),
      () -> new Averaged(new Momentum(0.5)));

  /** What a checkpoint saves after 4 steps, restored into a fresh optimizer, continues bit-identically. */
  @Test
  void stateRestoresBitIdentically() {
    for (Supplier<Optimizer> make : ALL) {
      Optimizer a = make.get();
      double[] pa = {0.3, -0.2, 1.0};
      for (int k = 0; k < 4; k++) {
        a.step(pa, bowl(pa), 0.05);
        a.afterStep(pa);
      }
      Map<String, double[]> saved = a.state();
      Map<String, double[]> copy = new java.util.HashMap<>();
      saved.forEach((k, v) -> copy.put(k, v.clone()));
      Optimizer b = make.get();
      b.restoreState(saved);
      double[] pb = pa.clone();
      for (int k = 0; k < 5; k++) {
        a.step(pa, bowl(pa), 0.05);
        a.afterStep(pa);
        b.step(pb, bowl(pb), 0.05);
        b.afterStep(pb);
      }
      assertArrayEquals(pa, pb, 0.0, a.name());
      assertArrayEquals(a.modelParams(pa), b.modelParams(pb), 0.0, a.name());
      // state() hands out copies: stepping on changed neither the map nor what b restored from.
      copy.forEach((k, v) -> assertArrayEquals(v, saved.get(k), 0.0, a.name() + " " + k));
    }
  }

  @Test
  void freshStateIsEmptyAndRestoresToFresh() {
    for (Supplier<Optimizer> make : ALL) {
      Optimizer o = make.get();
      assertTrue(o.state().isEmpty(), o.name());
      o.restoreState(Map.of());
      double[] p1 = {1, 2};
      double[] p2 = {1, 2};
      o.step(p1, new double[] {0.5, -1}, 0.1);
      make.get().step(p2, new double[] {0.5, -1}, 0.1);
      assertArrayEquals(p2, p1, 0.0, o.name());
    }
  }

  @Test
  void adamStateHoldsTheStepCount() {
    Adam a = new Adam(0.9, 0.999, 1e-8);
    double[] p = {0};
    for (int k = 0; k < 3; k++) {
      a.step(p, new double[] {grad(p[0])}, 0.1);
    }
    assertArrayEquals(new double[] {3}, a.state().get("t"));
    assertEquals(Map.of("m", 1, "v", 1, "t", 1).keySet(), a.state().keySet());
  }

  @Test
  void restoreRejectsForeignState() {
    assertThrows(IllegalArgumentException.class, () -> new Momentum(0.9).restoreState(Map.of("m", new double[1])));
    assertThrows(IllegalArgumentException.class, () -> new Sgd().restoreState(Map.of("velocity", new double[1])));
    assertThrows(IllegalArgumentException.class,
        () -> new Adam(0.9, 0.999, 1e-8).restoreState(Map.of("m", new double[1], "v", new double[1])));
    assertThrows(IllegalArgumentException.class,
        () -> new Adam(0.9, 0.999, 1e-8).restoreState(Map.of("t", new double[] {1.5})));
    assertThrows(IllegalArgumentException.class, () -> new Averaged(new Sgd()).restoreState(
        Map.of("average", new double[1])));
  }

  /** Gradient of ½‖p − (1, −1, 2)‖² scaled per coordinate. */
  private static double[] bowl(double[] p) {
    return new double[] {p[0] - 1, 3 * (p[1] + 1), 0.5 * (p[2] - 2)};
  }

  @Test
  void effectiveStepsAreTheFixedPointStepOfEachOptimizer() {
    double[] out = new double[2];
    new Sgd().effectiveSteps(0.1, out);
    assertArrayEquals(new double[] {0.1, 0.1}, out);
    new Momentum(0.75).effectiveSteps(0.1, out);
    assertArrayEquals(new double[] {0.4, 0.4}, out, 1e-15);
    // Adagrad after one step with g = (3, −4): η/(|g| + ε).
    Adagrad ag = new Adagrad(1e-8);
    ag.step(new double[2], new double[] {3, -4}, 1.0);
    ag.effectiveSteps(0.5, out);
    assertArrayEquals(new double[] {0.5 / (3 + 1e-8), 0.5 / (4 + 1e-8)}, out, 1e-15);
    // Adam after one step: v̂ = g², so η/(|g| + ε).
    Adam adam = new Adam(0.9, 0.999, 1e-8);
    adam.step(new double[2], new double[] {3, -4}, 1.0);
    adam.effectiveSteps(0.5, out);
    assertArrayEquals(new double[] {0.5 / (3 + 1e-8), 0.5 / (4 + 1e-8)}, out, 1e-12);
  }

  @Test
  void parameterCountMayNotChange() {
    Momentum m = new Momentum(0.9);
    m.step(new double[2], new double[2], 0.1);
    assertThrows(IllegalArgumentException.class, () -> m.step(new double[3], new double[3], 0.1));
    assertFalse(m.state().isEmpty());
  }
}

package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.OptimizerKind;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.optim.LazyUpdate;
import dev.sparksgd.optim.Optimizer;
import dev.sparksgd.optim.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The lazy update against the dense one ({@link UpdateStep}, the trainer's) on random sparse
 * gradients, for every optimizer × penalty × averaging the configuration offers: where a lazy form
 * exists, the parameters read mid-run, the parameters after the flush, the optimizer's state and
 * the model agree to 1e-12; where none exists, {@link LazyUpdate#of} says so.
 */
class LazyUpdateTest {
  private static final int D = 40;
  private static final int TAIL = 2;
  private static final int ITERATIONS = 400;

  private record Penalty(String name, double regParam, double elasticNet) {
  }

  private static final List<Penalty> PENALTIES = List.of(new Penalty("none", 0, 0),
      new Penalty("l2", 0.05, 0), new Penalty("l1", 0.02, 1), new Penalty("elastic-net", 0.05, 0.5));

  /** One optimizer × penalty × averaging × centring the configuration offers. */
  private record Case(OptimizerKind kind, Penalty pen, boolean averaging, boolean centred) {
    TrainConfig.Builder config() {
      return TrainConfig.builder().dataPath("x").outputPath("y").optimizer(kind).regParam(pen.regParam)
          .elasticNetParam(pen.elasticNet).averaging(averaging).averagingStart(25);
    }

    String label() {
      return kind + "/" + pen.name + (averaging ? "/averaged" : "") + (centred ? "/centred" : "");
    }

    boolean lazyExpected() {
      return LazyUpdateTest.lazyExpected(kind, pen.name, averaging, centred);
    }
  }

  private static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    for (OptimizerKind kind : OptimizerKind.values()) {
      for (Penalty pen : PENALTIES) {
        for (boolean averaging : new boolean[] {false, true}) {
          for (boolean centred : new boolean[] {false, true}) {
            out.add(new Case(kind, pen, averaging, centred));
          }
        }
      }
    }
    return out;
  }

  /** The pairs with a lazy form (the class comment of LazyUpdate says why the others have none). */
  private static boolean lazyExpected(OptimizerKind kind, String penalty, boolean averaging, boolean centred) {
    boolean l1 = penalty.equals("l1") || penalty.equals("elastic-net");
    boolean l2 = penalty.equals("l2") || penalty.equals("elastic-net");
    if (centred) {
      return !l1 && (kind == OptimizerKind.SGD || kind == OptimizerKind.MOMENTUM || kind == OptimizerKind.NESTEROV);
    }
    return switch (kind) {
      case SGD -> !averaging || !l1;
      case MOMENTUM, NESTEROV -> !l1;
      case ADAGRAD -> !l2 && (!averaging || !l1);
      case RMSPROP -> penalty.equals("none");
      case ADAM -> false;
    };
  }

  /**
   * --standardization false puts per-coordinate factors on the penalty (1/σ_j on the optimizer's
   * weights): an untouched weight's shrinkage then differs by coordinate. Plain SGD with its L2
   * part alone (proximal) has a lazy form that groups the coordinates of equal factor, centred or
   * not; it agrees with the dense update. Every other pair with such a penalty has none. Without a
   * penalty the factors are moot and the lazy form stays.
   */
  @Test
  void perCoordinatePenaltyFactorsGroupedForPlainSgdWithL2() {
    double[] factors = new double[D];
    for (int j = 0; j < D; j++) {
      factors[j] = j % 7 == 0 ? 1.0 : 1.0 / (1 + (j % 4) * 6.0); // 1/σ_j for σ_j of 1, 7, 13, 19
    }
    int declined = 0;
    List<String> grouped = new ArrayList<>();
    for (Case c : cases()) {
      TrainConfig cfg = c.config().standardization(false).build();
      Regularizer reg = OptimSetup.penalty(cfg, 1.0, factors, 1.0).regularizer();
      Regularizer uniform = OptimSetup.penalty(cfg, 1.0, null, 1.0).regularizer();
      boolean none = c.pen().regParam == 0;
      assertEquals(none, reg == uniform, c.label() + ": the weighted penalty is another regularizer");
      boolean groupedExpected = c.kind() == OptimizerKind.SGD && !c.averaging() && c.pen().name.equals("l2");
      LazyUpdate probe = LazyUpdate.of(OptimSetup.optimizer(cfg), reg, D, D + TAIL, c.centred() ? new double[D] : null);
      assertEquals(none ? c.lazyExpected() : groupedExpected, probe != null, c.label());
      if (!none && probe != null) {
        compare(cfg, reg, c.label() + "/weighted", 0.05, 0.15, ITERATIONS, c.centred());
        grouped.add(c.label());
      }
      declined += none || groupedExpected ? 0 : 1;
    }
    assertEquals(List.of("SGD/l2", "SGD/l2/centred"), grouped);
    assertEquals(OptimizerKind.values().length * 3 * 4 - 2, declined);
  }

  /**
   * The grouped form over many iterations: stiff groups (a factor that shrinks a weight by more
   * than the rebase bound in one step, rebased every step), groups rebased by their condition and
   * by age; and factors of as many values as weights, which it declines.
   */
  @Test
  void groupedPenaltyFactorsOverLongRunsStillAgree() {
    double[] factors = new double[D];
    for (int j = 0; j < D; j++) {
      factors[j] = switch (j % 5) {
        case 0 -> 0.0; // a constant feature
        case 1 -> 60.0; // stiff: 1 + η·λ·f² from 44 to 174
        case 2 -> 3.0;
        default -> 0.5;
      };
    }
    TrainConfig cfg = TrainConfig.builder().dataPath("x").outputPath("y").regParam(0.6).standardization(false).build();
    Regularizer reg = OptimSetup.penalty(cfg, 1.0, factors, 1.0).regularizer();
    compare(cfg, reg, "sgd/grouped/long", 0.02, 0.08, 9000, true);
    compare(cfg, reg, "sgd/grouped/long/uncentred", 0.02, 0.08, 5000, false);
    // The trainer's case with hashed one-hot features: the penalty's factor is 1/scale, and
    // features of equal frequency share u too (up to the rounding of their means), so the state
    // entries are compact; the factor-0 group mixes two scales and two u's (and is split by them).
    double[] byGroup = new double[D];
    double[] uByGroup = new double[D];
    for (int j = 0; j < D; j++) {
      byGroup[j] = factors[j] == 0 ? (j % 10 == 0 ? 0.0 : 1.0) : 1.0 / factors[j];
      uByGroup[j] = factors[j] == 0 ? (j % 10 == 0 ? 0.0 : 0.4) : 0.3 - factors[j] / 100;
      uByGroup[j] *= 1 + (j % 3) * 0x1p-52; // the means' rounding: the last bits differ
    }
    String compact = compare(cfg, reg, "sgd/grouped/long/compact", 0.02, 0.08, 5000, false, byGroup, null);
    assertTrue(compact.contains("16 bytes") && compact.contains("in 5 groups"), compact);
    compact = compare(cfg, reg, "sgd/grouped/long/compact/centred", 0.02, 0.08, 5000, true, byGroup, uByGroup);
    assertTrue(compact.contains("16 bytes") && compact.contains("in 5 groups"), compact);
    // A u of its own for every weight: the full entries.
    String full = compare(cfg, reg, "sgd/grouped/long/full/centred", 0.02, 0.08, 3000, true, byGroup, null);
    assertTrue(full.contains("32 bytes"), full);
    double[] distinct = new double[D];
    for (int j = 0; j < D; j++) {
      distinct[j] = 1.0 / (1 + j);
    }
    Regularizer many = OptimSetup.penalty(cfg, 1.0, distinct, 1.0).regularizer();
    assertEquals(null, LazyUpdate.of(OptimSetup.optimizer(cfg), many, D, D + TAIL, null),
        "a factor per weight: no grouping");
  }

  @Test
  void lazyAgreesWithDenseForEveryOptimizerAndPenalty() {
    List<String> lazy = new ArrayList<>();
    for (Case c : cases()) {
      TrainConfig cfg = c.config().build();
      Regularizer reg = OptimSetup.penalty(cfg, 1.0, null, 1.0).regularizer();
      LazyUpdate probe = LazyUpdate.of(OptimSetup.optimizer(cfg), reg, D, D + TAIL, c.centred() ? new double[D] : null);
      assertEquals(c.lazyExpected(), probe != null, c.label());
      if (probe != null) {
        compare(cfg, reg, c.label(), 0.05, 0.15, ITERATIONS, c.centred());
        lazy.add(c.label());
      }
    }
    assertEquals(31, lazy.size(), lazy.toString());
  }

  /** A shrinkage factor 1 − η·λ below 0 takes the dense step for that iteration, and still agrees. */
  @Test
  void strongShrinkageFallsBackToTheDenseStep() {
    TrainConfig cfg = TrainConfig.builder().dataPath("x").outputPath("y").regParam(8).elasticNetParam(0.25).build();
    compare(cfg, OptimSetup.penalty(cfg, 1.0, null, 1.0).regularizer(), "sgd/strong", 0.05, 0.3);
    TrainConfig l2 = TrainConfig.builder().dataPath("x").outputPath("y").regParam(8).build();
    compare(l2, OptimSetup.penalty(l2, 1.0, null, 1.0).regularizer(), "sgd/strong/centred", 0.05, 0.3, ITERATIONS, true);
  }

  /** Many iterations with momentum: several rebases on the way. */
  @Test
  void longRunsRebaseAndStillAgree() {
    TrainConfig cfg = TrainConfig.builder().dataPath("x").outputPath("y").optimizer(OptimizerKind.NESTEROV)
        .regParam(0.01).averaging(true).averagingStart(100).build();
    compare(cfg, OptimSetup.penalty(cfg, 1.0, null, 1.0).regularizer(), "nesterov/long", 0.01, 0.02, 3000, true);
  }

  private static void compare(TrainConfig cfg, Regularizer reg, String label, double etaLow, double etaHigh) {
    compare(cfg, reg, label, etaLow, etaHigh, ITERATIONS, false);
  }

  /**
   * With {@code centred}, every weight's loss gradient also has a part along a fixed direction u
   * (some entries 0), times a factor that changes every iteration: the centring of standardized
   * features (u_j = μ_j/σ_j, the factor minus the mean loss derivative).
   */
  private static void compare(TrainConfig cfg, Regularizer reg, String label, double etaLow, double etaHigh,
      int iterations, boolean centred) {
    compare(cfg, reg, label, etaLow, etaHigh, iterations, centred, null, null);
  }

  /**
   * With {@code scaleOrNull}, the scales the trainer reads raw coefficients with are those, and
   * with {@code uOrNull} (when centred) the direction is that; else both random. Returns the lazy
   * form's {@link LazyUpdate#describe}.
   */
  private static String compare(TrainConfig cfg, Regularizer reg, String label, double etaLow, double etaHigh,
      int iterations, boolean centred, double[] scaleOrNull, double[] uOrNull) {
    Random rnd = new Random(label.hashCode());
    double[] u = null;
    if (centred) {
      u = new double[D];
      for (int j = 0; j < D; j++) {
        u[j] = j % 5 == 0 ? 0.0 : rnd.nextGaussian();
      }
      if (uOrNull != null) {
        u = uOrNull.clone();
      }
    }
    Optimizer dense = OptimSetup.optimizer(cfg);
    Optimizer lazyOpt = OptimSetup.optimizer(cfg);
    double[] start = new double[D + TAIL];
    for (int j = 0; j < start.length; j++) {
      start[j] = rnd.nextGaussian();
    }
    double[] w = start.clone();
    double[] v = start.clone();
    // The scales the trainer reads raw coefficients with (a form may keep them beside its state).
    double[] scale = new double[D];
    for (int j = 0; j < D; j++) {
      scale[j] = 0.5 + rnd.nextDouble();
    }
    if (scaleOrNull != null) {
      scale = scaleOrNull.clone();
    }
    int[] all = java.util.stream.IntStream.range(0, D).toArray();
    LazyUpdate lazy = LazyUpdate.of(lazyOpt, reg, D, D + TAIL, u, scale);
    int normsChecked = 0;
    assertNotNull(lazy, label);
    for (int t = 1; t <= iterations; t++) {
      double eta = etaLow + (etaHigh - etaLow) * rnd.nextDouble();
      // A few touched weights (sometimes none), drawn from a skewed distribution: some coordinates
      // are touched often, most rarely.
      Set<Integer> touched = new TreeSet<>();
      int n = rnd.nextInt(6);
      for (int k = 0; k < n; k++) {
        touched.add((int) (D * Math.pow(rnd.nextDouble(), 2)));
      }
      int[] idx = touched.stream().mapToInt(Integer::intValue).toArray();
      double[] g = new double[idx.length];
      double[] full = new double[D + TAIL];
      for (int k = 0; k < idx.length; k++) {
        g[k] = rnd.nextGaussian();
        full[idx[k]] = g[k];
      }
      double[] tail = {rnd.nextGaussian(), rnd.nextGaussian() * 0.1};
      full[D] = tail[0];
      full[D + 1] = tail[1];
      double along = centred ? rnd.nextGaussian() * 0.3 : 0.0;
      if (centred) {
        for (int j = 0; j < D; j++) {
          full[j] += along * u[j];
        }
      }
      double[] before = w.clone();
      double penaltyBefore = reg.value(before, D);
      double[] smooth = full.clone();
      reg.addGradient(before, D, smooth);
      double[] stationary = new double[smooth.length]; // what the trainer's gradient norm is of
      reg.stationarity(before, D, smooth, stationary);
      UpdateStep.apply(dense, reg, D, w, full, eta);
      if (t % 3 == 0 || t == iterations / 2) {
        // The trainer reads a batch's columns before its step (a form may keep what it read for
        // the step); once, a flush comes in between, after which what was read is stale.
        double[] read = new double[idx.length];
        double[] readScales = new double[idx.length];
        lazy.currentScaled(v, idx, idx.length, scale, read, readScales);
        for (int k = 0; k < idx.length; k++) {
          assertEquals(lazy.current(v, idx[k]) * scale[idx[k]], read[k], 0.0, label + " read w[" + idx[k] + "] at " + t);
        }
        if (t == iterations / 2) {
          lazy.flush(v);
        }
      }
      lazy.step(v, idx, g, idx.length, along, tail, eta);
      LazyUpdate.Norms norms = lazy.lastNorms();
      if (norms != null) { // the trainer's stopping rules read these instead of a pass over w
        assertNear(Trainer.distance(before, w), norms.step(), label + " step norm at " + t);
        assertNear(Trainer.norm(w), norms.params(), label + " params norm at " + t);
        assertNear(Trainer.norm(stationary), norms.gradient(), label + " gradient norm at " + t);
        assertNear(penaltyBefore, norms.penaltyBefore(), label + " penalty at " + t);
        normsChecked++;
      }
      if (t % 37 == 0) {
        double dot = 0;
        for (int j = 0; j < D; j++) {
          assertClose(w[j], lazy.current(v, j), label + " w[" + j + "] read at iteration " + t);
          dot += centred ? w[j] * u[j] : 0.0;
        }
        assertEquals(dot, lazy.dotDirection(v), 1e-11 * Math.max(1.0, Math.abs(dot)), label + " w·u at " + t);
        double[] scaled = new double[D];
        double[] scales = new double[D];
        lazy.currentScaled(v, all, D, scale, scaled, scales);
        for (int j = 0; j < D; j++) {
          assertEquals(lazy.current(v, j) * scale[j], scaled[j], 0.0, label + " scaled w[" + j + "] at " + t);
          assertEquals(scale[j], scales[j], 0.0, label + " scale[" + j + "] at " + t);
        }
        for (int j = D; j < D + TAIL; j++) {
          assertClose(w[j], v[j], label + " tail[" + j + "] at iteration " + t);
        }
      }
      if (t == iterations / 2) {
        lazy.flush(v); // a flush midway (a checkpoint) and on
        assertAllClose(w, v, label + " after the midway flush");
      }
    }
    lazy.flush(v);
    assertEquals(lazy.keepsNorms() ? iterations : 0, normsChecked, label + ": norms without a pass exactly when no L1");
    assertAllClose(w, v, label + " params");
    assertAllClose(dense.modelParams(w), lazyOpt.modelParams(v), label + " model");
    Map<String, double[]> ds = dense.state();
    Map<String, double[]> ls = lazyOpt.state();
    assertEquals(ds.keySet(), ls.keySet(), label + " state keys");
    for (String k : ds.keySet()) {
      assertAllClose(ds.get(k), ls.get(k), label + " state " + k);
    }
    assertTrue(Arrays.stream(w).anyMatch(x -> x != 0.0), label + ": all weights 0, a test that cannot fail");    return lazy.describe();
  }

  /** Norms come from running sums of squares: 1e-9 relative. */
  private static void assertNear(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-9 * Math.max(1.0, Math.abs(expected)), what);
  }

  private static void assertAllClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int j = 0; j < expected.length; j++) {
      assertClose(expected[j], actual[j], what + " [" + j + "]");
    }
  }

  private static void assertClose(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-12 * Math.max(1.0, Math.abs(expected)), what);
  }
}

package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** StoppingRules without Spark: order of the rules, the loss window, validation patience. */
class StoppingRulesUnitTest {
  private static final double[] OK = {1, 2};

  private static StoppingRules rules(double minStep, double tol, double gradTol, double lossTol, int patience,
      int interval) {
    return new StoppingRules(minStep, tol, gradTol, lossTol, patience, interval, 0);
  }

  @Test
  void divergenceComesFirst() {
    StoppingRules r = rules(1, 1, 1, 1, 1, 0);
    assertEquals(StopReason.DIVERGED, r.afterStep(Double.NaN, OK, 0, 1, 0));
    r = rules(1, 1, 1, 1, 1, 0);
    assertEquals(StopReason.MIN_STEP_SIZE, r.afterStep(2.0, OK, 0, 1, 0));
    assertEquals(StopReason.DIVERGED, r.afterStep(2.0e6 + 1, OK, 0, 1, 0), "1e6 × the first objective");
    assertEquals(StopReason.DIVERGED, rules(0, 0, 0, 0, 1, 0).afterStep(1, new double[] {1, Double.NaN}, 5, 1, 5));
  }

  @Test
  void stepGradientAndToleranceRules() {
    assertEquals(StopReason.MIN_STEP_SIZE, rules(1e-3, 0, 0, 0, 1, 0).afterStep(1, OK, 9e-4, 1, 1));
    assertEquals(StopReason.TOL, rules(0, 1e-3, 0, 0, 1, 0).afterStep(1, OK, 9e-3, 10, 1));
    assertNull(rules(0, 1e-3, 0, 0, 1, 0).afterStep(1, OK, 9e-3, 5, 1), "tol is relative to max(‖w‖, 1)");
    assertEquals(StopReason.GRAD_TOL, rules(0, 0, 1e-5, 0, 1, 0).afterStep(1, OK, 1, 1, 9e-6));
  }

  @Test
  void lossTolLooksBackPatienceIterations() {
    StoppingRules r = rules(0, 0, 0, 1e-3, 3, 0);
    double[] objectives = {10, 5, 4, 3.999, 3.998, 3.9975, 3.997};
    StopReason last = null;
    int stoppedAt = -1;
    for (int i = 0; i < objectives.length && last == null; i++) {
      last = r.afterStep(objectives[i], OK, 1, 1, 1);
      stoppedAt = i;
    }
    // |4 − 3.9975|/4 = 6.25e-4 < 1e-3 three iterations after the 4; |5 − 3.998|/5 was not.
    assertEquals(StopReason.LOSS_TOL, last);
    assertEquals(5, stoppedAt);
  }

  @Test
  void validationKeepsTheBestAndStopsAfterPatience() {
    StoppingRules r = rules(0, 0, 0, 0, 2, 5);
    assertTrue(r.validationOn());
    assertFalse(r.validationDue(4));
    assertTrue(r.validationDue(5));
    assertNull(r.onValidation(5, 3.0, new double[] {5}));
    assertNull(r.onValidation(10, 2.0, new double[] {10}));
    assertFalse(r.validationDue(10), "already evaluated");
    assertNull(r.onValidation(15, 2.0, new double[] {15}), "equal is no improvement (1 of 2)");
    assertEquals(StopReason.VALIDATION, r.onValidation(20, 2.5, new double[] {20}));
    assertArrayEquals(new double[] {10}, r.bestParams());
    assertEquals(10, r.bestIteration());
    assertFalse(rules(0, 0, 0, 0, 2, 0).validationOn());
  }

  @Test
  void maxTime() {
    StoppingRules r = new StoppingRules(0, 0, 0, 0, 1, 0, 1000);
    assertFalse(r.outOfTime(999));
    assertTrue(r.outOfTime(1000));
    assertFalse(new StoppingRules(0, 0, 0, 0, 1, 0, 0).outOfTime(Long.MAX_VALUE));
  }
}

package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every stopping rule fires on a case built for it and is reported as stopReason. */
class StoppingRulesTest {
  @TempDir
  static Path tmp;
  static TrainHarness h;
  static TestData.Rows rows;
  static double[] exact;

  @BeforeAll
  static void load() throws Exception {
    Path file = tmp.resolve("rules.libsvm");
    rows = TestData.write(file, 31, 400, 4, 0.3, 1.0);
    exact = ClosedFormTest.leastSquares(rows.x(), rows.y(), true);
    h = new TrainHarness(file, 2, b -> b.minStepSize(0).tol(0).stepSize(0.5));
  }

  @AfterAll
  static void release() {
    h.close();
  }

  private static List<IterationRecord> hist(TrainResult r) {
    return r.history();
  }

  @Test
  void maxIter() {
    TrainResult r = h.train(b -> b.maxIter(3));
    assertEquals(StopReason.MAX_ITER, r.stopReason());
    assertEquals(3, r.iterations());
  }

  @Test
  void minStepSize() {
    TrainResult r = h.train(b -> b.minStepSize(1e-3).maxIter(500));
    assertEquals(StopReason.MIN_STEP_SIZE, r.stopReason());
    List<IterationRecord> hs = hist(r);
    assertTrue(hs.get(hs.size() - 1).stepNorm() < 1e-3);
    assertTrue(hs.get(hs.size() - 2).stepNorm() >= 1e-3);
  }

  @Test
  void tol() {
    TrainResult r = h.train(b -> b.tol(1e-4).maxIter(500));
    assertEquals(StopReason.TOL, r.stopReason());
    IterationRecord last = hist(r).get(r.iterations() - 1);
    assertTrue(last.stepNorm() < 1e-4 * Math.max(Trainer.norm(r.params()), 1));
  }

  @Test
  void gradTol() {
    TrainResult r = h.train(b -> b.gradTol(1e-5).maxIter(500));
    assertEquals(StopReason.GRAD_TOL, r.stopReason());
    List<IterationRecord> hs = hist(r);
    assertTrue(hs.get(hs.size() - 1).gradNorm() < 1e-5);
    assertTrue(hs.get(hs.size() - 2).gradNorm() >= 1e-5);
  }

  /** The loss changed by less than 1e-6 (relative) over the last 3 iterations, and not before. */
  @Test
  void lossTol() {
    TrainResult r = h.train(b -> b.lossTol(1e-6).patience(3).maxIter(500));
    assertEquals(StopReason.LOSS_TOL, r.stopReason());
    List<IterationRecord> hs = hist(r);
    int n = hs.size();
    assertTrue(relChange(hs.get(n - 4).objective(), hs.get(n - 1).objective()) < 1e-6);
    assertTrue(relChange(hs.get(n - 5).objective(), hs.get(n - 2).objective()) >= 1e-6);
  }

  private static double relChange(double old, double now) {
    return Math.abs(old - now) / Math.abs(old);
  }

  /**
   * --max-time stops cleanly with the model of the last iteration: the same weights as a run told
   * to stop after that many iterations.
   */
  @Test
  void maxTime() {
    TrainResult r = h.train(b -> b.maxTime("300ms").maxIter(100000).stepSize(0.01));
    assertEquals(StopReason.MAX_TIME, r.stopReason());
    assertTrue(r.iterations() < 100000 && r.iterations() >= 1);
    assertTrue(r.millis() >= 300, "ran " + r.millis() + " ms");
    TrainResult same = h.train(b -> b.maxIter(r.iterations()).stepSize(0.01));
    assertArrayEquals(same.coefficients(), r.coefficients(), 0.0);
    assertEquals(same.intercept(), r.intercept(), 0.0);
  }

  /** Bold driver: from a step 100× too large (50 vs a good 0.5), it rejects, halves and converges. */
  @Test
  void adaptiveScheduleRecoversFromAStepSizeHundredTimesTooLarge() {
    TrainResult constant = h.train(b -> b.stepSize(50).lrSchedule(LrSchedule.CONSTANT).maxIter(200));
    assertEquals(StopReason.DIVERGED, constant.stopReason());
    TrainResult r = h.train(b -> b.stepSize(50).lrSchedule(LrSchedule.ADAPTIVE).gradTol(1e-7).maxIter(500));
    assertEquals(StopReason.GRAD_TOL, r.stopReason());
    assertTrue(TrainHarness.relativeError(r, exact) < 1e-4, "relative error " + TrainHarness.relativeError(r, exact));
    List<IterationRecord> hs = hist(r);
    long rises = 0;
    for (int i = 1; i < hs.size(); i++) {
      if (hs.get(i).stepSize() < hs.get(i - 1).stepSize()) {
        rises++;
      }
    }
    assertTrue(rises >= 5, "the rate was halved " + rises + " times");
    assertTrue(hs.get(hs.size() - 1).stepSize() < 2.0, "ended at η " + hs.get(hs.size() - 1).stepSize());
  }

  @Test
  void divergenceGivesExitCodeFourAndNamesTheIteration() throws Exception {
    Path data = tmp.resolve("div.libsvm");
    TestData.write(data, 2, 200, 3, 0.1, 0.0);
    Path out = tmp.resolve("div-model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--step-size", "50", "--standardization", "false", "--optimizer", "momentum", "--max-iter", "200");
    assertEquals(4, run.exitCode(), run.out());
    String err = run.err().trim();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.matches("spark-sgd: error: training diverged at iteration \\d+ .*"), err);
    assertTrue(err.contains("--step-size") && err.contains("--lr-schedule adaptive"), err);
    assertFalse(Files.exists(out));
  }

  /**
   * Validation early stopping on data made to overfit (30 training rows, 20 features of which 18
   * are noise): the holdout loss falls, then rises; training stops after `patience` evaluations
   * without improvement and keeps the best weights — bit-identical to a run stopped at the best
   * iteration, and better on the holdout than the last iterate.
   */
  @Test
  void validationStopsAndKeepsTheBestWeights() throws Exception {
    Path file = tmp.resolve("overfit.libsvm");
    Random rnd = new Random(11);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      StringBuilder sb = new StringBuilder();
      double[] x = new double[20];
      for (int j = 0; j < 20; j++) {
        x[j] = rnd.nextGaussian();
      }
      sb.append(String.format(Locale.ROOT, "%.6f", x[0] - x[1] + 1.5 * rnd.nextGaussian()));
      for (int j = 0; j < 20; j++) {
        sb.append(String.format(Locale.ROOT, " %d:%.6f", j + 1, x[j]));
      }
      lines.add(sb.toString());
    }
    Files.write(file, lines);
    try (TrainHarness v = new TrainHarness(file, 2, b -> b.validationFraction(0.5).minStepSize(0).tol(0)
        .stepSize(0.05).validationInterval(2).patience(3))) {
      assertTrue(v.data.holdoutRows > 10 && v.data.trainRows > 10);
      TrainResult r = v.train(b -> b.maxIter(2000));
      assertEquals(StopReason.VALIDATION, r.stopReason());
      int best = r.iterations() - 3 * 2;
      TrainResult atBest = v.train(b -> b.maxIter(best).validationInterval(0));
      assertArrayEquals(atBest.coefficients(), r.coefficients(), 0.0);
      assertEquals(atBest.intercept(), r.intercept(), 0.0);
      TrainResult last = v.train(b -> b.maxIter(r.iterations()).validationInterval(0));
      double bestLoss = holdoutLoss(v, r);
      double lastLoss = holdoutLoss(v, last);
      assertTrue(bestLoss < lastLoss, bestLoss + " vs " + lastLoss);

      // --max-time with validation on publishes the best weights so far: the same as a run told to
      // stop at that iteration, and no worse on the holdout than that iteration's own weights.
      TrainResult timed = v.train(b -> b.maxIter(1000000).maxTime("1s").patience(1000000));
      assertEquals(StopReason.MAX_TIME, timed.stopReason());
      TrainResult untimed = v.train(b -> b.maxIter(timed.iterations()).patience(1000000));
      assertArrayEquals(untimed.coefficients(), timed.coefficients(), 0.0);
      TrainResult lastTimed = v.train(b -> b.maxIter(timed.iterations()).validationInterval(0));
      double timedLoss = holdoutLoss(v, timed);
      double lastTimedLoss = holdoutLoss(v, lastTimed);
      assertTrue(timedLoss <= lastTimedLoss, timedLoss + " vs " + lastTimedLoss);
    }
  }

  /** The squared loss on the holdout rows of {@code r}'s model (one Spark job). */
  private static double holdoutLoss(TrainHarness v, TrainResult r) {
    return HoldoutLoss.of(Partitions.sparkJobs(v.sc, v.data), v.data.numFeatures, raw(r),
        dev.sparksgd.loss.SquaredLoss.INSTANCE, 0);
  }

  private static double[] raw(TrainResult r) {
    double[] raw = java.util.Arrays.copyOf(r.coefficients(), r.coefficients().length + 1);
    raw[raw.length - 1] = r.intercept();
    return raw;
  }
}

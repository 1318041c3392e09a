package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.config.OptimizerKind;
import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every optimizer with a constant rate and with its sensible schedule reaches the least-squares
 * solution (normal equations, computed here) within 1e-4 relative on full batches; and with
 * mini-batch fraction 0.1 plus averaging, a loss within 1% of the optimal loss. 500 rows × 5
 * features in 2 partitions, standardized, loaded once and trained by the real Trainer.
 */
class OptimizerConvergenceTest {
  @TempDir
  static Path tmp;
  static TrainHarness h;
  static TestData.Rows rows;
  static double[] exact;
  static double optimalLoss;

  @BeforeAll
  static void load() throws Exception {
    Path file = tmp.resolve("conv.libsvm");
    rows = TestData.write(file, 21, 500, 5, 0.3, 1.5);
    exact = ClosedFormTest.leastSquares(rows.x(), rows.y(), true);
    optimalLoss = TrainHarness.meanLoss(rows.x(), rows.y(), java.util.Arrays.copyOf(exact, 5), exact[5]);
    h = new TrainHarness(file, 2, b -> b.minStepSize(0).tol(0));
  }

  @AfterAll
  static void release() {
    h.close();
  }

  private record Case(OptimizerKind opt, LrSchedule schedule, double eta, double decay, double hyper,
      int maxIter) {
  }

  @Test
  void everyOptimizerWithAConstantRateAndWithItsScheduleReachesTheClosedForm() {
    // hyper: momentum's μ, or Adam's β₁ (NaN = the default).
    List<Case> cases = List.of(
        new Case(OptimizerKind.SGD, LrSchedule.CONSTANT, 0.5, 0, Double.NaN, 300),
        new Case(OptimizerKind.SGD, LrSchedule.INVERSE_TIME, 1.0, 0.01, Double.NaN, 300),
        new Case(OptimizerKind.MOMENTUM, LrSchedule.CONSTANT, 1.0, 0, 0.5, 300),
        new Case(OptimizerKind.MOMENTUM, LrSchedule.EXPONENTIAL, 1.0, 0.99, 0.5, 300),
        new Case(OptimizerKind.NESTEROV, LrSchedule.CONSTANT, 0.5, 0, Double.NaN, 300),
        new Case(OptimizerKind.NESTEROV, LrSchedule.INVERSE_TIME, 1.0, 0.01, Double.NaN, 300),
        new Case(OptimizerKind.ADAGRAD, LrSchedule.CONSTANT, 1.0, 0, Double.NaN, 300),
        new Case(OptimizerKind.ADAGRAD, LrSchedule.STEP, 1.0, 0.9, Double.NaN, 300),
        new Case(OptimizerKind.RMSPROP, LrSchedule.CONSTANT, 0.3, 0, Double.NaN, 300),
        new Case(OptimizerKind.RMSPROP, LrSchedule.EXPONENTIAL, 0.3, 0.99, Double.NaN, 300),
        new Case(OptimizerKind.ADAM, LrSchedule.CONSTANT, 0.3, 0, Double.NaN, 500),
        new Case(OptimizerKind.ADAM, LrSchedule.EXPONENTIAL, 0.3, 0.99, 0.5, 500));
    List<String> report = new ArrayList<>();
    for (Case c : cases) {
      TrainResult r = h.train(b -> {
        b.optimizer(c.opt).lrSchedule(c.schedule).stepSize(c.eta).decay(c.decay == 0 ? 0.99 : c.decay)
            .decaySteps(10).maxIter(c.maxIter).gradTol(1e-7);
        if (!Double.isNaN(c.hyper)) {
          b.momentum(c.hyper).beta1(c.hyper);
        }
        return b;
      });
      double rel = TrainHarness.relativeError(r, exact);
      report.add(c.opt.cliName() + "/" + c.schedule.cliName() + ": " + r.iterations() + " iterations, "
          + r.stopReason().label() + ", relative error " + rel);
      assertTrue(rel < 1e-4, String.join("\n", report));
    }
    System.out.println(String.join("\n", report));
  }

  /**
   * Barzilai–Borwein steps reach the closed form too, from a first step far too small and from one
   * near the stability limit, in fewer iterations than the best constant rate found for this data.
   */
  @Test
  void barzilaiBorweinReachesTheClosedFormInFewerIterations() {
    TrainResult constant = h.train(b -> b.stepSize(0.5).lrSchedule(LrSchedule.CONSTANT).maxIter(300).gradTol(1e-7));
    List<String> report = new ArrayList<>();
    report.add("sgd/constant 0.5: " + constant.iterations() + " iterations, relative error "
        + TrainHarness.relativeError(constant, exact));
    for (double eta0 : new double[] {0.001, 0.5, 1.5}) {
      TrainResult r = h.train(b -> b.lrSchedule(LrSchedule.BB).stepSize(eta0).maxIter(300).gradTol(1e-7));
      double rel = TrainHarness.relativeError(r, exact);
      report.add("sgd/bb from " + eta0 + ": " + r.iterations() + " iterations, " + r.stopReason().label()
          + ", relative error " + rel);
      assertEquals(StopReason.GRAD_TOL, r.stopReason(), String.join("\n", report));
      assertTrue(rel < 1e-4, String.join("\n", report));
      assertTrue(r.iterations() < constant.iterations(), String.join("\n", report));
      // The rate moved away from η₀ after the first step.
      assertEquals(eta0, r.history().get(0).stepSize(), String.join("\n", report));
      assertTrue(r.history().get(1).stepSize() != eta0, String.join("\n", report));
    }
    System.out.println(String.join("\n", report));
  }

  @Test
  void miniBatchesWithAveragingReachTheOptimalLossWithinOnePercent() {
    List<String> report = new ArrayList<>();
    for (OptimizerKind opt : OptimizerKind.values()) {
      double eta = switch (opt) {
        case SGD -> 0.5;
        case MOMENTUM, NESTEROV -> 0.1;
        case ADAGRAD -> 1.0;
        case RMSPROP -> 0.1;
        case ADAM -> 0.3;
      };
      TrainResult r = h.train(b -> b.optimizer(opt).stepSize(eta).miniBatchFraction(0.1)
          .averaging(true).averagingStart(60).maxIter(120));
      double l = TrainHarness.meanLoss(rows.x(), rows.y(), r.coefficients(), r.intercept());
      double excess = (l - optimalLoss) / optimalLoss;
      report.add(opt.cliName() + ": loss " + l + " vs optimal " + optimalLoss + ", excess " + excess);
      assertEquals(StopReason.MAX_ITER, r.stopReason(), String.join("\n", report));
      assertTrue(excess >= -1e-12 && excess < 1e-2, String.join("\n", report));
    }
    System.out.println(String.join("\n", report));
  }
}

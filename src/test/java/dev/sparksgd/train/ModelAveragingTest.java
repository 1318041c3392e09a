package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.config.UpdateMode;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --update-mode model-averaging reaches the accuracy gradient mode reaches, in fewer Spark jobs.
 * Accuracy: the training loss within 1% of the optimum (computed here from the normal equations).
 * With fraction 1 both modes report, at iteration t, the loss over all training rows at the
 * parameters iteration t started from, so the first iteration whose loss is on target shows how
 * many jobs it took to get there; a SparkListener counts every job the run started until then.
 */
class ModelAveragingTest {
  @TempDir
  static Path tmp;
  static TrainHarness h;
  static TestData.Rows rows;
  static double optimalLoss;
  static final AtomicInteger JOBS = new AtomicInteger();

  @BeforeAll
  static void load() throws Exception {
    Path file = tmp.resolve("ma.libsvm");
    rows = TestData.write(file, 8, 2000, 8, 0.5, 2.0);
    double[] exact = ClosedFormTest.leastSquares(rows.x(), rows.y(), true);
    optimalLoss = TrainHarness.meanLoss(rows.x(), rows.y(), Arrays.copyOf(exact, 8), exact[8]);
    // A Spark job per iteration in gradient mode: no gang of long-running tasks.
    h = new TrainHarness(file, 2, Map.of(Partitions.CONF_GANG, "false"), b -> b.minStepSize(0).tol(0).maxIter(200));
    h.sc.sc().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        JOBS.incrementAndGet();
      }
    });
  }

  @AfterAll
  static void release() {
    h.close();
    SparkTestSession.get();
  }

  /** Jobs started until the first iteration whose loss was within 1% of the optimum; -1 if never. */
  private static int jobsToTarget(UnaryOperator<dev.sparksgd.config.TrainConfig.Builder> options) {
    double target = optimalLoss * 1.01;
    int[] at = {-1};
    int start = JOBS.get();
    TrainResult r = new Trainer(options.apply(hBase()).build(), dev.sparksgd.loss.SquaredLoss.INSTANCE)
        .train(h.sc, h.data, (rec, max) -> {
          if (at[0] < 0 && rec.loss() <= target) {
            at[0] = JOBS.get() - start;
          }
        });
    double finalLoss = TrainHarness.meanLoss(rows.x(), rows.y(), r.coefficients(), r.intercept());
    assertTrue(finalLoss <= target, "final loss " + finalLoss + " vs target " + target);
    return at[0];
  }

  private static dev.sparksgd.config.TrainConfig.Builder hBase() {
    // A Spark job per iteration (--prefetch-mb 0): on the driver's threads no iteration takes one.
    return dev.sparksgd.config.TrainConfig.builder().dataPath("unused").outputPath("unused")
        .numPartitions(2).minStepSize(0).tol(0).maxIter(30).prefetchMb(0);
  }

  @Test
  void reachesTheSameAccuracyInFewerJobs() {
    // Gradient mode at its best constant rate (≈ 1/L on standardized data) and at the rate
    // --step-size auto picks.
    int gradient = jobsToTarget(b -> b.stepSize(0.5).lrSchedule(LrSchedule.CONSTANT));
    int gradientAuto = jobsToTarget(b -> b.stepSize("auto").lrSchedule(LrSchedule.CONSTANT));
    // One pass of per-example SGD per task and iteration, a rate that decays between iterations.
    int averaging = jobsToTarget(b -> b.updateMode(UpdateMode.MODEL_AVERAGING).stepSize(0.02)
        .lrSchedule(LrSchedule.INVERSE_TIME).decay(1.0));
    String msg = "jobs to within 1% of the optimal loss: gradient " + gradient + ", gradient with auto "
        + gradientAuto + ", model-averaging " + averaging;
    System.out.println(msg);
    assertTrue(gradient > 0 && gradientAuto > 0 && averaging > 0, msg);
    assertTrue(averaging < gradient && averaging < gradientAuto, msg);
  }

  /**
   * Model averaging is deterministic, and composes with an L1 penalty (applied in every per-example
   * step, it shrinks the weights) and with Polyak averaging of the averaged iterates.
   */
  @Test
  void deterministicAndComposable() {
    UnaryOperator<dev.sparksgd.config.TrainConfig.Builder> o = b -> b.updateMode(UpdateMode.MODEL_AVERAGING)
        .stepSize(0.01).localSteps(300).miniBatchFraction(0.5).maxIter(5);
    TrainResult a = h.train(o);
    TrainResult b = h.train(o);
    assertEquals(5, a.iterations());
    assertTrue(Arrays.equals(a.coefficients(), b.coefficients()) && a.intercept() == b.intercept());
    TrainResult l1 = h.train(bb -> o.apply(bb).averaging(true).regParam(0.5).elasticNetParam(1.0));
    double plain = Arrays.stream(a.coefficients()).map(Math::abs).sum();
    double shrunk = Arrays.stream(l1.coefficients()).map(Math::abs).sum();
    assertTrue(shrunk < 0.9 * plain, shrunk + " vs " + plain);
  }
}

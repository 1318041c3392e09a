package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.config.OptimizerKind;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ridge, elastic net and lasso against spark.ml's LinearRegression with the same regParam and
 * elasticNetParam and standardization off (normal solver for ridge, "auto" — normal equations with
 * OWL-QN — for the L1 cases, tolerances tight on both sides); and L1 makes the weights of
 * irrelevant features exactly 0. Data: 600 rows, y = 2x₁ − 1.5x₂ + x₃ + 4 + noise, x₄…x₆ unused;
 * the label's spread (≈ 2.7) is far from 1, so getting spark.ml's label scaling wrong shows.
 */
class RegularizationTest {
  @TempDir
  static Path tmp;
  static Path file;
  static TrainHarness h;

  @BeforeAll
  static void write() throws Exception {
    file = tmp.resolve("sparse-truth.libsvm");
    Random r = new Random(5);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      double[] x = new double[6];
      for (int j = 0; j < 6; j++) {
        x[j] = 1.5 * r.nextGaussian() + (j == 1 ? 1.0 : 0.0);
      }
      double y = 2 * x[0] - 1.5 * x[1] + x[2] + 4 + 0.5 * r.nextGaussian();
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.6f", y));
      for (int j = 0; j < 6; j++) {
        sb.append(String.format(Locale.ROOT, " %d:%.6f", j + 1, x[j]));
      }
      lines.add(sb.toString());
    }
    Files.write(file, lines);
    h = new TrainHarness(file, 2, b -> b.standardization(false).minStepSize(0).tol(0));
  }

  @AfterAll
  static void release() {
    h.close();
  }

  private static LinearRegressionModel sparkMl(String solver, double reg, double alpha) {
    Dataset<Row> df = SparkTestSession.get().read().format("libsvm").option("numFeatures", "6")
        .load(file.toString());
    return new LinearRegression().setSolver(solver).setRegParam(reg).setElasticNetParam(alpha)
        .setStandardization(false).setTol(1e-14).setMaxIter(10000).fit(df);
  }

  private static TrainResult ours(double reg, double alpha) {
    return h.train(b -> b.regParam(reg).elasticNetParam(alpha).optimizer(OptimizerKind.NESTEROV)
        .stepSize(0.2).maxIter(3000).gradTol(1e-9));
  }

  private static void assertClose(LinearRegressionModel theirs, TrainResult ours, String what) {
    double[] t = Arrays.copyOf(theirs.coefficients().toArray(), 7);
    t[6] = theirs.intercept();
    double[] o = Arrays.copyOf(ours.coefficients(), 7);
    o[6] = ours.intercept();
    double err = 0;
    double ref = 0;
    for (int j = 0; j < 7; j++) {
      err += (o[j] - t[j]) * (o[j] - t[j]);
      ref += t[j] * t[j];
    }
    String msg = what + ": ours " + Arrays.toString(o) + " (" + ours.iterations() + " iterations, "
        + ours.stopReason().label() + ")\n spark.ml " + Arrays.toString(t);
    System.out.println(msg);
    assertEquals(StopReason.GRAD_TOL, ours.stopReason(), msg);
    assertTrue(Math.sqrt(err / ref) < 1e-4, msg + "\n relative " + Math.sqrt(err / ref));
    for (int j = 0; j < 7; j++) {
      assertEquals(t[j], o[j], 1e-4 * Math.max(Math.abs(t[j]), 1e-2), msg + "\n entry " + j);
    }
  }

  @Test
  void ridgeMatchesSparkMlNormalSolver() {
    assertClose(sparkMl("normal", 0.3, 0.0), ours(0.3, 0.0), "ridge λ=0.3");
  }

  @Test
  void elasticNetMatchesSparkMl() {
    assertClose(sparkMl("auto", 0.2, 0.5), ours(0.2, 0.5), "elastic net λ=0.2 α=0.5");
  }

  @Test
  void lassoMatchesSparkMlAndZeroesTheIrrelevantFeatures() {
    TrainResult lasso = ours(0.1, 1.0);
    assertClose(sparkMl("auto", 0.1, 1.0), lasso, "lasso λ=0.1");
    for (int j = 3; j < 6; j++) {
      assertEquals(0.0, lasso.coefficients()[j], 0.0, "irrelevant feature " + (j + 1));
    }
    for (int j = 0; j < 3; j++) {
      assertTrue(lasso.coefficients()[j] != 0.0, "relevant feature " + (j + 1));
    }
  }

  /**
   * Barzilai–Borwein steps with the penalty: the smooth part (loss + L2) sets the step, the L1 part
   * stays a proximal step (SpaRSA). Elastic net and lasso reach spark.ml's answer and its zeros.
   */
  @Test
  void barzilaiBorweinStepsWithPenaltiesMatchSparkMl() {
    TrainResult en = h.train(b -> b.regParam(0.2).elasticNetParam(0.5).lrSchedule(LrSchedule.BB)
        .stepSize(0.2).maxIter(3000).gradTol(1e-9));
    assertClose(sparkMl("auto", 0.2, 0.5), en, "bb, elastic net λ=0.2 α=0.5");
    TrainResult lasso = h.train(b -> b.regParam(0.1).elasticNetParam(1.0).lrSchedule(LrSchedule.BB)
        .stepSize(0.2).maxIter(3000).gradTol(1e-9));
    assertClose(sparkMl("auto", 0.1, 1.0), lasso, "bb, lasso λ=0.1");
    for (int j = 3; j < 6; j++) {
      assertEquals(0.0, lasso.coefficients()[j], 0.0, "irrelevant feature " + (j + 1));
    }
  }

  /** Through the CLI, standardized and with Adam: the zeros come out exactly in model.json too. */
  @Test
  void l1ZerosReachModelJson() throws Exception {
    Path out = tmp.resolve("lasso-model");
    TestData.Run run = TestData.cli("train", "--data", file.toString(), "--output", out.toString(),
        "--reg-param", "0.2", "--elastic-net-param", "1", "--optimizer", "adam", "--step-size", "0.1",
        "--max-iter", "400", "--num-partitions", "2");
    assertEquals(0, run.exitCode(), run.err());
    double[] w = TestData.weights(out);
    for (int j = 3; j < 6; j++) {
      assertEquals(0.0, w[j], 0.0, "irrelevant feature " + (j + 1) + " in " + Arrays.toString(w));
    }
    assertTrue(w[0] > 1 && w[1] < -1 && w[2] > 0.5, Arrays.toString(w));
  }
}

package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.LossType;
import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.loss.LogisticLoss;
import dev.sparksgd.testing.DefaultLineOnly;
import dev.sparksgd.testing.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mini-batches at the defaults (no step option) on hashed-like sparse data: 20,000 rows over 2^16
 * binary features, 10 per row drawn with frequencies ∝ rank^-1.1 (most features occur in a few
 * rows), labels from a planted logistic model. The run stops by a step-size rule, not max-iter, and
 * its objective is within the documented gap of spark.ml's optimum of the same objective.
 * The schedule and the stopping rules are our own Java, the same on both Spark lines.
 */
@DefaultLineOnly
class SparseMiniBatchDefaultsTest {
  private static final int N = 20_000;
  private static final int D = 1 << 16;
  private static final int NNZ = 10;
  private static final double REG = 1e-3;
  /** The documented gap (docs/algorithms.md): relative excess of the objective over the optimum. */
  private static final double GAP = 0.005;

  @TempDir
  Path tmp;

  @Test
  void miniBatchDefaultsStopByARuleNearTheOptimum() throws Exception {
    Random r = new Random(5);
    double[] cdf = new double[D];
    double total = 0;
    for (int j = 0; j < D; j++) {
      total += Math.pow(j + 1, -1.1);
      cdf[j] = total;
    }
    double[] planted = new double[D];
    for (int j = 0; j < D; j++) {
      planted[j] = r.nextGaussian();
    }
    int[][] rows = new int[N][];
    double[] labels = new double[N];
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < N; i++) {
      TreeSet<Integer> idx = new TreeSet<>();
      while (idx.size() < NNZ) {
        int j = java.util.Arrays.binarySearch(cdf, r.nextDouble() * total);
        idx.add(Math.min(D - 1, j < 0 ? -j - 1 : j));
      }
      rows[i] = idx.stream().mapToInt(Integer::intValue).toArray();
      double z = -1.0;
      for (int j : rows[i]) {
        z += 0.5 * planted[j];
      }
      labels[i] = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      sb.append(labels[i] == 1 ? "1" : "0");
      for (int j : rows[i]) {
        sb.append(' ').append(j + 1).append(":1");
      }
      sb.append('\n');
    }
    Path file = tmp.resolve("sparse.libsvm");
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);

    TrainConfig cfg = TrainConfig.builder().dataPath(file.toString()).outputPath("unused").numFeatures(D)
        .numPartitions(2).loss(LossType.LOGISTIC).regParam(REG).standardization(false)
        .miniBatchFraction(0.1).build();
    assertEquals(LrSchedule.PLATEAU, cfg.lrSchedule);
    Dataset data = DataLoader.load(SparkTestSession.jsc(), cfg);
    TrainResult ours;
    try {
      ours = new Trainer(cfg, LogisticLoss.INSTANCE).train(SparkTestSession.jsc(), data, TrainingListener.NONE);
    } finally {
      data.release();
    }

    org.apache.spark.sql.Dataset<Row> df = SparkTestSession.get().read().format("libsvm")
        .option("numFeatures", String.valueOf(D)).load(file.toString());
    LogisticRegressionModel theirs = new LogisticRegression().setRegParam(REG).setStandardization(false)
        .setTol(1e-10).setMaxIter(500).fit(df);
    double optimum = objective(rows, labels, theirs.coefficients().toArray(), theirs.intercept());
    double reached = objective(rows, labels, ours.coefficients(), ours.intercept());
    System.out.printf(Locale.ROOT, "sparse mini-batch defaults: %d iterations (%s), objective %.6f, "
        + "optimum %.6f (gap %.2e)%n", ours.iterations(), ours.stopReason().label(), reached, optimum,
        (reached - optimum) / optimum);
    assertEquals(StopReason.MIN_STEP_SIZE, ours.stopReason(), "a step-size rule, not max-iter ("
        + ours.iterations() + " iterations)");
    assertTrue(reached >= optimum - 1e-9, "spark.ml's optimum is the minimum: " + reached + " < " + optimum);
    assertTrue(reached - optimum <= GAP * optimum, "objective " + reached + " against the optimum " + optimum);
  }

  /** Mean log loss plus (λ/2)·Σβ², spark.ml's objective without standardization. */
  private static double objective(int[][] rows, double[] labels, double[] beta, double intercept) {
    double loss = 0;
    for (int i = 0; i < rows.length; i++) {
      double z = intercept;
      for (int j : rows[i]) {
        z += beta[j];
      }
      double m = labels[i] == 1 ? z : -z;
      loss += m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
    }
    double penalty = 0;
    for (double b : beta) {
      penalty += b * b;
    }
    return loss / rows.length + 0.5 * REG * penalty;
  }
}

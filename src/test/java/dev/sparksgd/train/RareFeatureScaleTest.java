package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.Generator;
import dev.sparksgd.data.ParsedRecord;
import dev.sparksgd.loss.SquaredLoss;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale of a rare feature: s_j = max(σ_j, max_i |x_ij − μ_j| / 30). Checked against an
 * independent answer (the scale computed here from the rows, spark.ml's ridge on the features
 * divided by that scale, its RMSE), through model.json and {@code evaluate}; and the mini-batch
 * run that the plain σ_j made diverge (the default step on hashed data) now goes down.
 */
class RareFeatureScaleTest {
  private static final int N = 3000;
  private static final int D = 8;

  @TempDir
  static Path tmp;
  static Path file;
  static double[][] x;
  static double[] y;

  /** Features 0–2 dense Gaussian, 3–7 each in 1 or 2 rows of 3000 (39 σ or more from the mean there). */
  @BeforeAll
  static void write() throws Exception {
    Random r = new Random(17);
    x = new double[N][D];
    y = new double[N];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < 3; j++) {
        x[i][j] = 1.5 * r.nextGaussian() + j;
      }
    }
    for (int j = 3; j < D; j++) {
      int held = 1 + (j - 3) % 2;
      for (int k = 0; k < held; k++) {
        x[r.nextInt(N)][j] = 1 + r.nextGaussian();
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < N; i++) {
      y[i] = 2 * x[i][0] - x[i][1] + 0.5 * x[i][2] + 3 * x[i][3] - 2 * x[i][5] + x[i][7] + 1
          + 0.3 * r.nextGaussian();
      sb.append(String.format(Locale.ROOT, "%.6f", y[i]));
      for (int j = 0; j < D; j++) {
        if (x[i][j] != 0) {
          sb.append(String.format(Locale.ROOT, " %d:%.6f", j + 1, x[i][j]));
          x[i][j] = Double.parseDouble(String.format(Locale.ROOT, "%.6f", x[i][j]));
        }
      }
      sb.append('\n');
      y[i] = Double.parseDouble(String.format(Locale.ROOT, "%.6f", y[i]));
    }
    file = tmp.resolve("rare.libsvm");
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** σ_j (unbiased) and the largest deviation from the mean, by the textbook formulas. */
  private static double[][] naiveStdAndDeviation() {
    double[] std = new double[D];
    double[] dev = new double[D];
    for (int j = 0; j < D; j++) {
      double mean = 0;
      for (int i = 0; i < N; i++) {
        mean += x[i][j] / N;
      }
      double ss = 0;
      for (int i = 0; i < N; i++) {
        ss += (x[i][j] - mean) * (x[i][j] - mean);
        dev[j] = Math.max(dev[j], Math.abs(x[i][j] - mean));
      }
      std[j] = Math.sqrt(ss / (N - 1));
    }
    return new double[][] {std, dev};
  }

  @Test
  void ridgeWithRareFeaturesMatchesSparkMlOnTheSameScaleThroughModelJsonAndEvaluate() throws Exception {
    double[][] sd = naiveStdAndDeviation();
    double[] scale = new double[D];
    int floored = 0;
    for (int j = 0; j < D; j++) {
      scale[j] = Math.max(sd[0][j], sd[1][j] / 30);
      floored += scale[j] > sd[0][j] ? 1 : 0;
    }
    assertEquals(5, floored, "the rare features, and only they, have their scale floored: "
        + Arrays.toString(sd[0]) + " " + Arrays.toString(sd[1]));

    Path out = tmp.resolve("ridge-model");
    double reg = 0.3;
    TestData.Run run = TestData.cli("train", "--data", file.toString(), "--output", out.toString(),
        "--reg-param", String.valueOf(reg), "--lr-schedule", "bb",
        "--max-iter", "5000", "--grad-tol", "1e-10", "--tol", "0", "--min-step-size", "0",
        "--num-partitions", "2");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode model = TestData.json(out.resolve("model.json"));
    assertEquals("grad-tol", model.get("stopReason").asText());
    JsonNode recorded = model.get("featureStatistics").get("scale");
    assertEquals(D, recorded.size());
    for (int j = 0; j < D; j++) {
      assertEquals(scale[j], recorded.get(j).asDouble(), 1e-12 * scale[j], "recorded scale " + j);
    }

    // spark.ml, standardization off, on z_j = x_j/p_j: its penalty ½(λ/δ)‖v‖² is ours,
    // ½(λ/δ) Σ (β_j p_j)², with v_j = β_j p_j; the intercept (unpenalized) absorbs the centring.
    // For squared loss the standardized weights are spark.ml's normal solver's, which divides by the
    // population deviation: p_j = s_j·√((n−1)/n). δ (the label's deviation) is the same on both sides.
    double[] penaltyScale = new double[D];
    for (int j = 0; j < D; j++) {
      penaltyScale[j] = scale[j] * Math.sqrt((N - 1.0) / N);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < N; i++) {
      sb.append(y[i]);
      for (int j = 0; j < D; j++) {
        if (x[i][j] != 0) {
          sb.append(' ').append(j + 1).append(':').append(x[i][j] / penaltyScale[j]);
        }
      }
      sb.append('\n');
    }
    Path scaled = tmp.resolve("scaled.libsvm");
    Files.writeString(scaled, sb.toString(), StandardCharsets.UTF_8);
    org.apache.spark.sql.Dataset<Row> df = SparkTestSession.get().read().format("libsvm")
        .option("numFeatures", String.valueOf(D)).load(scaled.toString());
    LinearRegressionModel theirs = new LinearRegression().setSolver("normal").setRegParam(reg)
        .setStandardization(false).setTol(1e-14).setMaxIter(10000).fit(df);
    double[] v = theirs.coefficients().toArray();
    double[] w = TestData.weights(out);
    String msg = "ours " + Arrays.toString(w) + " b=" + TestData.intercept(out) + "\n spark.ml "
        + Arrays.toString(v) + " (to be divided by p_j) b=" + theirs.intercept();
    for (int j = 0; j < D; j++) {
      double expected = v[j] / penaltyScale[j];
      assertEquals(expected, w[j], 1e-6 * Math.max(1, Math.abs(expected)), msg + "\n weight " + j);
    }
    assertEquals(theirs.intercept(), TestData.intercept(out), 1e-6, msg);

    TestData.Run eval = TestData.cli("evaluate", "--model", out.toString(), "--data", file.toString());
    assertEquals(0, eval.exitCode(), eval.err());
    double rmse = new ObjectMapper().readTree(eval.out()).get("rmse").asDouble();
    assertEquals(theirs.evaluate(df).rootMeanSquaredError(), rmse, 1e-6, eval.out());
  }

  /**
   * Hashed data (2^16 features, 20 non-zeros per row: about 4 rows per feature; what {@code generate}
   * writes by default) in 10% mini-batches at the default step 0.1. With σ_j alone a row's squared
   * standardized norm is about 2^16 (each feature has unit variance), and one step on a batch of
   * 1,200 rows would multiply a row's residual by about 1 − 0.1·2^16/1200 ≈ −4.5: the run diverged.
   * With the floor, the loss goes down and stays down.
   */
  @Test
  void hashedMiniBatchesAtTheDefaultStepNoLongerDiverge() throws Exception {
    int n = 12_000;
    int d = 1 << 16;
    Generator gen = new Generator(42, d, 20, 0.1, 1.0);
    StringBuilder sb = new StringBuilder();
    StringBuilder line = new StringBuilder();
    ParsedRecord rec = new ParsedRecord();
    for (long i = 0; i < n; i++) {
      gen.row(i, rec);
      sb.append(Generator.format(rec, false, d, line)).append('\n');
    }
    Path hashed = tmp.resolve("hashed.libsvm");
    Files.writeString(hashed, sb.toString(), StandardCharsets.UTF_8);
    TrainConfig cfg = TrainConfig.builder().dataPath(hashed.toString()).outputPath("unused")
        .numPartitions(2).miniBatchFraction(0.1).maxIter(40).build();
    Dataset data = DataLoader.load(SparkTestSession.jsc(), cfg);
    try {
      double[] std = data.stats.std();
      double[] scale = Trainer.featureScale(data, cfg);
      double[] mean = data.stats.mean();
      double sigmaNorm = 0;
      double flooredNorm = 0;
      long rows = 0;
      // Mean squared norm of a standardized row under σ_j alone and under the floored scale.
      for (long i = 0; i < n; i++) {
        gen.row(i, rec);
        for (int k = 0; k < rec.nnz; k++) {
          int j = rec.indices[k];
          double c = rec.values[k] - mean[j];
          sigmaNorm += std[j] > 0 ? c * c / (std[j] * std[j]) : 0;
          flooredNorm += scale[j] > 0 ? c * c / (scale[j] * scale[j]) : 0;
        }
        rows++;
      }
      sigmaNorm /= rows;
      flooredNorm /= rows;
      double batch = 0.1 * n;
      assertTrue(0.1 * sigmaNorm / batch > 2, "σ_j alone is unstable here: " + sigmaNorm);
      assertTrue(0.1 * flooredNorm / batch < 1, "the floored scale is not: " + flooredNorm);

      TrainResult r = new Trainer(cfg, SquaredLoss.INSTANCE).train(SparkTestSession.jsc(), data,
          TrainingListener.NONE);
      List<IterationRecord> h = r.history();
      assertNotEquals(StopReason.DIVERGED, r.stopReason());
      double first = h.get(0).loss();
      double last = h.get(h.size() - 1).loss();
      System.out.printf(Locale.ROOT, "standardized row norm² %.1f (σ alone %.1f); loss %.4g → %.4g in %d "
          + "iterations (%s)%n", flooredNorm, sigmaNorm, first, last, h.size(), r.stopReason().label());
      for (IterationRecord it : h) {
        assertTrue(it.loss() < 1.5 * first, "loss " + it.loss() + " at iteration " + it.iteration()
            + " against " + first + " at the start");
      }
      assertTrue(last < 0.8 * first, "the loss went down: " + first + " → " + last);
    } finally {
      data.release();
    }
  }
}

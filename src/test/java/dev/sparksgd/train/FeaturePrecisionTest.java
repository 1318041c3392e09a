package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.LogCapture;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --feature-precision float32 trains the model of the features rounded to float: bit for bit the
 * model, history and stop reason of a float64 run on a file holding the rounded values (a float
 * widens to double exactly, and every sum is double in the same order), for dense and sparse rows,
 * several losses, optimizers and paths (full batch, mini-batches drawn ahead, lazy sparse updates,
 * model averaging, the step-size probe on driver-side rows, a holdout).
 */
class FeaturePrecisionTest {
  @TempDir
  static Path tmp;

  /**
   * Each data set twice, under the same file name in two folders: values with all 17 digits, and
   * the same values rounded to float. Every token is padded to one width, so both files have the
   * same byte offsets: the same splits and the same held-out rows.
   */
  static final String[] SETS = {"dense-reg", "dense-class", "sparse-reg", "sparse-class"};

  private static String pad(String token) {
    return " ".repeat(Math.max(1, 30 - token.length())) + token;
  }

  @BeforeAll
  static void writeData() throws Exception {
    Files.createDirectories(tmp.resolve("full"));
    Files.createDirectories(tmp.resolve("rounded"));
    for (String name : SETS) {
      boolean sparse = name.startsWith("sparse");
      boolean classes = name.endsWith("class");
      Random r = new Random(name.hashCode());
      int d = sparse ? 5000 : 13; // 13: the 8-wide loops and their tail
      StringBuilder full = new StringBuilder();
      StringBuilder rounded = new StringBuilder();
      for (int i = 0; i < 2400; i++) {
        int[] cols = sparse ? r.ints(0, d).distinct().limit(1 + r.nextInt(9)).sorted().toArray()
            : java.util.stream.IntStream.range(0, d).toArray();
        double m = 0;
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int c : cols) {
          // Values with more digits than a float holds, at mixed magnitudes, some columns offset.
          double z = r.nextGaussian();
          double v = z * Math.pow(10, (c % 4) - 2) + (c % 3 == 0 ? 3.3 : 0);
          m += z * ((c % 5) - 2);
          a.append(pad((c + 1) + ":" + v));
          b.append(pad((c + 1) + ":" + (double) (float) v));
        }
        String y = classes ? (m + r.nextGaussian() > 0 ? "1" : "0") : Double.toString(m + 0.3 * r.nextGaussian());
        full.append(y).append(a).append('\n');
        rounded.append(y).append(b).append('\n');
      }
      Files.writeString(tmp.resolve("full").resolve(name + ".libsvm"), full.toString(), StandardCharsets.UTF_8);
      Files.writeString(tmp.resolve("rounded").resolve(name + ".libsvm"), rounded.toString(), StandardCharsets.UTF_8);
      assertEquals(Files.size(tmp.resolve("full").resolve(name + ".libsvm")),
          Files.size(tmp.resolve("rounded").resolve(name + ".libsvm")));
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("dense-reg", List.of("--validation-fraction", "0.2")),
        Arguments.of("dense-reg", List.of("--optimizer", "nesterov", "--momentum", "0.5", "--reg-param", "0.01",
            "--elastic-net-param", "0.5")),
        Arguments.of("dense-reg", List.of("--step-size", "auto")),
        Arguments.of("dense-reg", List.of("--loss", "huber", "--step-size", "0.1", "--lr-schedule", "adaptive")),
        Arguments.of("dense-reg", List.of("--update-mode", "model-averaging", "--step-size", "0.01")),
        Arguments.of("dense-class", List.of("--loss", "logistic", "--lr-schedule", "bb")),
        Arguments.of("dense-class", List.of("--loss", "hinge", "--optimizer", "adam", "--step-size", "0.05",
            "--mini-batch-fraction", "0.1", "--prefetch-mb", "64")),
        // No intercept, so no centring; the L2 penalty on the standardized weights is the same for
        // every coordinate: the pair has a lazy form (per-coordinate factors, as --standardization
        // false gives them, have none).
        Arguments.of("sparse-reg", List.of("--mini-batch-fraction", "0.02", "--fit-intercept", "false",
            "--step-size", "0.01", "--reg-param", "0.001")),
        Arguments.of("sparse-reg", List.of("--optimizer", "adagrad", "--step-size", "0.5")),
        // no step size: the rate 1/L of a sampled batch, the same sample at both precisions
        Arguments.of("sparse-reg", List.of("--mini-batch-fraction", "0.02")),
        Arguments.of("sparse-class", List.of("--loss", "logistic", "--optimizer", "momentum", "--step-size", "0.05",
            "--mini-batch-fraction", "0.05", "--prefetch-mb", "64", "--validation-fraction", "0.1")));
  }

  private static final String LAZY = "sparse mini-batches: gradients and updates touch only the batch's features";

  private static TestData.Run train(String folder, String data, Path out, String precision, List<String> extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data",
        tmp.resolve(folder).resolve(data + ".libsvm").toString(),
        "--output", out.toString(), "--max-iter", "25", "--min-step-size", "0", "--tol", "0", "--seed", "5",
        "--num-partitions", "2", "--feature-precision", precision));
    args.addAll(extra);
    TestData.Run run = TestData.cli(args.toArray(new String[0]));
    assertEquals(0, run.exitCode(), run.err());
    return run;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void float32IsFloat64OnTheRoundedFeaturesBitForBit(String data, List<String> extra) throws Exception {
    String id = data + "-" + Integer.toHexString(extra.hashCode());
    Path f32 = tmp.resolve(id + "-f32");
    Path rounded = tmp.resolve(id + "-rounded");
    Path f64 = tmp.resolve(id + "-f64");
    boolean lazy;
    try (LogCapture logs = LogCapture.start()) {
      train("full", data, f32, "float32", extra);
      LogCapture.awaitQuiet();
      lazy = logs.all().contains(LAZY);
    }
    try (LogCapture logs = LogCapture.start()) {
      train("rounded", data, rounded, "float64", extra);
      LogCapture.awaitQuiet();
      assertEquals(lazy, logs.all().contains(LAZY), "the same path at both precisions");
    }
    // The sparse mini-batch cases take the lazy path (gradients and updates on the batch's features).
    assertEquals(data.startsWith("sparse") && extra.contains("--mini-batch-fraction"), lazy, "lazy path");
    train("full", data, f64, "float64", extra);

    assertArrayEquals(TestData.modelBits(rounded), TestData.modelBits(f32), "weights and intercept");
    assertEquals(TestData.historyWithoutMillis(rounded), TestData.historyWithoutMillis(f32), "history.csv");
    for (String key : new String[] {"iterations", "stopReason", "extraParams", "featureStatistics"}) {
      assertEquals(TestData.json(rounded.resolve("model.json")).path(key).toString(),
          TestData.json(f32.resolve("model.json")).path(key).toString(), key);
    }
    // The rounding is real: the float64 model of the full values differs.
    assertFalse(Arrays.equals(TestData.modelBits(f64), TestData.modelBits(f32)), "float32 changed nothing");

    assertEquals("float32", TestData.json(f32.resolve("model.json")).path("options").path("feature-precision").asText());
    assertEquals("float64", TestData.json(f64.resolve("model.json")).path("options").path("feature-precision").asText());
    assertEquals("float32", TestData.json(f32.resolve("metrics.json")).path("featurePrecision").asText());
    assertEquals("float64", TestData.json(f64.resolve("metrics.json")).path("featurePrecision").asText());
    long bytes32 = TestData.json(f32.resolve("metrics.json")).path("cachedBytes").asLong();
    long bytes64 = TestData.json(f64.resolve("metrics.json")).path("cachedBytes").asLong();
    assertTrue(bytes32 > 0 && bytes32 < bytes64, bytes32 + " vs " + bytes64);
  }

  /**
   * The accuracy cost on the sample data sets, with the commands the user guide gives for them:
   * the float32 model's weights lie within 1e-5 of the float64 model's (relative to the largest
   * weight), its RMSE (holdout, else training rows) within 1e-5 relative. Prints the figures the
   * documentation quotes.
   */
  @Test
  void float32WeightsStayCloseToFloat64OnTheSampleData() throws Exception {
    Path samples = Path.of("sample-data");
    List<List<String>> sets = List.of(
        List.of("--data", samples.resolve("regression.libsvm").toString(), "--validation-fraction", "0.2"),
        List.of("--data", samples.resolve("regression.csv").toString(), "--validation-fraction", "0.2"),
        List.of("--data", samples.resolve("houses.csv").toString(), "--label-col", "price_k", "--categorical-cols",
            "city,heating type", "--hash-bits", "10", "--missing", "median", "--missing-indicators", "true",
            "--max-iter", "200"));
    for (List<String> set : sets) {
      double[][] w = new double[2][];
      double[] rmse = new double[2];
      for (int p = 0; p < 2; p++) {
        Path out = tmp.resolve("sample-" + Integer.toHexString(set.hashCode()) + "-" + p);
        List<String> args = new ArrayList<>(List.of("train", "--output", out.toString(), "--feature-precision",
            p == 0 ? "float64" : "float32"));
        args.addAll(set);
        TestData.Run run = TestData.cli(args.toArray(new String[0]));
        assertEquals(0, run.exitCode(), run.err());
        double[] weights = TestData.weights(out);
        w[p] = Arrays.copyOf(weights, weights.length + 1);
        w[p][weights.length] = TestData.intercept(out);
        rmse[p] = TestData.json(out.resolve("metrics.json")).path("evaluation").path("rmse").asDouble();
      }
      double diff = 0;
      double scale = 0;
      for (int j = 0; j < w[0].length; j++) {
        diff = Math.max(diff, Math.abs(w[0][j] - w[1][j]));
        scale = Math.max(scale, Math.abs(w[0][j]));
      }
      double rmseRel = Math.abs(rmse[1] - rmse[0]) / rmse[0];
      System.out.printf(java.util.Locale.ROOT, "float32 vs float64 on %s: max |dw| %.3g, max |w| %.3g, relative %.3g;"
          + " rmse %.9g vs %.9g (relative %.3g)%n", set.get(1), diff, scale, diff / scale, rmse[1], rmse[0], rmseRel);
      assertTrue(diff <= 1e-5 * scale, set.get(1) + ": " + diff + " of " + scale);
      assertTrue(rmse[0] > 0 && rmseRel <= 1e-5, set.get(1) + ": rmse " + rmse[1] + " vs " + rmse[0]);
    }
  }

  @Test
  void aBadPrecisionIsOneClearLine() {
    TestData.Run run = TestData.cli("train", "--data", tmp.resolve("full").resolve("dense-reg.libsvm").toString(), "--output",
        tmp.resolve("bad").toString(), "--feature-precision", "float16");
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--feature-precision must be one of float64, float32 (got 'float16')"), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
  }
}

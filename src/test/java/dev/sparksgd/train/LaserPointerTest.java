package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' laser-pointer example (shared/seeds/002): one record x = 10, y = 47, no intercept,
 * no standardization nor preconditioning (one row: its feature is constant), constant step 0.005, full batch. Each step is a = a − 0.005 · 10 · (10a − 47).
 */
class LaserPointerTest {
  @TempDir
  Path tmp;

  @Test
  void weightsAfterIterationsOneToFourMatchTheSeed() throws Exception {
    Path data = tmp.resolve("laser.libsvm");
    Files.writeString(data, "47 1:10\n");
    double[] expected = {2.35, 3.525, 4.1125, 4.40625};
    for (int iters = 1; iters <= 4; iters++) {
      Path out = tmp.resolve("model-" + iters);
      TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
          "--fit-intercept", "false", "--standardization", "false", "--precondition", "false", "--step-size", "0.005",
          "--lr-schedule", "constant", "--mini-batch-fraction", "1.0", "--max-iter", String.valueOf(iters),
          "--min-step-size", "0", "--tol", "0");
      assertEquals(0, run.exitCode(), run.err());
      double[] w = TestData.weights(out);
      assertEquals(1, w.length);
      assertEquals(expected[iters - 1], w[0], 1e-12, "weight after iteration " + iters);
      assertEquals(0.0, TestData.intercept(out), 0.0);
      assertEquals("max-iter", TestData.json(out.resolve("model.json")).get("stopReason").asText());
    }
  }

  @Test
  void historyRecordsTheSeedsErrorsAsLosses() throws Exception {
    Path data = tmp.resolve("laser.libsvm");
    Files.writeString(data, "47 1:10\n");
    Path out = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--fit-intercept", "false", "--standardization", "false", "--precondition", "false", "--step-size", "0.005",
        "--lr-schedule", "constant", "--max-iter", "4", "--min-step-size", "0", "--tol", "0");
    assertEquals(0, run.exitCode(), run.err());
    var lines = Files.readAllLines(out.resolve("history.csv"));
    assertEquals(5, lines.size());
    // Errors before each step: -47, -23.5, -11.75, -5.875; loss = ½·error².
    double[] errors = {-47, -23.5, -11.75, -5.875};
    for (int i = 0; i < 4; i++) {
      String[] f = lines.get(i + 1).split(",");
      assertEquals(i + 1, Integer.parseInt(f[0]));
      assertEquals(0.5 * errors[i] * errors[i], Double.parseDouble(f[1]), 1e-9);
      assertEquals(0.005, Double.parseDouble(f[2]), 0.0);
      // step = |Δa| = 0.005 · 10 · |error|
      assertEquals(0.05 * Math.abs(errors[i]), Double.parseDouble(f[3]), 1e-12);
    }
  }
}

package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --baseline-model / --max-regression end to end. The figures the gate prints are checked against
 * RMSEs computed here from the two models' weights and the generated rows.
 */
class QualityGateCliTest {
  private static final Pattern FIGURES = Pattern.compile(
      "training rows RMSE (\\S+) for the new model vs (\\S+) for the baseline \\(([+-]\\S+)%, allowed \\+5\\.00%\\)");

  @TempDir
  Path tmp;

  private static double rmse(TestData.Rows rows, double[] w, double b) {
    double s = 0;
    for (int i = 0; i < rows.y().length; i++) {
      double p = b;
      for (int j = 0; j < w.length; j++) {
        p += w[j] * rows.x()[i][j];
      }
      s += (p - rows.y()[i]) * (p - rows.y()[i]);
    }
    return Math.sqrt(s / rows.y().length);
  }

  @Test
  void aWorseModelIsRefusedWithExitThreeAndBothFigures() throws Exception {
    Path data = tmp.resolve("d.libsvm");
    TestData.Rows rows = TestData.write(data, 11, 500, 3, 0.1, 2.0);
    Path base = tmp.resolve("base");
    assertEquals(0, TestData.cli("train", "--data", data.toString(), "--output", base.toString(),
        "--step-size", "0.5").exitCode());

    String[] undertrained = {"--data", data.toString(), "--max-iter", "2", "--lr-schedule", "constant",
        "--step-size", "0.5"};
    Path out = tmp.resolve("new");
    TestData.Run run = TestData.cli(concat(new String[] {"train", "--output", out.toString(),
        "--baseline-model", base.toString(), "--max-regression", "0.05"}, undertrained));
    assertEquals(ExitCodes.QUALITY_GATE, run.exitCode(), run.err());
    List<String> lines = run.err().strip().lines().toList();
    assertEquals(1, lines.size(), run.err());
    assertTrue(lines.get(0).startsWith("spark-sgd: quality gate refused the new model: "), run.err());
    assertTrue(lines.get(0).endsWith("nothing was published"), run.err());
    assertFalse(java.nio.file.Files.exists(out), "not published");

    // The same run without the gate gives the refused model (training is deterministic).
    Path twin = tmp.resolve("twin");
    assertEquals(0, TestData.cli(concat(new String[] {"train", "--output", twin.toString()}, undertrained)).exitCode());
    double expectNew = rmse(rows, TestData.weights(twin), TestData.intercept(twin));
    double expectBase = rmse(rows, TestData.weights(base), TestData.intercept(base));
    Matcher m = FIGURES.matcher(lines.get(0));
    assertTrue(m.find(), lines.get(0));
    assertEquals(expectNew, Double.parseDouble(m.group(1)), 1e-5 * expectNew);
    assertEquals(expectBase, Double.parseDouble(m.group(2)), 1e-5 * expectBase);
    assertEquals(100 * (expectNew - expectBase) / expectBase, Double.parseDouble(m.group(3)), 0.01);
    assertTrue(expectNew > 1.05 * expectBase, "the case must really be worse");
  }

  @Test
  void aModelWithinTheAllowedRegressionIsPublishedAndTheGateRecorded() throws Exception {
    Path data = tmp.resolve("d.libsvm");
    TestData.write(data, 12, 800, 3, 0.1, 2.0);
    Path base = tmp.resolve("base");
    assertEquals(0, TestData.cli("train", "--data", data.toString(), "--output", base.toString(),
        "--step-size", "0.5", "--max-iter", "8").exitCode());
    Path out = tmp.resolve("new");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--step-size", "0.5", "--validation-fraction", "0.25", "--baseline-model", base.toString(),
        "--max-regression", "0.01");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("quality gate   passed: holdout RMSE "), run.out());

    JsonNode m = TestData.json(out.resolve("metrics.json"));
    JsonNode gate = m.get("qualityGate");
    assertTrue(gate.get("passed").asBoolean());
    assertEquals("holdout", gate.get("rows").asText());
    assertEquals("RMSE", gate.get("metric").asText());
    assertEquals(m.get("holdout").get("rmse").asDouble(), gate.get("candidate").asDouble(), 0.0,
        "the candidate's figure is its holdout RMSE");
    double change = gate.get("relativeChange").asDouble();
    assertTrue(change > 0 && change <= 0.01, "worse, but within the allowance: " + gate);
    assertEquals((gate.get("candidate").asDouble() - gate.get("baseline").asDouble()) / gate.get("baseline").asDouble(),
        gate.get("relativeChange").asDouble(), 1e-12);
    assertEquals(base.toString(), gate.get("baselineModel").asText());
  }

  @Test
  void theSameModelPassesAZeroAllowance() throws Exception {
    Path data = tmp.resolve("d.csv");
    TestData.write(data, 13, 300, 2, 0.1, 0.0);
    Path base = tmp.resolve("base");
    String[] opts = {"--data", data.toString(), "--max-iter", "20"};
    assertEquals(0, TestData.cli(concat(new String[] {"train", "--output", base.toString()}, opts)).exitCode());
    Path out = tmp.resolve("new");
    TestData.Run run = TestData.cli(concat(new String[] {"train", "--output", out.toString(),
        "--baseline-model", base.toString()}, opts));
    assertEquals(0, run.exitCode(), run.err());
    JsonNode gate = TestData.json(out.resolve("metrics.json")).get("qualityGate");
    assertEquals(gate.get("baseline").asDouble(), gate.get("candidate").asDouble(), 0.0);
    assertEquals("training rows", gate.get("rows").asText());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}

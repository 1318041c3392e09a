package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --step-size auto on the same problem with its features scaled by 1e-3, 1 and 1e3, optimized on the
 * raw features (--precondition false, so the right rate differs by 1e12 between the ends): each run converges to the
 * least-squares solution. No intercept: with one, unstandardized features of scale 1e3 make the
 * problem's condition number about 1e6 whatever the rate (that is what standardization is for).
 */
class StepSizeAutoTest {
  @TempDir
  Path tmp;

  @Test
  void convergesOnThreeDifferentlyScaledProblems() throws Exception {
    double[] chosen = new double[3];
    double[] scales = {1e-3, 1.0, 1e3};
    for (int s = 0; s < 3; s++) {
      double scale = scales[s];
      Path file = tmp.resolve("scaled-" + s + ".libsvm");
      Random r = new Random(3);
      int n = 400;
      int d = 4;
      double[][] x = new double[n][d];
      double[] y = new double[n];
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        double lab = 0;
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < d; j++) {
          double z = r.nextGaussian();
          lab += (j + 1) * z;
          x[i][j] = Double.parseDouble(String.format(Locale.ROOT, "%.6e", z * scale));
          sb.append(String.format(Locale.ROOT, " %d:%.6e", j + 1, z * scale));
        }
        y[i] = Double.parseDouble(String.format(Locale.ROOT, "%.6f", lab + 0.1 * r.nextGaussian()));
        lines.add(String.format(Locale.ROOT, "%.6f", y[i]) + sb);
      }
      Files.write(file, lines);
      double[] exact = ClosedFormTest.leastSquares(x, y, false);
      try (TrainHarness h = new TrainHarness(file, 2, b -> b.standardization(false).fitIntercept(false)
          .precondition(false).lrSchedule(dev.sparksgd.config.LrSchedule.CONSTANT))) {
        // The gradient scales with the features (Hx ~ scale²·w, w ~ 1/scale): so does its tolerance.
        TrainResult res = h.train(b -> b.stepSize("auto").minStepSize(0).tol(0).gradTol(1e-7 * scale)
            .maxIter(300));
        chosen[s] = res.chosenStepSize();
        double rel = TrainHarness.relativeError(res, exact);
        assertTrue(rel < 1e-4, "scale " + scale + ": η " + chosen[s] + ", " + res.iterations() + " iterations, "
            + res.stopReason().label() + ", relative error " + rel);
      }
    }
    // The rate follows 1/scale²: ratios of 1e6 between neighbours, within the halving grid.
    assertEquals(6, Math.log10(chosen[0] / chosen[1]), 0.7);
    assertEquals(6, Math.log10(chosen[1] / chosen[2]), 0.7);
  }

  @Test
  void cliPrintsTheCandidatesAndRecordsTheChoice() throws Exception {
    Path data = tmp.resolve("auto.libsvm");
    TestData.write(data, 4, 300, 3, 0.1, 1.0);
    Path out = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--step-size", "auto", "--max-iter", "50", "--num-partitions", "2");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("--step-size auto on 300 sampled rows"), run.out());
    assertTrue(run.out().contains("(no)") && run.out().contains("(ok)"), run.out());
    JsonNode model = TestData.json(out.resolve("model.json"));
    assertEquals("auto", model.get("options").get("step-size").asText());
    double chosen = model.get("options").get("chosen-step-size").asDouble();
    assertTrue(run.out().contains(String.format(Locale.ROOT, "chose --step-size %.6g", chosen)), run.out());
    assertEquals(chosen, TestData.json(out.resolve("metrics.json")).get("chosenStepSize").asDouble(), 0.0);
    // Standardized features: the largest stable rate of gradient descent is near 2/λ_max ≈ 1–2.
    assertTrue(chosen > 0.2 && chosen < 2, "chose " + chosen);
  }
}

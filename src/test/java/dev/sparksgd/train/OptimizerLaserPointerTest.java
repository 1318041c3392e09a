package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The first three updates of each optimizer through the real train command, on the seeds'
 * laser-pointer record (x = 10, y = 47, no intercept, no standardization, no preconditioning). The expected weights
 * are the hand-computed ones of optim/OptimizersTest; history.csv's step norms give a₁, a₂ − a₁,
 * a₃ − a₂ and model.json gives a₃.
 */
class OptimizerLaserPointerTest {
  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "sgd, 0.005, 2.35, 3.525, 4.1125",
      "momentum, 0.001, 0.47, 1.316, 2.4158",
      "nesterov, 0.001, 0.893, 1.99703, 3.1615913",
      "adagrad, 1.0, 0.9999999999787234, 1.618559606301839, 2.0765150473792935",
      "rmsprop, 0.01, 0.03162277659955613, 0.054490843876816006, 0.07360185113160231",
      "adam, 0.1, 0.09999999999787242, 0.19993816716761903, 0.2997715324985804"})
  void firstThreeUpdates(String optimizer, double eta, double a1, double a2, double a3) throws Exception {
    Path data = tmp.resolve("laser.libsvm");
    Files.writeString(data, "47 1:10\n");
    Path out = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--fit-intercept", "false", "--standardization", "false", "--precondition", "false", "--optimizer", optimizer,
        "--step-size", String.valueOf(eta), "--lr-schedule", "constant", "--momentum", "0.9", "--rho", "0.9", "--max-iter", "3",
        "--min-step-size", "0", "--tol", "0");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(a3, TestData.weights(out)[0], 1e-12);
    List<String> lines = Files.readAllLines(out.resolve("history.csv"));
    double[] expected = {a1, a2 - a1, a3 - a2};
    for (int t = 0; t < 3; t++) {
      assertEquals(expected[t], Double.parseDouble(lines.get(t + 1).split(",")[3]), 1e-12,
          "step of iteration " + (t + 1));
    }
  }
}

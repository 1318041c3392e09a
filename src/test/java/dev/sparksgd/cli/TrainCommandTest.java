package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train command end to end: what it writes, prints and refuses. */
class TrainCommandTest {
  @TempDir
  Path tmp;

  @Test
  void writesModelHistoryAndMetrics() throws Exception {
    Path data = tmp.resolve("d.csv");
    TestData.Rows rows = TestData.write(data, 21, 1500, 4, 0.1, 3.0);
    Path out = tmp.resolve("nested/model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--validation-fraction", "0.25", "--step-size", "0.5", "--max-iter", "300");
    assertEquals(0, run.exitCode(), run.err());

    JsonNode model = TestData.json(out.resolve("model.json"));
    assertEquals(4, model.get("numFeatures").asInt());
    assertEquals(4, model.get("weights").size());
    for (int j = 0; j < 4; j++) {
      assertEquals(rows.trueWeights()[j], model.get("weights").get(j).asDouble(), 0.02, "weight " + j);
    }
    assertEquals(3.0, model.get("intercept").asDouble(), 0.02);
    assertEquals("x1", model.get("featureNames").get(0).asText());
    assertEquals("min-step-size", model.get("stopReason").asText());
    assertEquals(0.5, model.get("options").get("step-size").asDouble());
    assertEquals(0.25, model.get("options").get("validation-fraction").asDouble());
    int iterations = model.get("iterations").asInt();

    List<String> history = Files.readAllLines(out.resolve("history.csv"));
    assertTrue(history.get(0).startsWith("iteration,loss,step_size,step_norm,grad_norm,millis"));
    assertEquals(iterations + 1, history.size());

    JsonNode metrics = TestData.json(out.resolve("metrics.json"));
    long train = metrics.get("rows").get("train").asLong();
    long holdout = metrics.get("rows").get("holdout").asLong();
    assertEquals(1500, train + holdout);
    assertTrue(holdout > 300 && holdout < 450, "about 25% held out: " + holdout);
    assertEquals(holdout, metrics.get("holdout").get("rows").asLong());
    assertTrue(metrics.get("holdout").get("r2").asDouble() > 0.99);
    assertEquals(0.1, metrics.get("holdout").get("rmse").asDouble(), 0.02, "noise is 0.1");
    assertEquals(iterations, metrics.get("iterations").asInt());
    assertTrue(metrics.get("applicationId").asText().startsWith("local-"));

    assertTrue(run.out().contains("iter 1/300"), run.out());
    assertTrue(run.out().contains("stopped by min-step-size"), run.out());
    assertTrue(run.out().contains("RMSE"), run.out());
    try (var files = Files.list(out.getParent())) {
      assertEquals(List.of(out), files.toList(), "no temporary directories left behind");
    }
  }

  @Test
  void refusesAnExistingOutputUnlessOverwrite() throws Exception {
    Path data = tmp.resolve("d.libsvm");
    TestData.write(data, 2, 200, 3, 0.1, 0.0);
    Path out = tmp.resolve("model");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "old");
    TestData.Run refused = TestData.cli("train", "--data", data.toString(), "--output", out.toString());
    assertEquals(2, refused.exitCode());
    assertTrue(refused.err().contains("already exists"), refused.err());
    assertTrue(Files.exists(out.resolve("keep.txt")));

    TestData.Run replaced = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--overwrite");
    assertEquals(0, replaced.exitCode(), replaced.err());
    assertFalse(Files.exists(out.resolve("keep.txt")));
    assertTrue(Files.exists(out.resolve("model.json")));
  }

  @Test
  void divergenceExitsWithFourAndWritesNoModel() throws Exception {
    Path data = tmp.resolve("d.libsvm");
    TestData.write(data, 2, 300, 3, 0.1, 0.0);
    Path out = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--lr-schedule", "constant", "--step-size", "50", "--standardization", "false", "--max-iter", "200");
    assertEquals(4, run.exitCode(), run.out());
    assertTrue(run.err().contains("diverged at iteration"), run.err());
    assertTrue(run.err().contains("--step-size"), run.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void readsDirectoriesAndGlobsAsOneDataSet() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("parts"));
    TestData.Rows rows = TestData.write(dir.resolve("part-0.libsvm"), 8, 400, 3, 0.05, 1.0);
    Files.copy(dir.resolve("part-0.libsvm"), dir.resolve("part-1.libsvm"));
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Path out = tmp.resolve("m");
    TestData.Run run = TestData.cli("train", "--data", dir.toString(), "--format", "libsvm",
        "--output", out.toString(), "--step-size", "0.5");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(800, TestData.json(out.resolve("metrics.json")).get("rows").get("train").asLong());
    assertEquals(rows.trueWeights()[0], TestData.weights(out)[0], 0.02);

    Path out2 = tmp.resolve("m2");
    TestData.Run glob = TestData.cli("train", "--data", dir + "/part-*.libsvm", "--output", out2.toString(),
        "--step-size", "0.5");
    assertEquals(0, glob.exitCode(), glob.err());
    assertEquals(800, TestData.json(out2.resolve("metrics.json")).get("rows").get("train").asLong());
  }

  @Test
  void holdoutDoesNotDependOnPartitioning() throws Exception {
    Path data = tmp.resolve("d.libsvm");
    TestData.write(data, 4, 1000, 3, 0.1, 0.0);
    long[] holdout = new long[2];
    int[] parts = {1, 5};
    for (int i = 0; i < 2; i++) {
      Path out = tmp.resolve("m" + i);
      TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
          "--validation-fraction", "0.3", "--num-partitions", String.valueOf(parts[i]), "--max-iter", "2");
      assertEquals(0, run.exitCode(), run.err());
      JsonNode m = TestData.json(out.resolve("metrics.json"));
      assertEquals(parts[i], m.get("numPartitions").asInt());
      holdout[i] = m.get("rows").get("holdout").asLong();
    }
    assertEquals(holdout[0], holdout[1]);
    assertTrue(holdout[0] > 240 && holdout[0] < 360, "about 30%: " + holdout[0]);
  }
}

package dev.sparksgd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke runs of {@code bench} at tiny sizes, so the command cannot rot: every contender of every
 * figure ran and the JSON is complete. No timing is asserted.
 */
class BenchCommandTest {
  @TempDir
  Path tmp;

  private static final List<String> TIMED = List.of("median", "min", "max");

  private JsonNode bench(String... extra) throws Exception {
    Path json = tmp.resolve("bench.json");
    String[] base = {"bench", "--rows", "2000", "--batch-rows", "200", "--iterations", "2", "--rounds", "1",
        "--tta-runs", "1", "--mllib-max-iter", "40", "--output", json.toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    TestData.Run run = TestData.cli(args);
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("targets:"), run.out());
    assertTrue(Files.exists(json));
    return TestData.json(json);
  }

  private static void assertComplete(JsonNode root, Set<String> expected) {
    assertTrue(root.get("environment").get("javaVersion").isTextual());
    assertEquals(1, root.get("sizes").size());
    JsonNode size = root.get("sizes").get(0);
    assertEquals(2000, size.get("rows").asLong());
    Set<String> seen = new HashSet<>();
    for (JsonNode f : size.get("figures")) {
      String key = f.get("figure").asText() + "/" + f.get("contender").asText();
      seen.add(key);
      for (String k : List.of("unit", "median", "min", "max", "ratio", "samples")) {
        assertTrue(f.has(k), key + " lacks " + k);
      }
      boolean tta = f.get("figure").asText().equals("time-to-accuracy");
      if (tta) {
        assertTrue(f.get("reached").isBoolean(), key);
        assertTrue(f.get("finalLoss").isNumber(), key);
        assertTrue(f.get("settings").isTextual(), key);
      }
      if (!tta || f.get("reached").asBoolean()) {
        assertTrue(f.get("samples").size() >= 1, key);
        for (String k : TIMED) {
          assertTrue(f.get(k).isNumber() && f.get(k).asDouble() > 0, key + " " + k + " = " + f.get(k));
        }
      }
    }
    assertEquals(expected, seen);
    JsonNode opt = size.get("optimum");
    assertTrue(opt.get("loss").asDouble() > 0);
    assertTrue(opt.get("lossWithoutIntercept").asDouble() >= opt.get("loss").asDouble());
    assertFalse(root.get("targets").isEmpty());
    for (JsonNode t : root.get("targets")) {
      assertTrue(t.get("met").isBoolean());
      assertTrue(t.get("target").isTextual());
    }
  }

  private static Set<String> figures(boolean sparse) {
    Set<String> s = new HashSet<>(Set.of(
        "memory/spark-sgd", "memory/mllib-sgd", "memory/mllib-labeledpoint", "memory/spark.ml-lbfgs",
        "memory/raw 8*N*(D+1)",
        "full-batch/spark-sgd", "full-batch/mllib-sgd", "full-batch/roofline-1-thread", "full-batch/roofline/cores",
        "full-batch/roofline-all-cores",
        "mini-batch/spark-sgd", "mini-batch/mllib-sgd",
        "time-to-accuracy/spark-sgd", "time-to-accuracy/spark.ml-lbfgs", "time-to-accuracy/mllib-sgd"));
    if (sparse) {
      s.add("memory/raw 8*N*(K+1)");
    }
    return s;
  }

  @Test
  void denseSmokeRunHasEveryContenderAndFigure() throws Exception {
    JsonNode root = bench("--features", "6");
    assertComplete(root, figures(false));
    JsonNode size = root.get("sizes").get(0);
    assertEquals("normal equations (Cholesky)", size.get("optimum").get("method").asText());
    // Same start, step and schedule: ours and MLlib computed the same weights.
    for (JsonNode f : size.get("figures")) {
      if (f.get("figure").asText().equals("full-batch") && f.get("contender").asText().equals("spark-sgd")) {
        assertTrue(f.get("maxWeightDifferenceVsMllib").asDouble() < 1e-9, f.toString());
      }
    }
  }

  @Test
  void sparseSmokeRunUsesConjugateGradients() throws Exception {
    JsonNode root = bench("--features", "300", "--sparse-nnz", "4");
    assertComplete(root, figures(true));
    JsonNode opt = root.get("sizes").get(0).get("optimum");
    assertTrue(opt.get("method").asText().startsWith("conjugate gradients"));
    assertTrue(opt.get("relativeResidual").asDouble() <= 1e-10);
  }

  @Test
  void severalDimensionsRunEachRowCountAtEachWithTheSparseTargets() throws Exception {
    JsonNode root = bench("--features", "300,1200", "--sparse-nnz", "4", "--figures", "mini-batch,full-batch");
    JsonNode sizes = root.get("sizes");
    assertEquals(2, sizes.size());
    assertEquals(300, sizes.get(0).get("features").asInt());
    assertEquals(1200, sizes.get(1).get("features").asInt());
    int perSize = 0;
    for (JsonNode t : root.get("targets")) {
      if (t.get("target").asText().startsWith("sparse mini-batch iteration <= 50 ms")) {
        perSize++;
        assertTrue(t.get("value").asDouble() > 0, t.toString());
      }
      if (t.get("target").asText().startsWith("mini-batch iteration >= 10x faster")) {
        assertTrue(t.get("note").asText().contains("2^22"), t.toString());
      }
    }
    assertEquals(2, perSize, root.get("targets").toString());
  }

  @Test
  void badOptionsExitWithCode2BeforeSpark() {
    for (String[] args : List.of(new String[] {"bench", "--rows", "1"},
        new String[] {"bench", "--figures", "speed"},
        new String[] {"bench", "--features", "5", "--sparse-nnz", "6"},
        new String[] {"bench", "--features", "10,5", "--sparse-nnz", "6"},
        new String[] {"bench", "--features", "0"},
        new String[] {"bench", "--iterations", "3", "--rounds", "4"},
        new String[] {"bench", "--iterations", "5", "--rounds", "3"})) {
      TestData.Run run = TestData.cli(args);
      assertEquals(2, run.exitCode(), String.join(" ", args));
      assertTrue(run.err().startsWith("spark-sgd: error: "), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
    }
  }
}

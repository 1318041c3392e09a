package dev.sparksgd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.DefaultLineOnly;
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
        "time-to-accuracy/spark-sgd", "time-to-accuracy/spark.ml-lbfgs", "time-to-accuracy/mllib-sgd",
        "small-data/spark-sgd", "small-data/spark-sgd-jobs"));
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
      // Iterations on the driver and a job per iteration: the same weights, bit for bit.
      if (f.get("figure").asText().equals("small-data") && f.get("contender").asText().equals("spark-sgd")) {
        assertTrue(f.get("sameWeightsAsJobs").asBoolean(), f.toString());
      }
    }
  }

  @Test
  void precisionFigureComparesFloat32WithFloat64() throws Exception {
    for (boolean sparse : new boolean[] {false, true}) {
      JsonNode root = sparse ? bench("--features", "300", "--sparse-nnz", "4", "--figures", "precision")
          : bench("--features", "30", "--figures", "precision");
      Set<String> expected = new HashSet<>(Set.of("precision/spark-sgd", "precision/spark-sgd-float32",
          "precision-bytes/spark-sgd", "precision-bytes/spark-sgd-float32", "precision-bytes/raw 8*N*(D+1)"));
      if (sparse) {
        expected.add("precision-bytes/raw 8*N*(K+1)");
      } else {
        expected.add("precision/mllib-sgd");
      }
      JsonNode size = root.get("sizes").get(0);
      Set<String> seen = new HashSet<>();
      double[] bytes = new double[2];
      for (JsonNode f : size.get("figures")) {
        String key = f.get("figure").asText() + "/" + f.get("contender").asText();
        seen.add(key);
        assertTrue(f.get("median").asDouble() > 0, key);
        if (key.equals("precision-bytes/spark-sgd")) {
          bytes[0] = f.get("median").asDouble();
        } else if (key.equals("precision-bytes/spark-sgd-float32")) {
          bytes[1] = f.get("median").asDouble();
          assertEquals(bytes[1] / bytes[0], f.get("ratio").asDouble(), 1e-12);
        } else if (key.equals("precision/spark-sgd-float32")) {
          // The same iterations on the rounded features: close to the float64 weights, not equal.
          double diff = f.get("maxWeightDifferenceVsFloat64").asDouble();
          assertTrue(diff > 0 && diff < 1e-5 * f.get("maxAbsWeightFloat64").asDouble(), f.toString());
        }
      }
      assertEquals(expected, seen);
      assertTrue(bytes[1] < (sparse ? 0.8 : 0.6) * bytes[0], bytes[1] + " vs " + bytes[0]);
      boolean target = false;
      for (JsonNode t : root.get("targets")) {
        target |= t.get("target").asText().startsWith("float32 cached bytes");
      }
      assertTrue(target, root.get("targets").toString());
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
  @DefaultLineOnly
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
  void ctrFigureTimesBothContendersToTheSameHoldoutLogLossAtEachHashSize() throws Exception {
    JsonNode root = bench("--figures", "ctr", "--ctr-hash-bits", "8,10", "--ctr-epochs", "2", "--ctr-max-iter", "4",
        "--ctr-reg-param", "0.001");
    assertEquals(0.001, root.get("options").get("ctrRegParam").asDouble(), 0.0);
    JsonNode sizes = root.get("sizes");
    assertEquals(2, sizes.size());
    for (int s = 0; s < 2; s++) {
      JsonNode size = sizes.get(s);
      assertEquals(2000, size.get("rows").asLong());
      assertEquals(s == 0 ? 256 : 1024, size.get("features").asInt());
      assertEquals("ctr", size.get("kind").asText());
      double target = size.get("targetLogLoss").asDouble();
      Set<String> seen = new HashSet<>();
      List<String> contenders = List.of("spark-sgd", "spark-sgd-full-batch", "spark.ml-pipeline");
      double[] finals = new double[3];
      boolean anyReached = false;
      for (JsonNode f : size.get("figures")) {
        String key = f.get("figure").asText() + "/" + f.get("contender").asText();
        seen.add(key);
        if (f.get("figure").asText().equals("ctr")) {
          assertEquals(target, f.get("targetLogLoss").asDouble(), 0.0, key);
          // Every contender minimizes the same penalized objective; ours in both modes.
          String contender = f.get("contender").asText();
          String penalty = contender.startsWith("spark-sgd") ? "--reg-param 0.001 --standardization false"
              : "regParam 0.001 standardization false";
          assertTrue(f.get("settings").asText().contains(penalty), f.get("settings").asText());
          assertTrue(f.get("settings").asText().contains(contender.equals("spark-sgd") ? "mini-batch fraction"
              : contender.equals("spark-sgd-full-batch") ? "full batch" : "Pipeline("), f.get("settings").asText());
          finals[contenders.indexOf(contender)] = f.get("finalLogLoss").asDouble();
          JsonNode fits = f.get("fits");
          assertTrue(fits.size() >= 2, key);
          for (JsonNode fit : fits) {
            assertTrue(fit.get("holdoutLogLoss").asDouble() > 0, key);
            assertTrue(fit.get("millis").asDouble() > 0, key);
          }
          // Reached means some fit within the target, and the time is that fit's.
          boolean reached = f.get("reached").asBoolean();
          anyReached |= reached;
          assertEquals(reached ? 1 : 0, f.get("samples").size(), key);
          if (reached) {
            int budget = f.get("budgetWithinTarget").asInt();
            for (JsonNode fit : fits) {
              if (fit.get("budget").asInt() == budget) {
                assertTrue(fit.get("holdoutLogLoss").asDouble() <= target, key);
                assertEquals(fit.get("millis").asDouble(), f.get("median").asDouble(), 0.0, key);
                break;
              }
            }
          }
        } else {
          assertTrue(f.get("median").asDouble() > 0, key);
        }
      }
      assertEquals(Set.of("ctr/spark-sgd", "ctr/spark-sgd-full-batch", "ctr/spark.ml-pipeline",
          "ctr-iteration/spark-sgd", "ctr-memory/spark-sgd", "ctr-memory/spark.ml-pipeline"), seen);
      assertEquals(Math.min(finals[0], Math.min(finals[1], finals[2])) * 1.005, target, 1e-12);
      // The better final is within its own target.
      assertTrue(anyReached, size.toString());
    }
    int speed = 0;
    int perRow = 0;
    for (JsonNode t : root.get("targets")) {
      String name = t.get("target").asText();
      if (name.startsWith("click rows: time to holdout log loss")) {
        speed++;
        assertTrue(t.get("note").asText().contains("2M rows"), t.toString());
      }
      if (name.startsWith("click rows: our mini-batch iteration")) {
        perRow++;
        assertTrue(t.get("value").asDouble() > 0, t.toString());
      }
    }
    assertEquals(4, speed, root.get("targets").toString()); // two hash sizes, each mode of ours
    assertEquals(1, perRow, root.get("targets").toString());
  }

  @Test
  void badOptionsExitWithCode2BeforeSpark() {
    for (String[] args : List.of(new String[] {"bench", "--rows", "1"},
        new String[] {"bench", "--figures", "speed"},
        new String[] {"bench", "--features", "5", "--sparse-nnz", "6"},
        new String[] {"bench", "--features", "10,5", "--sparse-nnz", "6"},
        new String[] {"bench", "--features", "0"},
        new String[] {"bench", "--iterations", "3", "--rounds", "4"},
        new String[] {"bench", "--iterations", "5", "--rounds", "3"},
        new String[] {"bench", "--figures", "ctr", "--ctr-hash-bits", "29"},
        new String[] {"bench", "--figures", "ctr", "--ctr-epochs", "0"},
        new String[] {"bench", "--figures", "ctr", "--ctr-reg-param", "-1"},
        new String[] {"bench", "--figures", "ctr", "--ctr-ml-max-iter", "-1"})) {
      TestData.Run run = TestData.cli(args);
      assertEquals(2, run.exitCode(), String.join(" ", args));
      assertTrue(run.err().startsWith("spark-sgd: error: "), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
    }
  }
}

package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same seed and partitioning → bit-identical model: across reruns, local[1] vs local[2], and when a
 * task fails once and is retried. Mini-batch mode with a holdout, so sampling and the split are
 * both exercised.
 */
class DeterminismTest {
  @TempDir
  static Path tmp;
  static Path data;

  @BeforeAll
  static void writeData() throws Exception {
    data = tmp.resolve("data.libsvm");
    TestData.write(data, 3, 4000, 9, 0.5, -1.0);
  }

  @AfterAll
  static void restoreDefaultSession() {
    SparkTestSession.get();
  }

  private static long[] train(String name, String master, Map<String, String> conf, String... extra) throws Exception {
    SparkTestSession.get(master, conf);
    Path out = tmp.resolve(name);
    String[] base = {"train", "--data", data.toString(), "--output", out.toString(),
        "--mini-batch-fraction", "0.25", "--step-size", "0.2", "--max-iter", "25", "--min-step-size", "0",
        "--tol", "0", "--seed", "17", "--num-partitions", "4", "--validation-fraction", "0.2"};
    String[] args = Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    TestData.Run run = TestData.cliOnCurrentSession(args);
    assertEquals(0, run.exitCode(), run.err());
    double[] w = TestData.weights(out);
    long[] bits = new long[w.length + 1];
    for (int j = 0; j < w.length; j++) {
      bits[j] = Double.doubleToRawLongBits(w[j]);
    }
    bits[w.length] = Double.doubleToRawLongBits(TestData.intercept(out));
    return bits;
  }

  @Test
  void rerunsMastersAndRetriedTasksGiveTheSameBits() throws Exception {
    long[] first = train("a", "local[2]", Map.of());
    long[] rerun = train("b", "local[2]", Map.of(), "--overwrite");
    assertArrayEquals(first, rerun, "rerun");

    long[] oneCore = train("c", "local[1]", Map.of());
    assertArrayEquals(first, oneCore, "local[1] vs local[2]");

    // local[2,2]: a task may fail once; the injected failure hits iteration 5, partition 0.
    long[] retried = train("d", "local[2,2]", Map.of(Trainer.FAIL_TASK_AT_ITERATION, "5"));
    assertArrayEquals(first, retried, "with one failed and retried task");

    long[] otherSeed = train("e", "local[2]", Map.of(), "--seed", "18");
    assertFalse(Arrays.equals(first, otherSeed), "a different seed must give a different model");
  }

  @Test
  void theInjectedFailureReallyFailsWithoutRetries() throws Exception {
    // A job per iteration (a gang's failed task would end the gang, and the same iteration's job fail again).
    SparkTestSession.get("local[2]", Map.of(Trainer.FAIL_TASK_AT_ITERATION, "2", Partitions.CONF_GANG, "false"));
    Path out = tmp.resolve("failing");
    TestData.Run run = TestData.cliOnCurrentSession("train", "--data", data.toString(), "--output",
        out.toString(), "--max-iter", "3", "--num-partitions", "2");
    assertNotEquals(0, run.exitCode());
    assertTrue(run.err().contains("injected task failure"), run.err());
    assertFalse(Files.exists(out), "no model after a failed run");
  }
}

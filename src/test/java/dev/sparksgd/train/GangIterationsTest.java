package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.testing.DefaultLineOnly;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iterations served by a gang of long-running tasks (the default in local mode too when the rows
 * do not fit --prefetch-mb): the model, history and stop reason of a Spark job per iteration
 * ({@code spark.sgd.gangIterations=false}), bit for bit, for full batches and mini-batches,
 * dense and sparse rows (the lazy sparse update too), with a holdout evaluated between iterations
 * and the hinge's smoothing stages (each a new loss for the tasks); and a gang whose connection
 * drops mid-run is replaced by a job per iteration from that iteration on, with the same bits.
 */
class GangIterationsTest {
  @TempDir
  static Path tmp;
  static Path dense;
  static Path sparse;
  static Path hashed;
  static Path classes;
  static final String GANG_JOB = "iterations as a gang of long-running tasks";
  /** The session conf of a Spark job per iteration. */
  static final Map<String, String> NO_GANG = Map.of(Partitions.CONF_GANG, "false");
  static final Map<String, String> GANG_ON = Map.of(Partitions.CONF_GANG, "true");

  /** name → data and options: every path of the trainer that the gang serves. */
  static final Map<String, List<String>> CASES = new LinkedHashMap<>();

  static {
    CASES.put("full-lbfgs-holdout", List.of("dense", "--validation-fraction", "0.2", "--validation-interval", "7"));
    CASES.put("mini-dense-adam", List.of("dense", "--mini-batch-fraction", "0.1", "--optimizer", "adam",
        "--lr-schedule", "constant", "--step-size", "0.05"));
    CASES.put("full-sparse-adam", List.of("sparse", "--optimizer", "adam", "--lr-schedule", "constant",
        "--step-size", "0.05", "--standardization", "false"));
    CASES.put("mini-sparse-lazy-nesterov", List.of("hashed", "--mini-batch-fraction", "0.02", "--optimizer",
        "nesterov", "--lr-schedule", "inverse-sqrt", "--step-size", "0.01", "--reg-param", "0.02"));
    CASES.put("full-hinge-lbfgs", List.of("classes", "--loss", "hinge", "--reg-param", "0.01"));
  }

  @BeforeAll
  static void writeData() throws Exception {
    SparkTestSession.get();
    dense = Files.createDirectories(tmp.resolve("dense"));
    // Four files in two partitions (row ranges over the input splits): a barrier stage over the
    // cached rows' own lineage would be refused.
    for (int f = 0; f < 4; f++) {
      TestData.write(dense.resolve("part-" + f + ".libsvm"), 5 + f, 300, 7, 0.3, 0.5);
    }
    sparse = tmp.resolve("sparse.libsvm");
    PrefetchTest.writeSparse(sparse, 2500, 400);
    hashed = tmp.resolve("hashed.libsvm");
    SparseLazyTrainTest.writeHashed(hashed);
    classes = tmp.resolve("classes.libsvm");
    DriverIterationsTest.writeClasses(classes, 2000, 6);
  }

  @AfterAll
  static void restoreDefaultSession() {
    SparkTestSession.get();
  }

  private static Path data(String name) {
    return switch (name) {
      case "sparse" -> sparse;
      case "hashed" -> hashed;
      case "classes" -> classes;
      default -> dense;
    };
  }

  /** A run whose iterations are not on the driver (--prefetch-mb 0): a gang, or a Spark job each. */
  private static void train(List<String> dataAndOptions, Path out) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data(dataAndOptions.get(0)).toString(),
        "--output", out.toString(), "--max-iter", "20", "--min-step-size", "0", "--tol", "0", "--seed", "9",
        "--prefetch-mb", "0", "--num-partitions", "2"));
    args.addAll(dataAndOptions.subList(1, dataAndOptions.size()));
    TestData.Run r = TestData.cliOnCurrentSession(args.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.err());
  }

  private static long gradientJobs(List<String> jobs) {
    return jobs.stream().filter(j -> j.startsWith("iteration") && j.contains(": gradient")).count();
  }

  @Test
  void aGangGivesTheBitsOfAJobPerIteration() throws Exception {
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, NO_GANG);
    for (Map.Entry<String, List<String>> c : CASES.entrySet()) {
      List<String> seen = PrefetchTest.jobs(() -> train(c.getValue(), tmp.resolve(c.getKey() + "-jobs")));
      assertTrue(gradientJobs(seen) > 0 && !seen.contains(GANG_JOB), c.getKey() + ": a job per iteration: " + seen);
    }
    // Forced on: under the default, local mode keeps mini-batches drawn ahead by jobs.
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, GANG_ON);
    for (Map.Entry<String, List<String>> c : CASES.entrySet()) {
      Path jobs = tmp.resolve(c.getKey() + "-jobs");
      Path gang = tmp.resolve(c.getKey() + "-gang");
      List<String> seen = PrefetchTest.jobs(() -> train(c.getValue(), gang));
      DriverIterationsTest.assertSameRun(jobs, gang);
      assertEquals(0, gradientJobs(seen), c.getKey() + ": no gradient job: " + seen);
      long gangs = seen.stream().filter(GANG_JOB::equals).count();
      // The holdout's jobs and a new smoothing stage's loss end the gang; the next iteration starts another.
      assertTrue(c.getKey().equals("full-lbfgs-holdout") || c.getKey().equals("full-hinge-lbfgs") ? gangs > 1 : gangs == 1,
          c.getKey() + ": " + seen);
      assertTrue(TestData.historyWithoutMillis(gang).size() > 2, c.getKey());
    }
  }

  /**
   * Partition 0's task drops its connection on iteration 6's request: that iteration and the rest
   * run as Spark jobs, and the run ends with the bits of a job per iteration throughout.
   */
  @Test
  @DefaultLineOnly
  void aDroppedConnectionFallsBackToJobsWithTheSameBits() throws Exception {
    List<String> run = CASES.get("mini-dense-adam");
    Path jobs = tmp.resolve("drop-jobs");
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, NO_GANG);
    train(run, jobs);
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER,
        Map.of(Trainer.DROP_GANG_AT_ITERATION, "6", Partitions.CONF_GANG, "true"));
    Path gang = tmp.resolve("drop-gang");
    List<String> seen = PrefetchTest.jobs(() -> train(run, gang));
    DriverIterationsTest.assertSameRun(jobs, gang);
    assertTrue(seen.contains(GANG_JOB), seen.toString());
    assertTrue(seen.stream().noneMatch(j -> j.equals("iteration 5: gradient")), "iteration 5 ran in the gang: " + seen);
    assertEquals(20 - 5, gradientJobs(seen), "iterations 6 to 20 as jobs: " + seen);
  }

  @Test
  void theConfAndTheTaskSlotsChooseTheMode() {
    assertNull(Partitions.gangRefusal("auto", false, false, false, 2, 2), "a cluster with a slot per partition");
    assertNull(Partitions.gangRefusal("auto", true, false, false, 2, 2), "local mode with a slot per partition");
    assertNull(Partitions.gangRefusal("true", true, false, false, 2, 2), "forced on in local mode");
    assertNull(Partitions.gangRefusal("auto", true, true, false, 2, 2), "local mode allocates no executors");
    assertNotNull(Partitions.gangRefusal("auto", true, false, false, 3, 2), "local mode, more partitions than slots");
    assertNotNull(Partitions.gangRefusal("false", false, false, false, 2, 2), "switched off");
    assertNotNull(Partitions.gangRefusal("false", true, false, false, 2, 2), "switched off in local mode");
    assertNotNull(Partitions.gangRefusal("auto", false, false, false, 3, 2), "more partitions than slots");
    assertNotNull(Partitions.gangRefusal("auto", false, false, true, 2, 2), "model averaging");
    assertNotNull(Partitions.gangRefusal("auto", false, true, false, 2, 2), "executors allocated dynamically");
    assertNotNull(Partitions.gangRefusal("true", false, true, false, 2, 2), "dynamic allocation, forced on");
    assertThrows(ConfigException.class, () -> Partitions.gangRefusal("yes", false, false, false, 2, 2));
  }
}

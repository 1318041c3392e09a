package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Iterations on the driver (the cached blocks fit --prefetch-mb): the model, history and stop reason
 * of a Spark job per iteration, bit for bit, on every path of the trainer (full batch and
 * mini-batches, dense and sparse, lazy sparse updates, the lbfgs default and the hinge's smoothing
 * stages, a loss with its own parameter, weights, optimizers with state, a rejecting schedule, L1,
 * model averaging, a holdout with early stopping, more than 64 partitions, a resumed run), with no
 * iteration job at all; and the budget decides which mode runs. (The runs with --prefetch-mb 0 have
 * more partitions than local[2]'s task slots, so they run a job per iteration, not a gang.)
 */
class DriverIterationsTest {
  @TempDir
  static Path tmp;
  static Path dense;
  static Path sparse;
  static Path hashed;
  static Path weighted;
  static Path classes;

  @BeforeAll
  static void writeData() throws Exception {
    SparkTestSession.get();
    dense = Files.createDirectories(tmp.resolve("dense"));
    for (int f = 0; f < 4; f++) {
      TestData.write(dense.resolve("part-" + f + ".libsvm"), 5 + f, 600, 7, 0.3, 0.5);
    }
    sparse = tmp.resolve("sparse.libsvm");
    PrefetchTest.writeSparse(sparse, 2500, 400);
    hashed = tmp.resolve("hashed.libsvm");
    SparseLazyTrainTest.writeHashed(hashed);
    weighted = tmp.resolve("weighted.csv");
    PrefetchTest.writeWeighted(weighted, 2000, 5);
    classes = tmp.resolve("classes.libsvm");
    writeClasses(classes, 2000, 6);
  }

  @AfterAll
  static void restoreDefaultSession() {
    SparkTestSession.get();
  }

  /** Labels 0/1 from a noisy linear rule, not separable. */
  static void writeClasses(Path file, int n, int d) throws Exception {
    Random r = new Random(8);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      double[] x = r.doubles(d).map(v -> 2 * v - 1).toArray();
      double m = 1.5 * x[0] - x[1] + 0.5 * x[d - 1] + 0.4 * r.nextGaussian();
      sb.append(m > 0 ? "1" : "0");
      for (int j = 0; j < d; j++) {
        sb.append(' ').append(j + 1).append(':').append(String.format(Locale.ROOT, "%.6f", x[j]));
      }
      sb.append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("full-lbfgs-holdout", "dense", List.of("--validation-fraction", "0.2", "--validation-interval", "3")),
        Arguments.of("full-sparse-adam", "sparse", List.of("--optimizer", "adam", "--lr-schedule", "constant",
            "--step-size", "0.05", "--standardization", "false")),
        Arguments.of("full-hinge-lbfgs", "classes", List.of("--loss", "hinge", "--reg-param", "0.01")),
        Arguments.of("full-logistic-bb-l1", "classes", List.of("--loss", "logistic", "--lr-schedule", "bb",
            "--reg-param", "0.01", "--elastic-net-param", "0.5")),
        Arguments.of("full-adaptive-momentum-70-partitions", "dense", List.of("--lr-schedule", "adaptive",
            "--optimizer", "momentum", "--step-size", "2", "--num-partitions", "70")),
        Arguments.of("mini-dense-adam-early-stopping", "dense", List.of("--mini-batch-fraction", "0.1",
            "--optimizer", "adam", "--lr-schedule", "constant", "--step-size", "0.05",
            "--validation-fraction", "0.25", "--validation-interval", "2", "--patience", "2")),
        Arguments.of("mini-sparse-rmsprop", "sparse", List.of("--mini-batch-fraction", "0.08",
            "--optimizer", "rmsprop", "--lr-schedule", "constant", "--step-size", "0.01")),
        Arguments.of("mini-sparse-lazy-nesterov-l2", "hashed", List.of("--mini-batch-fraction", "0.02",
            "--optimizer", "nesterov", "--lr-schedule", "inverse-sqrt", "--step-size", "0.01", "--reg-param", "0.02")),
        Arguments.of("mini-weighted-huber", "weighted", List.of("--mini-batch-fraction", "0.1", "--loss", "huber",
            "--lr-schedule", "inverse-sqrt", "--step-size", "0.05")),
        Arguments.of("model-averaging-l1", "dense", List.of("--update-mode", "model-averaging",
            "--mini-batch-fraction", "0.2", "--lr-schedule", "constant", "--step-size", "0.01",
            "--reg-param", "0.01", "--elastic-net-param", "1")));
  }

  private static Path data(String name) {
    return switch (name) {
      case "sparse" -> sparse;
      case "hashed" -> hashed;
      case "weighted" -> weighted;
      case "classes" -> classes;
      default -> dense;
    };
  }

  private static TestData.Run train(String data, Path out, List<String> extra, String prefetchMb) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data(data).toString(), "--output", out.toString(),
        "--max-iter", "30", "--min-step-size", "0", "--tol", "0", "--seed", "9", "--prefetch-mb", prefetchMb));
    if (!extra.contains("--num-partitions")) {
      args.addAll(List.of("--num-partitions", "3"));
    }
    if (data.equals("weighted")) {
      args.addAll(List.of("--weight-col", "w"));
    }
    args.addAll(extra);
    return TestData.cliOnCurrentSession(args.toArray(new String[0]));
  }

  /** The iteration jobs (gradient, sparse gradient, model averaging, validation, draws) among {@code jobs}. */
  private static long iterationJobs(List<String> jobs) {
    return jobs.stream().filter(j -> j.startsWith("iteration")).count();
  }

  static void assertSameRun(Path expected, Path actual) throws Exception {
    assertArrayEquals(TestData.modelBits(expected), TestData.modelBits(actual), "weights and intercept");
    assertEquals(TestData.historyWithoutMillis(expected), TestData.historyWithoutMillis(actual), "history.csv");
    for (String key : new String[] {"iterations", "stopReason", "extraParams", "hingeSmoothing"}) {
      assertEquals(TestData.json(expected.resolve("model.json")).path(key).toString(),
          TestData.json(actual.resolve("model.json")).path(key).toString(), key);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void driverIterationsGiveTheBitsOfAJobPerIteration(String name, String data, List<String> extra) throws Exception {
    Path jobs = tmp.resolve(name + "-jobs");
    Path driver = tmp.resolve(name + "-driver");
    List<String> jobsSeen = PrefetchTest.jobs(() -> {
      TestData.Run r = train(data, jobs, extra, "0");
      assertEquals(0, r.exitCode(), r.err());
    });
    List<String> driverSeen = PrefetchTest.jobs(() -> {
      TestData.Run r = train(data, driver, extra, "64");
      assertEquals(0, r.exitCode(), r.err());
    });
    assertSameRun(jobs, driver);
    int iterations = TestData.historyWithoutMillis(driver).size() - 1;
    assertTrue(iterations > 1, "iterations " + iterations);
    assertTrue(iterationJobs(jobsSeen) >= iterations, "a job per iteration with --prefetch-mb 0: " + jobsSeen);
    assertEquals(0, iterationJobs(driverSeen), "no iteration job on the driver: " + driverSeen);
  }

  /** Cut short by a checkpointed --max-iter and resumed on the driver: the uninterrupted job run's bits. */
  @Test
  void aRunResumedOnTheDriverEndsWithTheBitsOfAnUninterruptedJobRun() throws Exception {
    List<String> run = List.of("--optimizer", "adam", "--lr-schedule", "constant", "--step-size", "0.05",
        "--mini-batch-fraction", "0.2", "--validation-fraction", "0.2", "--validation-interval", "4");
    Path whole = tmp.resolve("resume-whole");
    List<String> uninterrupted = new ArrayList<>(run);
    uninterrupted.addAll(List.of("--checkpoint-dir", tmp.resolve("resume-whole-ckpt").toString(),
        "--checkpoint-interval", "5"));
    assertEquals(0, train("dense", whole, uninterrupted, "0").exitCode());

    Path ck = tmp.resolve("resume-ckpt");
    List<String> cut = new ArrayList<>(run);
    cut.addAll(List.of("--checkpoint-dir", ck.toString(), "--checkpoint-interval", "5", "--max-iter", "13"));
    assertEquals(0, train("dense", tmp.resolve("resume-cut"), cut, "64").exitCode());
    Path resumed = tmp.resolve("resume-resumed");
    List<String> again = new ArrayList<>(run);
    again.addAll(List.of("--checkpoint-dir", ck.toString(), "--checkpoint-interval", "5", "--resume"));
    List<String> seen = PrefetchTest.jobs(() -> {
      TestData.Run r = train("dense", resumed, again, "64");
      assertEquals(0, r.exitCode(), r.err());
    });
    assertSameRun(whole, resumed);
    assertEquals(0, iterationJobs(seen), seen.toString());
  }

  @Test
  void theBudgetChoosesTheMode() throws Exception {
    // 4 × 600 rows × (7 features + label) doubles: 150 KB of blocks.
    assertNull(Partitions.refusal(64, 150_000, true, false));
    assertNull(Partitions.refusal(1, 1L << 20, true, false), "exactly the budget fits");
    assertNotNull(Partitions.refusal(1, (1L << 20) + 1, true, false), "a byte more does not");
    assertNotNull(Partitions.refusal(0, 150_000, true, false), "budget 0: off");
    assertNotNull(Partitions.refusal(64, 150_000, false, false), "switched off by Spark conf");
    assertNotNull(Partitions.refusal(64, 150_000, true, true), "tasks for a test hook");

    // 12,000 rows × 12 features: about 1.25 MB of blocks, over a budget of 1 MB, under 2 MB.
    Path big = tmp.resolve("big.libsvm");
    TestData.write(big, 4, 12_000, 12, 0.3, 0.0);
    List<String> over = PrefetchTest.jobs(() -> assertEquals(0, TestData.cliOnCurrentSession("train", "--data",
        big.toString(), "--output", tmp.resolve("big-1").toString(), "--max-iter", "4", "--min-step-size", "0",
        "--tol", "0", "--prefetch-mb", "1").exitCode()));
    List<String> under = PrefetchTest.jobs(() -> assertEquals(0, TestData.cliOnCurrentSession("train", "--data",
        big.toString(), "--output", tmp.resolve("big-2").toString(), "--max-iter", "4", "--min-step-size", "0",
        "--tol", "0", "--prefetch-mb", "2").exitCode()));
    // Over the budget: a gang of long-running tasks (a task slot per partition), no job per iteration.
    assertEquals(1, over.stream().filter(GangIterationsTest.GANG_JOB::equals).count(), over.toString());
    assertEquals(0, over.stream().filter(j -> j.endsWith(": gradient")).count(), over.toString());
    assertEquals(0, iterationJobs(under), under.toString());
    assertTrue(under.stream().noneMatch(GangIterationsTest.GANG_JOB::equals), under.toString());
    assertArrayEquals(TestData.modelBits(tmp.resolve("big-1")), TestData.modelBits(tmp.resolve("big-2")));
  }

  /**
   * A stop requested while an iteration runs on the driver ends it as a stop cancels its job: the
   * threads are interrupted, the iteration is dropped and the run ends INTERRUPTED at the last
   * finished one (here none: the first iteration's local steps would take minutes).
   */
  @Test
  void aStopEndsAnIterationRunningOnTheDriver() throws Exception {
    try (TrainHarness h = new TrainHarness(dense.resolve("part-0.libsvm"), 2, b -> b)) {
      java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
      TrainingListener stopOnceRunning = new TrainingListener() {
        @Override
        public void onIteration(IterationRecord r, int maxIter) {
        }

        @Override
        public boolean stopRequested() {
          return asked.incrementAndGet() > 1; // the loop asks once before the iteration starts
        }
      };
      TrainResult r = h.train(b -> b.updateMode(dev.sparksgd.config.UpdateMode.MODEL_AVERAGING)
          .localSteps(Integer.MAX_VALUE).stepSize("0.001").lrSchedule(dev.sparksgd.config.LrSchedule.CONSTANT)
          .maxIter(3), stopOnceRunning);
      assertEquals(StopReason.INTERRUPTED, r.stopReason());
      assertEquals(0, r.iterations());
      assertTrue(asked.get() > 1, "the waiting loop asked again while the iteration ran");
      // The interrupted work ended (the trainer waits for its pool to terminate before it returns).
      // A pool terminates while its last worker thread is still on its way out, so each thread
      // gets a bounded moment to finish exiting.
      List<Thread> partitionThreads = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith(Partitions.THREAD_NAME)).toList();
      for (Thread t : partitionThreads) {
        t.join(10_000);
      }
      assertEquals(List.of(), partitionThreads.stream().filter(Thread::isAlive).map(Thread::getName).toList());
    }
  }

  /**
   * Without block results (as from executors in other JVMs) the blocks come to the driver packed,
   * in one job, holdout blocks marked as such: the same bits again.
   */
  @Test
  void blocksFetchedPackedByAJobGiveTheSameBits() throws Exception {
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER,
        java.util.Map.of(dev.sparksgd.data.BlockResults.CONF_ENABLED, "false"));
    List<String> run = List.of("--validation-fraction", "0.2", "--validation-interval", "2", "--patience", "3");
    Path jobs = tmp.resolve("packed-jobs");
    Path driver = tmp.resolve("packed-driver");
    assertEquals(0, train("dense", jobs, run, "0").exitCode());
    List<String> seen = PrefetchTest.jobs(() -> {
      TestData.Run r = train("dense", driver, run, "64");
      assertEquals(0, r.exitCode(), r.err());
    });
    assertSameRun(jobs, driver);
    assertEquals(1, seen.stream().filter(j -> j.equals("training rows to the driver")).count(), seen.toString());
    assertEquals(0, iterationJobs(seen), seen.toString());
  }
}

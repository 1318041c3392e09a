package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.LogCapture;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sparse mini-batches on the lazy path (sparse sums from the tasks, lazy updates, norms from the
 * lazy state) train the model the dense path trains: the same weights and the same history up to
 * rounding, through centring, penalties, averaging, a holdout and a checkpoint, with the rows drawn
 * ahead or summed by the tasks (those two give the same bits).
 */
class SparseLazyTrainTest {
  @TempDir
  static Path tmp;
  static Path data;

  @BeforeAll
  static void writeData() throws Exception {
    data = tmp.resolve("hashed.libsvm");
    writeHashed(data);
  }

  static void writeHashed(Path file) throws Exception {
    // 4000 rows, 20000 features: 3 of 10 frequent ones and 5 rare ones per row, as hashed logs.
    Random r = new Random(5);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 4000; i++) {
      int[] cols = Stream.concat(r.ints(0, 10).distinct().limit(3).boxed(),
          r.ints(10, 20000).distinct().limit(5).boxed()).mapToInt(Integer::intValue).sorted().toArray();
      double y = 0.5;
      StringBuilder row = new StringBuilder();
      for (int c : cols) {
        double v = c < 10 ? 1.0 : r.nextGaussian();
        y += v * ((c % 7) - 3) * 0.3;
        row.append(' ').append(c + 1).append(':').append(String.format(Locale.ROOT, "%.6f", v));
      }
      sb.append(String.format(Locale.ROOT, "%.6f", y + 0.1 * r.nextGaussian())).append(row).append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  @AfterAll
  static void restoreDefaultSession() {
    SparkTestSession.get();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("sgd-centred", List.of("--step-size", "0.003")),
        Arguments.of("sgd-l2-holdout", List.of("--step-size", "0.003", "--reg-param", "0.05", "--validation-fraction", "0.2",
            "--validation-interval", "3")),
        Arguments.of("momentum-l2-averaged", List.of("--optimizer", "momentum", "--reg-param", "0.02",
            "--averaging", "true", "--averaging-start", "10", "--step-size", "0.001")),
        Arguments.of("nesterov-checkpointed", List.of("--optimizer", "nesterov", "--step-size", "0.01",
            "--checkpoint-dir", "CKPT", "--checkpoint-interval", "7")),
        Arguments.of("adagrad-unscaled", List.of("--optimizer", "adagrad", "--standardization", "false",
            "--step-size", "0.5")),
        Arguments.of("rmsprop-no-intercept", List.of("--optimizer", "rmsprop", "--fit-intercept", "false",
            "--standardization", "false", "--step-size", "0.01")));
  }

  private static TestData.Run train(Path out, List<String> extra, String prefetchMb) {
    return train(data, out, extra, prefetchMb);
  }

  private static TestData.Run train(Path file, Path out, List<String> extra, String prefetchMb) {
    List<String> args = new ArrayList<>(List.of("train", "--data", file.toString(), "--output", out.toString(),
        "--max-iter", "40", "--min-step-size", "0", "--tol", "0", "--seed", "3", "--num-partitions", "3",
        "--mini-batch-fraction", "0.05", "--prefetch-mb", prefetchMb));
    for (String a : extra) {
      int given = args.indexOf(a);
      if (given > 0 && a.startsWith("--")) { // the case's value instead of the default above
        args.subList(given, given + 2).clear();
      }
      args.add(a.equals("CKPT") ? out.resolveSibling(out.getFileName() + "-ckpt").toString() : a);
    }
    return TestData.cliOnCurrentSession(args.toArray(new String[0]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void lazyPathTrainsTheDenseModel(String name, List<String> extra) throws Exception {
    assertLazyTrainsTheDenseModel(data, name, extra, false);
  }

  /**
   * Hashed one-hot rows (every value 1) with the penalty on the raw coefficients
   * (--standardization false): its factors 1/s_j take one value per feature frequency, and the
   * grouped lazy form trains the dense model, with and without centring.
   */
  @ParameterizedTest(name = "fit-intercept {0}")
  @ValueSource(strings = {"true", "false"})
  void rawCoefficientPenaltyOnOneHotRowsIsLazy(String intercept) throws Exception {
    Path file = tmp.resolve("one-hot.libsvm");
    if (!Files.exists(file)) {
      writeOneHot(file);
    }
    assertLazyTrainsTheDenseModel(file, "raw-penalty-" + intercept, List.of("--loss", "logistic", "--reg-param",
        "0.01", "--standardization", "false", "--fit-intercept", intercept, "--step-size", "0.05", "--max-iter", "60"),
        true);
  }

  /**
   * A batch with more non-zeros than a quarter of the features takes the lazy path when its rows
   * share most of their features (counted in a sample of partition 0), and the dense update when
   * they do not. 4000 rows × 20000 features, 11 non-zeros a row, batches of 1000 rows (11000
   * non-zeros): 10 of 50 frequent features and one rare one a row touch about 1000 distinct
   * features; 11 uniform ones about 8500.
   */
  @Test
  void aBatchIsCountedByItsDistinctFeatures() throws Exception {
    SparkTestSession.get();
    for (boolean shared : new boolean[] {true, false}) {
      Path file = tmp.resolve("distinct-" + shared + ".libsvm");
      Random r = new Random(13);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 4000; i++) {
        int[] cols = (shared ? Stream.concat(r.ints(0, 50).distinct().limit(10).boxed(),
            r.ints(50, 20000).limit(1).boxed()) : r.ints(0, 20000).distinct().limit(11).boxed())
            .mapToInt(Integer::intValue).sorted().toArray();
        sb.append(r.nextInt(2));
        for (int c : cols) {
          sb.append(' ').append(c + 1).append(":1");
        }
        sb.append('\n');
      }
      Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
      try (LogCapture logs = LogCapture.start()) {
        TestData.Run run = train(file, tmp.resolve("distinct-" + shared + "-model"), List.of("--loss", "logistic",
            "--mini-batch-fraction", "0.25", "--max-iter", "3", "--step-size", "0.1"), "0");
        assertEquals(0, run.exitCode(), run.err());
        String all = logs.all();
        java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("a mini-batch touches about (\\d+) distinct features of \\d+").matcher(all);
        assertTrue(m.find(), all);
        long touched = Long.parseLong(m.group(1));
        assertTrue(shared ? touched > 900 && touched < 1200 : touched > 7500 && touched < 9500, "touched " + touched);
        assertEquals(shared, all.contains("sparse mini-batches: gradients and updates touch only"), all);
        assertEquals(!shared, all.contains("mini-batch iterations update all of them"), all);
      }
    }
  }

  /** 4000 rows, 20000 features: 2 of 8 frequent ones and 6 rare ones per row, each of value 1. */
  private static void writeOneHot(Path file) throws Exception {
    Random r = new Random(11);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 4000; i++) {
      int[] cols = Stream.concat(r.ints(0, 8).distinct().limit(2).boxed(),
          r.ints(8, 20000).distinct().limit(6).boxed()).mapToInt(Integer::intValue).sorted().toArray();
      double m = -0.4;
      StringBuilder row = new StringBuilder();
      for (int c : cols) {
        m += ((c % 9) - 4) * 0.25;
        row.append(' ').append(c + 1).append(":1");
      }
      sb.append(r.nextDouble() < 1 / (1 + Math.exp(-m)) ? "1" : "0").append(row).append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** With {@code lazyLogged}, also that the lazy path ran (some of the cases above have no lazy form). */
  private static void assertLazyTrainsTheDenseModel(Path file, String name, List<String> extra, boolean lazyLogged)
      throws Exception {
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, Map.of(LazyIteration.CONF_ENABLED, "false"));
    Path dense = tmp.resolve(name + "-dense");
    TestData.Run d = train(file, dense, extra, "0");
    assertEquals(0, d.exitCode(), d.err());
    SparkTestSession.get();
    Path tasks = tmp.resolve(name + "-lazy-tasks");
    Path drawn = tmp.resolve(name + "-lazy-drawn");
    TestData.Run lt;
    try (LogCapture logs = LogCapture.start()) {
      lt = train(file, tasks, extra, "0");
      assertTrue(!lazyLogged || logs.all().contains(
          "sparse mini-batches: gradients and updates touch only the batch's features"), name + ": the lazy path");
    }
    assertEquals(0, lt.exitCode(), lt.err());
    TestData.Run ld = train(file, drawn, extra, "64");
    assertEquals(0, ld.exitCode(), ld.err());

    assertArrayEquals(TestData.modelBits(tasks), TestData.modelBits(drawn), "drawn ahead: the same bits");
    assertEquals(TestData.historyWithoutMillis(tasks), TestData.historyWithoutMillis(drawn));

    double[] wd = TestData.weights(dense);
    double[] wl = TestData.weights(tasks);
    double scale = 0;
    for (double x : wd) {
      scale = Math.max(scale, Math.abs(x));
    }
    assertTrue(scale > 1e-3, "a model that moved: " + scale);
    for (int j = 0; j < wd.length; j++) {
      assertEquals(wd[j], wl[j], 1e-9 * scale, name + " weight " + j);
    }
    assertEquals(TestData.intercept(dense), TestData.intercept(tasks), 1e-9 * Math.max(1, scale), "intercept");
    List<String> hd = TestData.historyWithoutMillis(dense);
    List<String> hl = TestData.historyWithoutMillis(tasks);
    assertEquals(hd.size(), hl.size(), "iterations");
    for (int i = 1; i < hd.size(); i++) { // iteration, loss, objective, eta, step, gradient norm, ...
      String[] a = hd.get(i).split(",", -1);
      String[] b = hl.get(i).split(",", -1);
      for (int c = 0; c < a.length; c++) {
        if (a[c].isEmpty() || a[c].equals(b[c])) {
          continue;
        }
        double x = Double.parseDouble(a[c]);
        assertEquals(x, Double.parseDouble(b[c]), 1e-8 * Math.max(1, Math.abs(x)),
            name + " history row " + i + " column " + c + ": " + hd.get(0));
      }
    }
  }

  /**
   * A lazy run resumed from its checkpoint gives the bits of the uninterrupted run with the same
   * checkpoint interval: the weights, the optimizer's state, the averaging sum and the history,
   * with the rows drawn ahead or summed by the tasks. The weights are flushed before every
   * checkpoint, which rounds differently from reading them later, so the run is cut where the
   * uninterrupted one writes a checkpoint too (as when a driver dies and the run resumes from its
   * last checkpoint).
   */
  @ParameterizedTest(name = "prefetch-mb {0}")
  @ValueSource(strings = {"0", "64"})
  void aLazyRunCutShortAndResumedIsBitIdentical(String prefetchMb) throws Exception {
    SparkTestSession.get();
    List<String> opts = List.of("--optimizer", "momentum", "--reg-param", "0.02", "--averaging", "true",
        "--averaging-start", "5", "--step-size", "0.001", "--validation-fraction", "0.2", "--validation-interval", "4");
    Path whole = tmp.resolve("resume-whole-" + prefetchMb);
    List<String> uninterrupted = new ArrayList<>(opts);
    uninterrupted.addAll(List.of("--checkpoint-dir", tmp.resolve("resume-whole-ckpt-" + prefetchMb).toString(),
        "--checkpoint-interval", "5"));
    try (LogCapture logs = LogCapture.start()) {
      assertEquals(0, train(whole, uninterrupted, prefetchMb).exitCode());
      assertTrue(logs.all().contains("sparse mini-batches: gradients and updates touch only the batch's features"),
          "the lazy path");
    }
    Path ck = tmp.resolve("resume-ckpt-" + prefetchMb);
    List<String> cut = new ArrayList<>(opts);
    cut.addAll(List.of("--max-iter", "10", "--checkpoint-dir", ck.toString(), "--checkpoint-interval", "5"));
    assertEquals(0, train(tmp.resolve("resume-cut-" + prefetchMb), cut, prefetchMb).exitCode());
    assertEquals(List.of("checkpoint-000000010.json"), TestData.fileNames(ck));
    Path resumed = tmp.resolve("resume-resumed-" + prefetchMb);
    List<String> again = new ArrayList<>(opts);
    again.addAll(List.of("--checkpoint-dir", ck.toString(), "--checkpoint-interval", "5", "--resume"));
    TestData.Run r = train(resumed, again, prefetchMb);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("iter 11/40") && !r.out().contains("iter 10/40"), r.out());
    assertArrayEquals(TestData.modelBits(whole), TestData.modelBits(resumed), "weights and intercept");
    assertEquals(TestData.historyWithoutMillis(whole), TestData.historyWithoutMillis(resumed), "history");
  }

  /**
   * Rows drawn ahead when they are not held on the driver: the sums over the batch's columns (the
   * next batch planned on a thread beside the iterations) give the bits of the tasks' sums,
   * standardized and centred (the held rows are compared in {@link #lazyPathTrainsTheDenseModel}).
   */
  @Test
  void batchesDrawnAheadGiveTheTasksBits() throws Exception {
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, Map.of(Partitions.CONF_ENABLED, "false",
        Partitions.CONF_GANG, "false"));
    try {
      List<String> extra = List.of("--step-size", "0.003", "--max-iter", "12");
      Path tasks = tmp.resolve("ahead-tasks");
      Path drawn = tmp.resolve("ahead-drawn");
      assertEquals(0, train(tasks, extra, "0").exitCode());
      List<String> jobs = PrefetchTest.jobs(() -> assertEquals(0, train(drawn, extra, "64").exitCode()));
      assertTrue(jobs.stream().anyMatch(j -> j.endsWith("draw mini-batches")), jobs.toString());
      assertArrayEquals(TestData.modelBits(tasks), TestData.modelBits(drawn), "weights and intercept");
      assertEquals(TestData.historyWithoutMillis(tasks), TestData.historyWithoutMillis(drawn), "history");
      // The thread that plans the next batch beside the iterations ends with the run.
      assertTrue(Thread.getAllStackTraces().keySet().stream()
          .noneMatch(th -> th.isAlive() && th.getName().startsWith("spark-sgd-batch-planner-")),
          "a batch planner thread outlived its run");
    } finally {
      SparkTestSession.get();
    }
  }

  /**
   * The lazy path is taken for these mini-batches (one sparse gradient job per iteration), and not
   * for a full batch or with L1.
   */
  @Test
  void lazyPathIsTakenForSparseMiniBatchesOnly() {
    SparkTestSession.get();
    assertEquals(5, sparseJobs("lazy", List.of("--max-iter", "5")));
    assertEquals(0, sparseJobs("full", List.of("--max-iter", "5", "--mini-batch-fraction", "1")));
    assertEquals(0, sparseJobs("l1", List.of("--max-iter", "5", "--reg-param", "0.01", "--elastic-net-param", "1")));
  }

  private static long sparseJobs(String name, List<String> extra) {
    List<String> jobs = PrefetchTest.jobs(() -> assertEquals(0, train(tmp.resolve("taken-" + name), extra, "0").exitCode()));
    return jobs.stream().filter(j -> j.endsWith(": gradient (sparse)")).count();
  }
}

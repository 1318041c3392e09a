package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.FeatureValues;
import dev.sparksgd.data.IndexSampler;
import dev.sparksgd.data.Seeds;
import dev.sparksgd.loss.SquaredLoss;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --prefetch-mb: mini-batches drawn ahead give the model, history and stopping of the
 * one-job-per-iteration path bit for bit (dense, sparse with mixed block kinds, weights, a loss with
 * its own parameter, more than 64 partitions, optimizers with state, a rejecting schedule, a holdout),
 * while running one Spark job per K iterations. (Iterations on the driver, which the budget would
 * choose for these small data sets, are switched off here: see {@code DriverIterationsTest}.)
 */
class PrefetchTest {
  @TempDir
  static Path tmp;
  static Path dense;
  static Path sparse;
  static Path weighted;

  @BeforeAll
  static void writeData() throws Exception {
    // Six files: six splits, so each of 3 partitions holds several blocks.
    dense = Files.createDirectories(tmp.resolve("dense"));
    for (int f = 0; f < 6; f++) {
      TestData.write(dense.resolve("part-" + f + ".libsvm"), 5, 500, 7, 0.3, 0.5);
    }
    sparse = tmp.resolve("sparse.libsvm");
    writeSparse(sparse, 2500, 400);
    weighted = tmp.resolve("weighted.csv");
    writeWeighted(weighted, 2000, 5);
  }

  @AfterAll
  static void restoreDefaultSession() {
    SparkTestSession.get();
  }

  /** Sparse rows of 1-12 non-zeros over d features, plus every 7th row nearly dense (mixed blocks). */
  static void writeSparse(Path file, int n, int d) throws Exception {
    Random r = new Random(11);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int k = i % 700 < 100 ? d - r.nextInt(5) : 1 + r.nextInt(12);
      int[] cols = r.ints(0, d).distinct().limit(k).sorted().toArray();
      double y = 0;
      StringBuilder row = new StringBuilder();
      for (int c : cols) {
        double v = r.nextGaussian();
        y += v * ((c % 5) - 2);
        row.append(' ').append(c + 1).append(':').append(String.format(Locale.ROOT, "%.6f", v));
      }
      sb.append(String.format(Locale.ROOT, "%.6f", y + 0.1 * r.nextGaussian())).append(row).append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  static void writeWeighted(Path file, int n, int d) throws Exception {
    Random r = new Random(3);
    StringBuilder sb = new StringBuilder("label,w");
    for (int j = 0; j < d; j++) {
      sb.append(",x").append(j);
    }
    sb.append('\n');
    for (int i = 0; i < n; i++) {
      double[] x = r.doubles(d).map(v -> 4 * v - 2).toArray();
      double y = 1.5 * x[0] - x[d - 1] + 0.2 * r.nextGaussian() + (i % 50 == 0 ? 30 : 0);
      sb.append(String.format(Locale.ROOT, "%.6f,%.3f", y, 0.25 + r.nextDouble() * 2));
      for (double v : x) {
        sb.append(String.format(Locale.ROOT, ",%.6f", v));
      }
      sb.append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("dense", List.of("--mini-batch-fraction", "0.05", "--validation-fraction", "0.2")),
        Arguments.of("dense-adam", List.of("--mini-batch-fraction", "0.1", "--optimizer", "adam",
            "--step-size", "0.05")),
        Arguments.of("dense-70-partitions", List.of("--mini-batch-fraction", "0.3", "--num-partitions", "70")),
        Arguments.of("sparse", List.of("--mini-batch-fraction", "0.08", "--standardization", "false",
            "--step-size", "0.02")),
        Arguments.of("weighted-huber", List.of("--mini-batch-fraction", "0.1", "--loss", "huber",
            "--step-size", "0.05")),
        Arguments.of("weighted-early-stopping", List.of("--mini-batch-fraction", "0.1",
            "--validation-fraction", "0.25", "--validation-interval", "2", "--patience", "2")));
  }

  private static Path dataFor(String name) {
    return name.startsWith("sparse") ? sparse : name.startsWith("weighted") ? weighted : dense;
  }

  private static TestData.Run train(Path data, Path out, List<String> extra, String prefetchMb) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--output", out.toString(),
        "--max-iter", "30", "--min-step-size", "0", "--tol", "0", "--seed", "9", "--num-partitions", "3",
        "--prefetch-mb", prefetchMb));
    if (data == weighted) {
      args.addAll(List.of("--weight-col", "w"));
    }
    args.addAll(extra);
    return TestData.cliOnCurrentSession(args.toArray(new String[0]));
  }

  /** Job descriptions seen while running {@code body}. */
  static List<String> jobs(Runnable body) {
    SparkContext sc = org.apache.spark.sql.SparkSession.active().sparkContext();
    ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    SparkListener l = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        String d = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
        seen.add(d == null ? "" : d);
      }
    };
    sc.addSparkListener(l);
    try {
      body.run();
      sc.listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    } finally {
      sc.removeSparkListener(l);
    }
    return new ArrayList<>(seen);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void drawnAheadGivesTheSameBitsAsAJobPerIteration(String name, List<String> extra) throws Exception {
    // At most 7 iterations per job: 30 iterations take several draws, not one.
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, Map.of(BatchPrefetch.MAX_PER_JOB_CONF, "7",
        Partitions.CONF_ENABLED, "false", Partitions.CONF_GANG, "false"));
    Path data = dataFor(name);
    Path off = tmp.resolve(name + "-off");
    Path on = tmp.resolve(name + "-on");
    List<String> offJobs = jobs(() -> assertEquals(0, train(data, off, extra, "0").exitCode()));
    List<String> onJobs = jobs(() -> assertEquals(0, train(data, on, extra, "64").exitCode()));

    assertArrayEquals(TestData.modelBits(off), TestData.modelBits(on), "weights and intercept");
    assertEquals(TestData.historyWithoutMillis(off), TestData.historyWithoutMillis(on), "history.csv");
    for (String key : new String[] {"iterations", "stopReason", "extraParams"}) {
      assertEquals(TestData.json(off.resolve("model.json")).path(key).toString(),
          TestData.json(on.resolve("model.json")).path(key).toString(), key);
    }

    int iterations = TestData.historyWithoutMillis(on).size() - 1;
    long gradientJobs = offJobs.stream().filter(d -> d.endsWith(": gradient")).count();
    assertEquals(iterations, gradientJobs, "without prefetch: one gradient job per iteration " + offJobs);
    assertEquals(0, onJobs.stream().filter(d -> d.endsWith(": gradient")).count(), onJobs.toString());
    long draws = onJobs.stream().filter(d -> d.endsWith(": draw mini-batches")).count();
    assertEquals((iterations + 6) / 7, draws, "one draw per 7 iterations " + onJobs);
  }

  /**
   * With block results off, the drawn rows come packed in the task's status message (the path a
   * task in another JVM uses, through a block when on): the same bits.
   */
  @Test
  void packedDrawnRowsGiveTheSameBits() throws Exception {
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, Map.of(BatchPrefetch.MAX_PER_JOB_CONF, "7",
        Partitions.CONF_ENABLED, "false", Partitions.CONF_GANG, "false"));
    Path plain = tmp.resolve("packed-plain");
    assertEquals(0, train(sparse, plain, List.of("--mini-batch-fraction", "0.2"), "0").exitCode());
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, Map.of(BatchPrefetch.MAX_PER_JOB_CONF, "7",
        Partitions.CONF_ENABLED, "false", Partitions.CONF_GANG, "false", dev.sparksgd.data.BlockResults.CONF_ENABLED, "false"));
    Path packed = tmp.resolve("packed-on");
    TestData.Run run = train(sparse, packed, List.of("--mini-batch-fraction", "0.2"), "64");
    assertEquals(0, run.exitCode(), run.err());
    assertArrayEquals(TestData.modelBits(plain), TestData.modelBits(packed));
    assertEquals(TestData.historyWithoutMillis(plain), TestData.historyWithoutMillis(packed));
  }

  @Test
  void aRetriedDrawTaskGivesTheSameBits() throws Exception {
    SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, Map.of(BatchPrefetch.MAX_PER_JOB_CONF, "7",
        Partitions.CONF_ENABLED, "false", Partitions.CONF_GANG, "false"));
    Path plain = tmp.resolve("retry-plain");
    assertEquals(0, train(dense, plain, List.of("--mini-batch-fraction", "0.1"), "64").exitCode());
    SparkTestSession.get("local[2,2]", Map.of(BatchPrefetch.MAX_PER_JOB_CONF, "7",
        Partitions.CONF_ENABLED, "false", Partitions.CONF_GANG, "false", Trainer.FAIL_TASK_AT_ITERATION, "10"));
    Path retried = tmp.resolve("retry-failed");
    TestData.Run run = train(dense, retried, List.of("--mini-batch-fraction", "0.1"), "64");
    assertEquals(0, run.exitCode(), run.err());
    assertArrayEquals(TestData.modelBits(plain), TestData.modelBits(retried));
  }

  @Test
  void drawnRowsAreTheSamplersRowsInOrder() {
    // Two training blocks (dense, sparse) around a holdout block, which indexes skip.
    Block a = Block.dense(3, 2, new double[] {1, 2, 3, 4, 5, 6}, new double[] {10, 11, 12}, null, false);
    Block h = Block.dense(2, 2, new double[] {9, 9, 9, 9}, new double[] {99, 99}, null, true);
    Block b = Block.sparse(4, new int[] {0, 1, 1, 3, 4}, new int[] {0, 0, 1, 1}, new double[] {7, 8, 9, 10},
        new double[] {20, 21, 22, 23}, new double[] {1, 2, 3, 4}, false);
    double fraction = 0.5;
    // (through the packed form the driver receives)
    Block[][] drawn = DrawnRows.unpack(DrawnRows.pack(
        BatchPrefetch.drawRows(List.of(a, h, b).iterator(), fraction, 5, 3, 4, 1)));
    assertEquals(4, drawn.length);
    for (int i = 0; i < 4; i++) {
      IndexSampler s = new IndexSampler(fraction, Seeds.derive(5, 3 + i, 1));
      List<Double> expected = new ArrayList<>();
      while (s.peek() < 7) {
        long at = s.peek();
        expected.add(at < 3 ? a.labels[(int) at] : b.labels[(int) at - 3]);
        s.advance();
      }
      List<Double> got = new ArrayList<>();
      for (Block x : drawn[i]) {
        assertTrue(!x.holdout);
        for (int r = 0; r < x.numRows; r++) {
          got.add(x.labels[r]);
        }
      }
      assertEquals(expected, got, "iteration " + (3 + i));
      // and the sums over the copies are the sampled sums over the originals, bit for bit
      double[] coef = {0.3, -0.7, 0.1};
      double[] direct = GradientTask.partialSums(List.of(a, h, b).iterator(),
          new IndexSampler(fraction, Seeds.derive(5, 3 + i, 1)), coef, 2, SquaredLoss.INSTANCE);
      double[] copied = GradientTask.drawnSums(Arrays.asList(drawn[i]), coef, 2, SquaredLoss.INSTANCE);
      assertArrayEquals(direct, copied, 0.0);
    }
  }

  @Test
  void packedRowsUnpackToTheSameBlocks() {
    Block dense = Block.dense(2, 3, new double[] {1, -0.0, Double.MIN_VALUE, 4, 5e300, -6},
        new double[] {7, 8}, null, false);
    Block sparse = Block.sparse(3, new int[] {0, 2, 2, 3}, new int[] {1, 262143, 5}, new double[] {0.5, -1, 2},
        new double[] {1, 2, 3}, new double[] {0.25, 1, 4}, false);
    // Float values (--feature-precision float32) travel as 4-byte floats and come back as floats.
    Block floatDense = Block.dense(2, 3, FeatureValues.of(new float[] {1, -0.0f, Float.MIN_VALUE, 4, 3e38f, -6}),
        new double[] {7, 8}, new double[] {0.5, 2}, false);
    Block floatSparse = Block.sparse(3, new int[] {0, 2, 2, 3}, new int[] {1, 262143, 5},
        FeatureValues.of(new float[] {0.1f, -1, 2}), new double[] {1, 2, 3}, null, true);
    Block holdout = Block.dense(1, 2, new double[] {3, 4}, new double[] {5}, null, true);
    Block[][] in = {{dense, sparse}, {}, {sparse, floatDense, floatSparse, holdout}};
    Block[][] out = DrawnRows.unpack(DrawnRows.pack(in));
    assertEquals(3, out.length);
    assertEquals(0, out[1].length);
    for (int i : new int[] {0, 2}) {
      for (int j = 0; j < in[i].length; j++) {
        Block a = in[i][j];
        Block b = out[i][j];
        assertEquals(a.numRows, b.numRows);
        assertEquals(a.numCols, b.numCols);
        assertEquals(a.isSparse(), b.isSparse());
        assertEquals(a.values.precision(), b.values.precision());
        assertEquals(a.holdout, b.holdout);
        assertArrayEquals(a.labels, b.labels, 0.0);
        assertArrayEquals(a.weights, b.weights, 0.0);
        assertArrayEquals(a.rowPtr, b.rowPtr);
        assertArrayEquals(a.colIdx, b.colIdx);
        long[] av = Arrays.stream(a.values.toDoubles()).mapToLong(Double::doubleToRawLongBits).toArray();
        long[] bv = Arrays.stream(b.values.toDoubles()).mapToLong(Double::doubleToRawLongBits).toArray();
        assertArrayEquals(av, bv);
      }
    }
  }

  @Test
  void iterationsPerJobFollowTheBudgetAndTheSizeLimit() {
    // 1M rows of 168 cached bytes, 10,000 per iteration: 1.7 MB sent, (168 + 160) B each in memory.
    assertEquals((int) (64.0 * 1024 * 1024 / (10_000 * 328.0)),
        BatchPrefetch.iterationsPerJob(64, 0.01, 1_000_000, 0, 168_000_000L, false));
    assertEquals(0, BatchPrefetch.iterationsPerJob(0, 0.01, 1_000_000, 0, 168_000_000L, true), "off");
    assertEquals(0, BatchPrefetch.iterationsPerJob(64, 1.0, 1_000_000, 0, 168_000_000L, true), "full batch");
    // 808 B per row: 8 MB an iteration is more than sending is worth.
    assertEquals(0, BatchPrefetch.iterationsPerJob(512, 0.01, 1_000_000, 0, 808_000_000L, false), "too large");
    // ... unless the rows are not sent (local mode, block results): then the budget decides.
    assertEquals((int) (512.0 * 1024 * 1024 / (10_000 * 968.0)),
        BatchPrefetch.iterationsPerJob(512, 0.01, 1_000_000, 0, 808_000_000L, true), "not sent");
    // tiny batches: capped
    assertEquals(BatchPrefetch.MAX_ITERATIONS_PER_JOB, BatchPrefetch.iterationsPerJob(64, 0.001, 1000, 0, 100_000L, false));
  }

  @Test
  void runsOfTheSameKindAreJoinedWithTheSameSums() {
    Block d1 = Block.dense(2, 2, new double[] {1, 2, 3, 4}, new double[] {1, 2}, null, false);
    Block d2 = Block.dense(1, 2, new double[] {5, 6}, new double[] {3}, null, false);
    Block s1 = Block.sparse(2, new int[] {0, 1, 3}, new int[] {0, 0, 2}, new double[] {7, 8, 9},
        new double[] {4, 5}, null, false);
    Block s2 = Block.sparse(1, new int[] {0, 2}, new int[] {1, 2}, new double[] {1e-3, 1e3},
        new double[] {6}, null, false);
    Block d3 = Block.dense(1, 3, new double[] {1, 1, 1}, new double[] {7}, null, false);
    List<Block> in = List.of(d1, d2, s1, s2, d3);
    Block[] merged = BatchPrefetch.mergeRuns(in);
    assertEquals(3, merged.length);
    assertEquals(3, merged[0].numRows);
    assertEquals(3, merged[1].numRows);
    assertArrayEquals(new int[] {0, 1, 3, 5}, merged[1].rowPtr);
    assertArrayEquals(new int[] {0, 0, 2, 1, 2}, merged[1].colIdx);
    double[] coef = {0.25, -1.5, 3.0, 0.5};
    assertArrayEquals(GradientTask.drawnSums(in, coef, 3, SquaredLoss.INSTANCE),
        GradientTask.drawnSums(Arrays.asList(merged), coef, 3, SquaredLoss.INSTANCE), 0.0);
  }
}

package dev.sparksgd.train;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.Block;
import dev.sparksgd.data.FeatureValues;
import dev.sparksgd.data.BlockResults;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.IndexSampler;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.data.Seeds;
import dev.sparksgd.loss.Loss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mini-batches drawn ahead ({@code --prefetch-mb}). With small mini-batches an iteration's cost is
 * Spark's fixed cost of one job, not the arithmetic. So one job draws, in every partition, the rows
 * of the next K iterations' mini-batches (the same rows, by the same (seed, t, p) samplers, that the
 * per-iteration gradient tasks would draw) and brings copies of them to the driver, packed
 * ({@link DrawnRows}). The driver then
 * computes each iteration's per-partition sums from them and merges them in partition order, as
 * the distributed path does: the same arithmetic in the same order, so the same bits. K is as many
 * iterations as fit the budget; with fewer than two, or a full batch, the path is not used.
 */
final class BatchPrefetch {
  private static final Logger LOG = LoggerFactory.getLogger(BatchPrefetch.class);
  /** Estimated driver bytes per drawn row on top of its cached bytes (a small block each, at worst). */
  static final long ROW_OVERHEAD_BYTES = 160;
  /**
   * Mini-batches whose rows take more than this (as cached) per iteration are not drawn ahead:
   * sending rows to the driver cost about 3 ns per byte here (Spark's task-result path copies
   * them several times), so at 4 MiB an iteration's rows cost about as much as the job they save
   * (15–30 ms). Measured: 10,000 rows × 20 features (1.7 MB) went from 24 to 5–8 ms per iteration;
   * × 100 features (8 MB) from 31–82 to 101 ms, so that size runs a job per iteration. Not applied
   * when the tasks run in the driver's JVM with block results on: the rows are not sent at all.
   */
  static final long MAX_SENT_BYTES_PER_ITERATION = 4L << 20;
  /** No more iterations than this per job (Spark conf {@link #MAX_PER_JOB_CONF} may lower it). */
  static final int MAX_ITERATIONS_PER_JOB = 4096;
  /** Spark conf key: a lower cap on the iterations drawn per job (tests use it to force several jobs). */
  public static final String MAX_PER_JOB_CONF = "spark.sgd.prefetch.maxIterationsPerJob";

  private final JavaSparkContext sc;
  private final Dataset data;
  private final double fraction;
  private final long seed;
  private final int failAt;
  private final int perJob;
  /** Iterations held: [first, first + held.length). */
  private int first = 1;
  private Block[][][] held = new Block[0][][];

  private BatchPrefetch(JavaSparkContext sc, Dataset data, double fraction, long seed, int failAt, int perJob) {
    this.sc = sc;
    this.data = data;
    this.fraction = fraction;
    this.seed = seed;
    this.failAt = failAt;
    this.perJob = perJob;
  }

  /** The prefetcher for this run, or null when it would not hold two iterations (or is off). */
  static BatchPrefetch of(JavaSparkContext sc, Dataset data, TrainConfig cfg, int failAt) {
    int cap = sc.getConf().getInt(MAX_PER_JOB_CONF, MAX_ITERATIONS_PER_JOB);
    boolean sameJvm = BlockResults.tasksInDriverJvm(sc);
    int k = Math.min(cap, iterationsPerJob(cfg.prefetchMb, cfg.miniBatchFraction, data.trainRows,
        data.holdoutRows, data.cachedBytes, sameJvm));
    if (k < 2) {
      return null;
    }
    LOG.info("mini-batches drawn ahead: up to {} iterations per Spark job (--prefetch-mb {})", k, cfg.prefetchMb);
    return new BatchPrefetch(sc, data, cfg.miniBatchFraction, cfg.seed, failAt, k);
  }

  /**
   * How many iterations' mini-batches fit {@code budgetMb}; 0 for a full batch, no budget, or
   * mini-batches too large to be worth sending ({@link #MAX_SENT_BYTES_PER_ITERATION}) unless they
   * are not sent ({@code sameJvm}: local mode with block results).
   */
  static int iterationsPerJob(long budgetMb, double fraction, long trainRows, long holdoutRows, long cachedBytes,
      boolean sameJvm) {
    if (budgetMb <= 0 || fraction >= 1.0 || trainRows <= 0) {
      return 0;
    }
    long allRows = Math.max(1, trainRows + holdoutRows);
    double cachedPerRow = (double) cachedBytes / allRows;
    double rowsPerIteration = fraction * trainRows;
    if (!sameJvm && rowsPerIteration * cachedPerRow > MAX_SENT_BYTES_PER_ITERATION) {
      return 0;
    }
    double perIteration = Math.max(1.0, rowsPerIteration * (cachedPerRow + ROW_OVERHEAD_BYTES));
    double k = budgetMb * 1024.0 * 1024.0 / perIteration;
    return (int) Math.min(MAX_ITERATIONS_PER_JOB, Math.floor(k));
  }

  /**
   * Iteration t's sums at coefficients {@code coef} (raw data units), as
   * {@code OrderedReduce.reduce} of the gradient tasks would give them. Draws iterations
   * [t, min(t + K, lastIteration + 1)) first when t is not held.
   */
  double[] sums(int t, int lastIteration, double[] coef, int d, Loss loss) {
    Block[][] parts = take(t, lastIteration);
    List<double[]> partials = new ArrayList<>(parts.length);
    for (Block[] p : parts) {
      partials.add(GradientTask.drawnSums(Arrays.asList(p), coef, d, loss));
    }
    return OrderedReduce.mergeInOrder(partials, Trainer::addInPlace);
  }

  /** Whether iteration t's rows are drawn and not yet handed out (so {@link #take} runs no job). */
  boolean holds(int t) {
    return t >= first && t < first + held.length && held[t - first] != null;
  }

  /**
   * Iteration t's drawn rows, by partition (each iteration's are handed out once). Draws iterations
   * [t, min(t + K, lastIteration + 1)) first when t is not held.
   */
  Block[][] take(int t, int lastIteration) {
    if (t < first || t >= first + held.length) {
      draw(t, Math.max(1, Math.min(perJob, lastIteration - t + 1)));
    }
    Block[][] parts = held[t - first];
    held[t - first] = null;
    return parts;
  }

  private void draw(int t, int k) {
    sc.setJobDescription("iterations " + t + "-" + (t + k - 1) + ": draw mini-batches");
    List<Object> perPartition;
    try {
      perPartition = new ArrayList<>(BlockResults.collect(
          data.blocks.mapPartitionsWithIndex(new DrawTask(fraction, seed, t, k, failAt), false)));
    } finally {
      sc.setJobDescription(null);
    }
    Block[][][] h = new Block[k][perPartition.size()][];
    long rows = 0;
    for (int p = 0; p < perPartition.size(); p++) {
      Object drawn = perPartition.get(p);
      Block[][] byIteration = drawn instanceof byte[] packed ? DrawnRows.unpack(packed) : (Block[][]) drawn;
      perPartition.set(p, null);
      for (int i = 0; i < k; i++) {
        h[i][p] = byIteration[i];
        for (Block b : byIteration[i]) {
          rows += b.numRows;
        }
      }
    }
    first = t;
    held = h;
    LOG.info("iterations {}-{}: drew {} mini-batch rows in one job", t, t + k - 1, rows);
  }

  /** The Spark side: one partition's drawn rows for iterations [t0, t0 + k), by iteration. */
  static final class DrawTask implements Function2<Integer, Iterator<Block>, Iterator<Object>> {
    private static final long serialVersionUID = 1L;
    private final double fraction;
    private final long seed;
    private final int t0;
    private final int k;
    private final int failAt;

    DrawTask(double fraction, long seed, int t0, int k, int failAt) {
      this.fraction = fraction;
      this.seed = seed;
      this.t0 = t0;
      this.k = k;
      this.failAt = failAt;
    }

    @Override
    public Iterator<Object> call(Integer partition, Iterator<Block> blocks) {
      GradientTask.failFirstAttempt(failAt >= t0 && failAt < t0 + k, partition, failAt);
      Block[][] rows = drawRows(blocks, fraction, seed, t0, k, partition);
      // In the driver's JVM the blocks reach the driver as they are (BlockResults); else packed.
      return List.<Object>of(BlockResults.inDriverJvm() ? rows : DrawnRows.pack(rows)).iterator();
    }
  }

  /**
   * For each iteration t0 + i, the rows its sampler draws from {@code blocks}, in order, copied once
   * into one block per run of source blocks of the same kind ({@link #joinRuns}).
   * Indexes count training rows only, as in {@code GradientTask.partialSums}.
   */
  static Block[][] drawRows(Iterator<Block> blocks, double fraction, long seed, int t0, int k, int partition) {
    IndexSampler[] samplers = new IndexSampler[k];
    List<List<Segment>> drawn = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      samplers[i] = new IndexSampler(fraction, Seeds.derive(seed, t0 + i, partition));
      drawn.add(new ArrayList<>());
    }
    int[] rows = new int[16];
    long base = 0;
    while (blocks.hasNext()) {
      Block b = blocks.next();
      if (b.holdout) {
        continue;
      }
      long end = base + b.numRows;
      for (int i = 0; i < k; i++) {
        IndexSampler s = samplers[i];
        int n = 0;
        while (s.peek() < end) {
          if (n == rows.length) {
            rows = Arrays.copyOf(rows, 2 * n);
          }
          rows[n++] = (int) (s.peek() - base);
          s.advance();
        }
        if (n > 0) {
          drawn.get(i).add(new Segment(b, Arrays.copyOf(rows, n)));
        }
      }
      base = end;
    }
    Block[][] result = new Block[k][];
    for (int i = 0; i < k; i++) {
      result[i] = joinRuns(drawn.get(i));
    }
    return result;
  }

  /** Rows {@code rows} (ascending) of {@code block}. */
  record Segment(Block block, int[] rows) {
  }

  /**
   * Consecutive blocks of the same kind (dense with the same columns, or sparse) and the same
   * weightedness joined into one, rows in order: the sums add the same rows with the same kernels
   * in the same order, with far fewer small blocks (one per source block and iteration at 10M rows).
   */
  static Block[] mergeRuns(List<Block> blocks) {
    List<Segment> whole = new ArrayList<>(blocks.size());
    for (Block b : blocks) {
      int[] all = new int[b.numRows];
      Arrays.setAll(all, r -> r);
      whole.add(new Segment(b, all));
    }
    return joinRuns(whole);
  }

  /** Each run of consecutive segments of one kind copied into one block, rows in order. */
  static Block[] joinRuns(List<Segment> segments) {
    List<Block> joined = new ArrayList<>();
    int from = 0;
    for (int i = 1; i <= segments.size(); i++) {
      if (i == segments.size() || !sameKind(segments.get(from).block(), segments.get(i).block())) {
        joined.add(gather(segments.subList(from, i)));
        from = i;
      }
    }
    return joined.toArray(new Block[0]);
  }

  private static boolean sameKind(Block a, Block b) {
    return a.isSparse() == b.isSparse() && a.numCols == b.numCols && (a.weights == null) == (b.weights == null)
        && a.values.precision() == b.values.precision();
  }

  /** The segments' rows (all of one kind) copied, in order, into one block. */
  private static Block gather(List<Segment> run) {
    Block first = run.get(0).block();
    int n = 0;
    int values = 0;
    for (Segment g : run) {
      n += g.rows().length;
      for (int r : g.rows()) {
        values += first.isSparse() ? g.block().rowPtr[r + 1] - g.block().rowPtr[r] : first.numCols;
      }
    }
    double[] labels = new double[n];
    double[] weights = first.weights == null ? null : new double[n];
    FeatureValues vals = FeatureValues.zeros(first.values.precision(), values);
    int[] rowPtr = first.isSparse() ? new int[n + 1] : null;
    int[] colIdx = first.isSparse() ? new int[values] : null;
    int out = 0;
    int v = 0;
    for (Segment g : run) {
      Block b = g.block();
      for (int r : g.rows()) {
        labels[out] = b.labels[r];
        if (weights != null) {
          weights[out] = b.weights[r];
        }
        int from = b.isSparse() ? b.rowPtr[r] : r * b.numCols;
        int len = b.isSparse() ? b.rowPtr[r + 1] - from : b.numCols;
        b.values.copyTo(from, vals, v, len);
        if (colIdx != null) {
          System.arraycopy(b.colIdx, from, colIdx, v, len);
          rowPtr[out + 1] = v + len;
        }
        out++;
        v += len;
      }
    }
    return rowPtr != null ? Block.sparse(n, rowPtr, colIdx, vals, labels, weights, false)
        : Block.dense(n, first.numCols, vals, labels, weights, false);
  }
}

package dev.sparksgd.train;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.config.UpdateMode;
import dev.sparksgd.data.Block;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.IndexSampler;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.data.Seeds;
import dev.sparksgd.data.SharedArray;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.optim.GradientFeedback;
import dev.sparksgd.optim.LazyUpdate;
import dev.sparksgd.optim.LearningRate;
import dev.sparksgd.optim.LossFeedback;
import dev.sparksgd.optim.Optimizer;
import dev.sparksgd.optim.Regularizer;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's gradient and update for sparse mini-batches, at a cost in the batch's non-zeros
 * rather than in the features: the sums come back sparse ({@link SparseSums}), the step is a
 * {@link LazyUpdate} (the dense update's parameters, folded), and the norms the stopping rules read
 * come from it too. The centring of standardized features stays virtual: its part of the gradient
 * (−μ_j/σ_j times the mean loss derivative, in every weight) is the lazy update's direction, and
 * the raw intercept c = b − Σ_j w_j·μ_j/σ_j its kept dot product.
 *
 * <p>The coefficients a batch reads are refreshed only at its columns when its rows are known on
 * the driver: drawn ahead ({@link BatchPrefetch}), or held there ({@link Partitions#onDriver}),
 * where the same sampler the tasks use names them first. There, with sparse rows, the batch's
 * coefficients and sums live in arrays as long as its columns ({@link BatchColumns}), not the
 * features. Spark jobs over the executors' rows do not know the columns in advance and refresh
 * all of them (one pass, no allocation) before sharing them with the tasks.
 */
final class LazyIteration {
  private static final Logger LOG = LoggerFactory.getLogger(LazyIteration.class);
  /** Spark conf key: false keeps every iteration dense (tests compare the two paths). */
  public static final String CONF_ENABLED = "spark.sgd.lazyUpdates";
  /** Taken when a mini-batch is expected to touch at most this share of the features. */
  static final double MAX_TOUCHED_SHARE = 0.25;
  /**
   * Up to this many non-zeros in a batch per feature, a batch's distinct features are counted in a
   * sample when its non-zeros exceed {@link #MAX_TOUCHED_SHARE}; above it the update is dense.
   */
  static final double MAX_SAMPLED_NONZEROS = 4.0;
  /** Cached bytes per stored non-zero of a sparse block of 8-byte values (a double and an int). */
  private static final double BYTES_PER_NONZERO = 12.0;
  /** The planner runs only where there is a core for it beside the iterations' own thread. */
  private static final int PLANNER_CORES = 2;

  /**
   * Buffers as long as the features that no run holds, for reuse by the next (bench and parameter
   * searches train many times over one dataset; at millions of features each is tens of MB);
   * softly held, so that memory pressure can take them.
   */
  private static final ConcurrentLinkedDeque<SoftReference<Buffers>> FREE = new ConcurrentLinkedDeque<>();

  private final LazyUpdate lazy;
  /** The scales, or null when they are all 1 (raw features: the products are skipped, same bits). */
  private final double[] invStd;
  private final double[] direction;
  private final int d;
  private final boolean fitIntercept;
  private Buffers buffers;
  /** Raw coefficients [β, c]; β_j is current for the columns of the batch being summed. */
  private final double[] raw;
  /** The batch's columns while it is summed; none marked between iterations. */
  private final BatchColumns columns;
  /**
   * The columns the last {@link #refreshMarked} brought up to date, ascending, and their invStd:
   * the columns of the batch's sums, whose step then reads the scales from here rather than
   * across the whole array again; and their raw coefficients.
   */
  private int[] refreshed = new int[0];
  private double[] refreshedInvStd = new double[0];
  private double[] refreshedRaw = new double[0];
  private int numRefreshed;
  /** The dense block whose columns the current refresh already brought up to date. */
  private Block lastDense;
  /** Plans the next iteration's rows drawn ahead while this one is summed; null until needed. */
  private ExecutorService planner;
  /** The plan of iteration {@link #nextIteration}'s rows, under way on the planner, or null. */
  private Future<BatchColumns.Plan> next;
  private int nextIteration;

  /** The arrays as long as the features that a run needs; contents left from the last run. */
  private static final class Buffers {
    final double[] raw;
    /** None marked while free. */
    final BatchColumns columns;
    /** The planner's (created when first needed); none marked while free. */
    BatchColumns planColumns;

    Buffers(int d) {
      raw = new double[d + 1];
      columns = new BatchColumns(d);
    }
  }

  private LazyIteration(LazyUpdate lazy, Scaling scaling, double[] direction, boolean fitIntercept) {
    this.lazy = lazy;
    this.invStd = scaling.isIdentity() ? null : scaling.invStd;
    this.direction = direction;
    this.d = scaling.numFeatures;
    this.fitIntercept = fitIntercept;
    this.buffers = borrow(d);
    this.raw = buffers.raw;
    this.columns = buffers.columns;
  }

  private static Buffers borrow(int d) {
    for (SoftReference<Buffers> ref; (ref = FREE.pollFirst()) != null; ) {
      Buffers b = ref.get();
      if (b != null && b.raw.length == d + 1) {
        return b;
      } // else collected, or for another dimension (dropped: the newest runs' sizes stay)
    }
    return new Buffers(d);
  }

  /** Gives the run's buffers back for the next run; this iteration is not to be used after. */
  void release() {
    if (planner != null) {
      // Its plan under way (if any) ends on its own and leaves the planner's columns cleared.
      planner.shutdown();
      boolean ended = false;
      try {
        ended = planner.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      planner = null;
      next = null;
      if (!ended) {
        buffers = null; // still written by the planner: not handed to the next run
      }
    }
    if (buffers != null) {
      columns.clear(); // clear already unless the run ended while a batch was summed
      FREE.offerFirst(new SoftReference<>(buffers));
      buffers = null;
    }
  }

  /**
   * The lazy path for this run, or null: it needs gradient mode, a mini-batch expected to touch few
   * features, a loss without parameters of its own, a schedule that does not look at the whole
   * gradient or take steps back, no L1 penalty, and an optimizer × penalty with a lazy form.
   */
  static LazyIteration of(JavaSparkContext sc, TrainConfig cfg, Dataset data, Scaling scaling, Loss loss,
      Optimizer optimizer, Regularizer reg, LearningRate rate) {
    if (!sc.getConf().getBoolean(CONF_ENABLED, true) || cfg.updateMode != UpdateMode.GRADIENT || cfg.miniBatchFraction >= 1.0 || loss.numExtraParams() > 0
        || rate instanceof LossFeedback || rate instanceof GradientFeedback || data.cachedBytes <= 0) {
      return null;
    }
    long allRows = Math.max(1, data.trainRows + data.holdoutRows);
    double nonZeros = cfg.miniBatchFraction * data.trainRows * (data.float64Bytes() / (double) allRows)
        / BYTES_PER_NONZERO;
    if (nonZeros > MAX_SAMPLED_NONZEROS * data.numFeatures) {
      return null;
    }
    double[] direction = scaling.direction();
    LazyUpdate lazy = LazyUpdate.of(optimizer, reg, data.numFeatures, data.numFeatures + 1, direction,
        scaling.isIdentity() ? null : scaling.invStd);
    // With L1 the stopping rules' norms would need every weight (LazyUpdate.lastNorms is null).
    if (lazy == null || !lazy.keepsNorms()) {
      if (nonZeros <= MAX_TOUCHED_SHARE * data.numFeatures) {
        LOG.info("{} with this penalty has no lazy form: mini-batch iterations update all {} features",
            optimizer.name(), data.numFeatures);
      }
      return null;
    }
    if (nonZeros > MAX_TOUCHED_SHARE * data.numFeatures) {
      // More non-zeros than the share, but where features repeat across rows (hashed categories)
      // a batch touches far fewer distinct ones: count them in a batch's worth of rows.
      double touched = sampledColumns(sc, cfg, data);
      boolean few = touched <= MAX_TOUCHED_SHARE * data.numFeatures;
      LOG.info("a mini-batch touches about {} distinct features of {} (sampled in partition 0){}",
          Math.round(touched), data.numFeatures, few ? "" : ": mini-batch iterations update all of them");
      if (!few) {
        return null;
      }
    }
    LOG.info("sparse mini-batches: gradients and updates touch only the batch's features (of {}){}",
        data.numFeatures, lazy.describe());
    return new LazyIteration(lazy, scaling, direction, cfg.fitIntercept);
  }

  /**
   * The distinct columns of about one batch's rows, drawn from partition 0's training rows at the
   * batch's share of the rows times the partitions (all of them when that reaches 1, the count then
   * scaled up linearly to a batch, which overstates it).
   */
  private static double sampledColumns(JavaSparkContext sc, TrainConfig cfg, Dataset data) {
    int parts = data.blocks.getNumPartitions();
    double fraction = Math.min(1.0, cfg.miniBatchFraction * parts);
    long seed = Seeds.derive(cfg.seed, 0, 0);
    int d = data.numFeatures;
    sc.setJobDescription("distinct features of a mini-batch (sampled)");
    try {
      List<long[]>[] r = data.blocks.mapPartitions(it -> List.of(distinctColumns(it, fraction, seed, d)).iterator())
          .collectPartitions(new int[] {0});
      long[] columnsAndRows = r[0].get(0);
      double batch = cfg.miniBatchFraction * data.trainRows;
      return columnsAndRows[0] * Math.max(1.0, batch / Math.max(1, columnsAndRows[1]));
    } finally {
      sc.setJobDescription(null);
    }
  }

  /** {distinct columns, rows} of the training rows {@code new IndexSampler(fraction, seed)} draws. */
  static long[] distinctColumns(Iterator<Block> blocks, double fraction, long seed, int d) {
    BitSet seen = new BitSet(d);
    IndexSampler sampler = new IndexSampler(fraction, seed);
    long base = 0;
    long rows = 0;
    while (blocks.hasNext()) {
      Block b = blocks.next();
      if (b.holdout) {
        continue;
      }
      long end = base + b.numRows;
      for (; sampler.peek() < end; sampler.advance()) {
        if (b.rowPtr == null) {
          return new long[] {d, 1};
        }
        int i = (int) (sampler.peek() - base);
        for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
          seen.set(b.colIdx[k]);
        }
        rows++;
      }
      base += b.numRows;
    }
    return new long[] {seen.cardinality(), rows};
  }

  /** Iteration t's sums at the current parameters: from the rows drawn ahead, else from the tasks. */
  SparseSums sums(Partitions partitions, TrainConfig cfg, Loss loss, double[] params, int t, int failAt,
      BatchPrefetch prefetch) {
    raw[d] = params[d] - lazy.dotDirection(params);
    Loss bound = loss.bind(raw, d + 1);
    if (prefetch != null) {
      BatchColumns.Plan plan = planned(t, cfg.maxIter, prefetch);
      Block[][] parts = plan.parts;
      if (plan.columns != null) {
        refresh(params, plan.columns);
        List<SparseSums> partials = new ArrayList<>(parts.length);
        for (int p = 0; p < parts.length; p++) {
          BatchColumns.Sums sums = BatchColumns.sums(plan.columns, refreshedRaw, raw[d], bound);
          for (int q = 0; q < parts[p].length; q++) {
            Block b = parts[p][q];
            int[] pos = plan.positions[p][q];
            for (int i = 0; i < b.numRows; i++) {
              sums.add(b, i, pos);
            }
          }
          partials.add(sums.finish());
        }
        return OrderedReduce.mergeInOrder(partials, SparseSums::merge);
      }
      lastDense = null;
      for (Block[] part : parts) {
        for (Block b : part) {
          for (int i = 0; i < b.numRows; i++) {
            markRow(b, i, params);
          }
        }
      }
      refreshMarked(params);
      scatterRefreshed();
      SparseAccumulator driverSide = SparseAccumulator.borrow(d);
      List<SparseSums> partials = new ArrayList<>(parts.length);
      for (Block[] part : parts) {
        for (Block b : part) {
          for (int i = 0; i < b.numRows; i++) {
            driverSide.add(b, i, raw, raw[d], bound);
          }
        }
        partials.add(driverSide.finish());
      }
      SparseAccumulator.release(driverSide);
      return OrderedReduce.mergeInOrder(partials, SparseSums::merge);
    }
    Block[][] held = partitions.held();
    if (held != null) {
      // On the driver the rows are at hand: the mini-batch the tasks will draw is known, and only
      // its columns are read (the other coefficients stay as they are: no task reads them).
      double fraction = cfg.miniBatchFraction;
      long seed = cfg.seed;
      if (allSparse(held)) {
        for (int p = 0; p < held.length; p++) {
          SparseGradientTask.forEachDrawn(Arrays.asList(held[p]).iterator(), fraction, seed, t, p, columns::mark);
        }
        refreshMarked(params);
        double[] coef = refreshedRaw;
        double intercept = raw[d];
        try {
          return partitions.reduce("iteration " + t + ": gradient (sparse)", (p, blocks) -> {
            BatchColumns.Sums sums = columns.sums(coef, intercept, bound);
            SparseGradientTask.forEachDrawn(blocks, fraction, seed, t, p, sums::add);
            return List.of(sums.finish()).iterator();
          }, SparseSums::merge, true);
        } finally {
          columns.clear();
        }
      }
      lastDense = null;
      for (int p = 0; p < held.length; p++) {
        SparseGradientTask.forEachDrawn(Arrays.asList(held[p]).iterator(), fraction, seed, t, p,
            (b, i) -> markRow(b, i, params));
      }
      refreshMarked(params);
      scatterRefreshed();
    } else {
      numRefreshed = 0;
      refreshColumns(params, 0, d);
    }
    SharedArray coef = partitions.share(raw);
    try {
      return partitions.reduce("iteration " + t + ": gradient (sparse)",
          new SparseGradientTask(coef, d, loss, cfg.miniBatchFraction, cfg.seed, t, failAt), SparseSums::merge, true);
    } finally {
      coef.destroy();
    }
  }

  /**
   * Iteration t's rows drawn ahead, planned ({@link BatchColumns#plan}) when they are all sparse.
   * With a second core, the next iteration's rows, when already drawn, are taken and planned on a
   * thread of their own while this iteration is summed and stepped (the plan depends on the rows
   * only, so the sums have the same bits either way).
   */
  private BatchColumns.Plan planned(int t, int lastIteration, BatchPrefetch prefetch) {
    BatchColumns.Plan plan = null;
    if (next != null) {
      BatchColumns.Plan p = await(next);
      boolean wanted = nextIteration == t;
      next = null;
      if (wanted) {
        plan = p;
      }
    }
    if (plan == null) {
      plan = plan(prefetch.take(t, lastIteration), columns);
    }
    // Only rows already drawn: a Spark job that draws the next ones runs when their iteration comes,
    // as without the planner.
    if (t < lastIteration && prefetch.holds(t + 1)
        && PLANNER_CORES <= Runtime.getRuntime().availableProcessors()) {
      if (planner == null) {
        // Its thread ends when idle, so a run that ends without release() leaves none behind.
        ThreadPoolExecutor one = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            Partitions.daemonThreads("spark-sgd-batch-planner-"));
        one.allowCoreThreadTimeOut(true);
        planner = one;
        if (buffers.planColumns == null) {
          buffers.planColumns = new BatchColumns(d);
        }
      }
      Block[][] parts = prefetch.take(t + 1, lastIteration);
      BatchColumns c = buffers.planColumns;
      nextIteration = t + 1;
      next = planner.submit(() -> plan(parts, c));
    }
    return plan;
  }

  private static BatchColumns.Plan plan(Block[][] parts, BatchColumns c) {
    return allSparse(parts) ? c.plan(parts) : BatchColumns.Plan.unplanned(parts);
  }

  private static BatchColumns.Plan await(Future<BatchColumns.Plan> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    } catch (ExecutionException e) {
      throw Partitions.rethrown(e);
    }
  }

  /** Whether every block is sparse (the batch's sums then take {@link BatchColumns}). */
  private static boolean allSparse(Block[][] parts) {
    for (Block[] part : parts) {
      for (Block b : part) {
        if (!b.isSparse()) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Row i of b will be summed: marks its columns for {@link #refreshMarked} (a dense block's
   * columns, all of them, are refreshed at once, once per block).
   */
  private void markRow(Block b, int i, double[] params) {
    if (b.isSparse()) {
      columns.mark(b, i);
    } else if (b != lastDense) {
      refreshColumns(params, 0, b.numCols);
      lastDense = b;
    }
  }

  /** Raw coefficients from..to−1 brought up to date. */
  private void refreshColumns(double[] params, int from, int to) {
    if (invStd == null) {
      for (int j = from; j < to; j++) {
        raw[j] = lazy.current(params, j);
      }
    } else {
      for (int j = from; j < to; j++) {
        raw[j] = lazy.current(params, j) * invStd[j];
      }
    }
  }

  /**
   * Numbers the marked columns and brings their raw coefficients up to date (in
   * {@link #refreshedRaw}): in ascending order, once each, so the reads of the parameters, the
   * optimizer's state and the scales walk forward through memory (the rows name their columns in
   * random order, and at millions of features nearly every one of those reads would miss the
   * caches and the TLB).
   */
  private void refreshMarked(double[] params) {
    refresh(params, columns.number());
  }

  /** {@link #refreshMarked} for the columns {@code cols} (ascending, distinct). */
  private void refresh(double[] params, int[] cols) {
    int n = cols.length;
    double[] coef = new double[n];
    double[] inv = refreshedInvStd;
    if (invStd != null) {
      inv = new double[n];
      lazy.currentScaled(params, cols, n, invStd, coef, inv);
    } else {
      lazy.current(params, cols, n, coef);
    }
    refreshed = cols;
    refreshedInvStd = inv;
    refreshedRaw = coef;
    numRefreshed = n;
  }

  /** The refreshed raw coefficients into {@link #raw}, for sums that read the columns there; marks cleared. */
  private void scatterRefreshed() {
    for (int k = 0; k < numRefreshed; k++) {
      raw[refreshed[k]] = refreshedRaw[k];
    }
    columns.clear();
  }

  /**
   * Step 3 from the batch's sums: the mean gradient in optimizer space (its centring part along the
   * direction), then the lazy update; returns the norms the stopping rules read.
   */
  LazyUpdate.Norms step(double[] params, SparseSums s, double eta) {
    double w = s.weightSum();
    int[] idx = s.idx();
    double[] val = s.val();
    double[] g = new double[idx.length];
    if (invStd == null) {
      for (int k = 0; k < idx.length; k++) {
        g[k] = val[k] / w;
      }
    } else if (sameColumns(idx)) {
      for (int k = 0; k < idx.length; k++) {
        g[k] = val[k] * refreshedInvStd[k] / w;
      }
    } else {
      for (int k = 0; k < idx.length; k++) {
        g[k] = val[k] * invStd[idx[k]] / w;
      }
    }
    double along = direction != null ? -s.derivSum() / w : 0.0;
    double[] tail = {fitIntercept ? s.derivSum() / w : 0.0};
    lazy.step(params, idx, g, idx.length, along, tail, eta);
    return lazy.lastNorms();
  }

  /** Whether idx names the columns the last refresh did, in its order. */
  private boolean sameColumns(int[] idx) {
    if (idx == refreshed) {
      return true;
    }
    if (idx.length != numRefreshed) {
      return false;
    }
    for (int k = 0; k < idx.length; k++) {
      if (idx[k] != refreshed[k]) {
        return false;
      }
    }
    return true;
  }

  /** Brings the parameters and the optimizer's state up to date (before anything else reads them). */
  void flush(double[] params) {
    lazy.flush(params);
  }
}

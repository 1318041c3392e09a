package dev.sparksgd.train;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.config.UpdateMode;
import dev.sparksgd.data.Block;
import dev.sparksgd.data.BlockResults;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.Merger;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.data.SharedArray;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.storage.BlockResult;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Where the trainer's per-partition work runs: when the cached blocks fit the driver's budget
 * ({@code --prefetch-mb}), the driver's own threads over the blocks fetched once; else, when every
 * partition has a task slot, a {@link Gang} of long-running tasks that serves each gradient call
 * without a Spark job (in local mode too); else a Spark job per call. Either way each partition's partial result comes from the same function (the Spark task
 * object itself, called with the partition's blocks in order) and the partials are merged in
 * partition order by the same tree ({@link OrderedReduce}), so the result has the same bits. On
 * the driver a small pool runs one call per partition (a laptop's cores are used), with no job, no
 * broadcast and no task results: a full batch of a few thousand rows takes microseconds instead of
 * a job's milliseconds.
 */
final class Partitions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Partitions.class);
  /** Spark conf key: false keeps a Spark job per iteration whatever the budget (tests compare paths). */
  public static final String CONF_ENABLED = "spark.sgd.driverIterations";
  /**
   * Spark conf key: {@code auto} (the default) runs the iterations that are not on the driver as a
   * {@link Gang} of long-running tasks when every partition has a task slot (in local mode for full
   * batches only), {@code true} also for local mini-batches, {@code false} keeps a Spark job per
   * iteration (tests compare them).
   */
  public static final String CONF_GANG = "spark.sgd.gangIterations";
  /** Spark conf key: how long (seconds) the driver waits for a gang's tasks to connect or to answer. */
  public static final String CONF_GANG_TIMEOUT = "spark.sgd.gangTimeoutSeconds";
  static final long GANG_TIMEOUT_SECONDS = 600;
  /** How often a caller waiting for the driver's threads looks whether a stop was requested. */
  private static final long STOP_POLL_MILLIS = 20;
  /** The driver threads' names start with this. */
  static final String THREAD_NAME = "spark-sgd-partition-";

  private final JavaSparkContext sc;
  private final Dataset data;
  /** Each partition's cached blocks, in order, or null: the work runs as Spark jobs. */
  private final Block[][] held;
  private final ExecutorService pool;
  private final BooleanSupplier stopRequested;
  /** Whether gradient work goes to a gang of long-running tasks (until one fails). */
  private boolean gangOn;
  /** The running gang, or null (none yet, or ended for other work). */
  private Gang gang;
  private final String mode;

  private Partitions(JavaSparkContext sc, Dataset data, Block[][] held, int threads, BooleanSupplier stopRequested,
      boolean gangOn) {
    this.sc = sc;
    this.data = data;
    this.held = held;
    this.stopRequested = stopRequested;
    this.gangOn = gangOn;
    this.mode = held != null ? "driver threads" : gangOn ? "gang" : "Spark jobs";
    this.pool = held == null ? null : Executors.newFixedThreadPool(threads, daemonThreads(THREAD_NAME));
  }

  /**
   * Spark jobs, or the driver's threads when the cached blocks fit {@code cfg.prefetchMb} (and the
   * Spark conf {@link #CONF_ENABLED} and no task test hook say otherwise). Logs the choice and why.
   */
  static Partitions of(JavaSparkContext sc, Dataset data, TrainConfig cfg, BooleanSupplier stopRequested) {
    boolean enabled = sc.getConf().getBoolean(CONF_ENABLED, true);
    boolean taskHooks = sc.getConf().getInt(Trainer.FAIL_TASK_AT_ITERATION, -1) >= 0
        || sc.getConf().getInt(Trainer.STALL_TASK_AT_ITERATION, -1) >= 0;
    String refusal = refusal(cfg.prefetchMb, data.cachedBytes, enabled, taskHooks);
    String size = String.format(Locale.ROOT, "%,d training and %,d holdout rows, %.1f MB of cached blocks",
        data.trainRows, data.holdoutRows, data.cachedBytes / 1048576.0);
    if (refusal != null) {
      int slots = taskSlots(sc);
      String gangMode = sc.getConf().get(CONF_GANG, "auto");
      // In local mode one job draws the next iterations' mini-batches to the driver, whose sparse
      // batches are then summed over their own columns: faster there than a gang's tasks sampling
      // their partitions on every iteration (a 1M-row sparse run: 19 against 77 ms an iteration).
      String gangRefusal = "auto".equals(gangMode) && sc.isLocal() && cfg.miniBatchFraction < 1.0
          ? "local mode with mini-batches (drawn ahead by one job for several iterations)"
          : gangRefusal(gangMode, sc.isLocal(),
          sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false),
          cfg.updateMode == UpdateMode.MODEL_AVERAGING, data.numPartitions(), slots);
      if (gangRefusal == null) {
        LOG.info("iterations run as a gang of {} long-running tasks, no Spark job per iteration ({}; {} task "
            + "slots; not on the driver: {})", data.numPartitions(), size, slots, refusal);
        return new Partitions(sc, data, null, 0, stopRequested, true);
      }
      LOG.info("iterations run as Spark jobs ({}): {}; not as a gang: {}", size, refusal, gangRefusal);
      return sparkJobs(sc, data);
    }
    long t = System.nanoTime();
    Block[][] held = fetch(sc, data);
    int threads = Math.max(1, Math.min(held.length, Runtime.getRuntime().availableProcessors()));
    LOG.info("iterations run on the driver, no Spark job per iteration ({} within --prefetch-mb {}): "
        + "{} partitions on {} threads, blocks fetched in {} ms", size, cfg.prefetchMb, held.length, threads,
        (System.nanoTime() - t) / 1_000_000);
    return new Partitions(sc, data, held, threads, stopRequested, false);
  }

  /** A Spark job per call. */
  static Partitions sparkJobs(JavaSparkContext sc, Dataset data) {
    return new Partitions(sc, data, null, 0, () -> false, false);
  }

  /**
   * Why the iterations cannot run as a gang, or null when they can: {@code mode} (the conf
   * {@link #CONF_GANG}) is {@code auto} or {@code true}, the per-partition work is
   * gradients (not model averaging), the executors are not allocated dynamically (Spark refuses a
   * barrier stage then), and every partition has a task slot (a barrier job's tasks all run at once).
   */
  static String gangRefusal(String mode, boolean localMaster, boolean dynamicAllocation, boolean modelAveraging,
      int partitions, int slots) {
    switch (mode) {
      case "false":
        return CONF_GANG + " is false";
      case "auto":
      case "true":
        break;
      default:
        throw new ConfigException("--conf " + CONF_GANG + "=" + mode + ": one of auto, true, false");
    }
    if (modelAveraging) {
      return "--update-mode model-averaging";
    }
    if (dynamicAllocation && !localMaster) {
      return "spark.dynamicAllocation.enabled is true (Spark runs no barrier stage then)";
    }
    if (partitions > slots) {
      return partitions + " partitions, more than the " + slots + " task slots";
    }
    return null;
  }

  /** How many tasks the cluster runs at once now (its executors' cores over the cores per task). */
  private static int taskSlots(JavaSparkContext sc) {
    return sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
  }

  /**
   * Why the iterations cannot run on the driver, or null when they can: the cached blocks
   * ({@code cachedBytes}, training and holdout rows) must fit the budget of {@code budgetMb} MiB.
   */
  static String refusal(long budgetMb, long cachedBytes, boolean enabled, boolean taskHooks) {
    if (!enabled) {
      return CONF_ENABLED + " is false";
    }
    if (taskHooks) {
      return "a task test hook is set";
    }
    if (budgetMb <= 0) {
      return "--prefetch-mb 0";
    }
    if (cachedBytes <= 0 || cachedBytes > budgetMb * 1024 * 1024) {
      return "more than --prefetch-mb " + budgetMb;
    }
    return null;
  }

  boolean onDriver() {
    return held != null;
  }

  /** Where the work was set to run: {@code "driver threads"}, {@code "gang"} or {@code "Spark jobs"}. */
  String mode() {
    return mode;
  }

  /** Whether gradient work goes to a gang of long-running tasks (and its rows are not drawn ahead). */
  boolean asGang() {
    return gangOn;
  }

  /** Each partition's blocks, in order, when the work runs on the driver (else null); not to be changed. */
  Block[][] held() {
    return held;
  }

  /** The array the next {@link #reduce}'s tasks read (release it with {@link SharedArray#destroy}). */
  SharedArray share(double[] value) {
    // A gang's tasks receive the array itself over their sockets.
    return held != null || gangOn ? SharedArray.onDriver(value) : SharedArray.of(sc, value);
  }

  /**
   * {@code task}'s results over the partitions, merged in partition order: one Spark job named
   * {@code description}, or one call per partition on the driver's threads. A stop request ends a
   * {@code cancellable} call on the driver as it cancels a job (the callers' job group): the threads
   * are interrupted, end at their next block, and this throws {@link CancellationException}.
   */
  <T extends Serializable> T reduce(String description, Function2<Integer, Iterator<Block>, Iterator<T>> task,
      Merger<T> merger, boolean cancellable) {
    if (held == null) {
      if (gangOn && task instanceof GangWork work) {
        return viaGang(description, work, merger, cancellable);
      }
      endGang(); // its tasks hold every task slot
      return job(description, task, merger);
    }
    List<Future<T>> futures = new ArrayList<>(held.length);
    for (int p = 0; p < held.length; p++) {
      int partition = p;
      futures.add(pool.submit(() -> task.call(partition, new Interruptible(held[partition])).next()));
    }
    List<T> partials = new ArrayList<>(held.length);
    try {
      for (Future<T> f : futures) {
        partials.add(await(f, cancellable));
      }
    } finally {
      for (Future<T> f : futures) {
        f.cancel(true); // none left running after a failure or a stop (a no-op once done)
      }
    }
    return OrderedReduce.mergeInOrder(partials, merger);
  }

  private <T extends Serializable> T job(String description, Function2<Integer, Iterator<Block>, Iterator<T>> task,
      Merger<T> merger) {
    sc.setJobDescription(description);
    try {
      return OrderedReduce.reduce(data.blocks.mapPartitionsWithIndex(task, false), merger);
    } finally {
      sc.setJobDescription(null);
    }
  }

  /**
   * {@code work}'s partials from the gang (started now if none runs, or runs for other work), merged
   * in partition order; if the gang fails, this call and every later one run as Spark jobs.
   */
  @SuppressWarnings("unchecked")
  private <T extends Serializable> T viaGang(String description, GangWork work, Merger<T> merger,
      boolean cancellable) {
    GangWork.Spec spec = work.spec();
    try {
      if (gang != null && !gang.spec().equals(spec)) {
        endGang();
      }
      if (gang == null) {
        gang = Gang.start(sc, data.blocks, spec, sc.getConf().getInt(Trainer.DROP_GANG_AT_ITERATION, -1),
            sc.getConf().getLong(CONF_GANG_TIMEOUT, GANG_TIMEOUT_SECONDS) * 1000);
      }
      List<T> partials = (List<T>) (List<?>) gang.serve(work, cancellable ? stopRequested : () -> false);
      return OrderedReduce.mergeInOrder(partials, merger);
    } catch (CancellationException e) {
      abortGang();
      throw e;
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: the gang of tasks failed ({}); this and the following iterations run as Spark jobs",
          description, e.toString());
      abortGang();
      gangOn = false;
    }
    SharedArray shared = SharedArray.of(sc, work.coefficients());
    try {
      return job(description, (Function2<Integer, Iterator<Block>, Iterator<T>>) spec.task(shared, work.fraction,
          work.seed, work.iteration), merger);
    } finally {
      shared.destroy();
    }
  }

  /** Ends the running gang, if any: its tasks end and its barrier job completes. */
  private void endGang() {
    if (gang != null) {
      Gang g = gang;
      gang = null;
      g.close();
    }
  }

  private void abortGang() {
    if (gang != null) {
      Gang g = gang;
      gang = null;
      g.abort();
    }
  }

  private <T> T await(Future<T> f, boolean cancellable) {
    while (true) {
      try {
        return f.get(STOP_POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (cancellable && stopRequested.getAsBoolean()) {
          throw new CancellationException("stop requested");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted");
      } catch (ExecutionException e) {
        throw rethrown(e);
      }
    }
  }

  /** What a failed task rethrows: its RuntimeException or Error as is, anything else wrapped. */
  static RuntimeException rethrown(ExecutionException e) {
    if (e.getCause() instanceof RuntimeException r) {
      return r;
    }
    if (e.getCause() instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(e.getCause());
  }

  /** Ends the threads, waiting for work a stop interrupted to reach its next check. */
  @Override
  public void close() {
    endGang();
    if (pool != null) {
      pool.shutdownNow();
      try {
        if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
          LOG.warn("a partition thread did not end within a minute of the training's end");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Every partition's cached blocks, in order: in local mode (block results on) the cached objects
   * themselves from the driver's block manager, which is the executors' (no copy); else, or when a
   * partition is not cached there, one job that brings them packed ({@link DrawnRows}).
   */
  static Block[][] fetch(JavaSparkContext sc, Dataset data) {
    if (BlockResults.tasksInDriverJvm(sc)) {
      Block[][] local = cachedHere(data);
      if (local != null) {
        return local;
      }
    }
    sc.setJobDescription("training rows to the driver");
    try {
      List<byte[]> packed = BlockResults.collect(data.blocks.mapPartitions(it -> {
        List<Block> blocks = new ArrayList<>();
        it.forEachRemaining(blocks::add);
        return List.of(DrawnRows.pack(new Block[][] {blocks.toArray(new Block[0])})).iterator();
      }));
      Block[][] out = new Block[packed.size()][];
      for (int p = 0; p < out.length; p++) {
        out[p] = DrawnRows.unpack(packed.get(p))[0];
        packed.set(p, null);
      }
      return out;
    } finally {
      sc.setJobDescription(null);
    }
  }

  /** The partitions' cached blocks from this JVM's block manager, or null if one is not there. */
  private static Block[][] cachedHere(Dataset data) {
    SparkEnv env = SparkEnv.get();
    StorageLevel level = data.blocks.getStorageLevel();
    if (env == null || level == StorageLevel.NONE()) {
      return null;
    }
    int id = data.blocks.id();
    Block[][] out = new Block[data.numPartitions()][];
    for (int p = 0; p < out.length; p++) {
      Option<BlockResult> r = env.blockManager().getLocalValues(new RDDBlockId(id, p));
      if (r.isEmpty()) {
        return null;
      }
      // Read to the end: the block manager releases its read lock when the iterator completes.
      List<Block> blocks = new ArrayList<>();
      scala.collection.Iterator<Object> it = r.get().data();
      while (it.hasNext()) {
        blocks.add((Block) it.next());
      }
      out[p] = blocks.toArray(new Block[0]);
    }
    return out;
  }

  /** Daemon threads named {@code prefix} and a number. */
  static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A partition's blocks, ending the work with {@link CancellationException} at the next block once
   * its thread is interrupted (a stop), as Spark's iterator over cached blocks ends a killed task.
   */
  private static final class Interruptible implements Iterator<Block> {
    private final Block[] blocks;
    private int next;

    Interruptible(Block[] blocks) {
      this.blocks = blocks;
    }

    @Override
    public boolean hasNext() {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("stop requested");
      }
      return next < blocks.length;
    }

    @Override
    public Block next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return blocks[next++];
    }
  }
}

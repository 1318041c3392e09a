package dev.sparksgd.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.memory.MemoryManager;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockResult;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.storage.TaskResultBlockId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Large task results (the 2 MB gradient sums of 2^18 features, drawn mini-batch rows) handed to
 * the driver through Spark's block manager instead of the task's status message. The task stores
 * its value as a deserialized block (MEMORY_ONLY, reported to the master) under its
 * {@link TaskResultBlockId} and returns a small {@link Handle}; the driver takes the value from its
 * own block manager when the block is there (in local mode the executor's block manager is the
 * driver's, so the value is not serialized or copied at all), else fetches it from the executor
 * (one serialization, as Spark's own results above {@code spark.task.maxDirectResultSize}), and
 * removes the block. The status-message path serializes a result twice and deserializes it twice
 * (measured: ~9 ms more per job for two 2 MB results, local[2]).
 *
 * <p>Values under {@link #MIN_BYTES} ({@value #CONF_MIN_BYTES}), values that would take more than
 * half the executor's free memory (storing them could evict cached training data), values the
 * block manager refuses, and every value when the Spark conf {@value #CONF_ENABLED} is false travel
 * as usual. If a
 * block is gone before the driver takes it (its executor was lost after the task ended), the
 * job runs again (results are deterministic), at most {@link #ATTEMPTS} times.
 */
public final class BlockResults {
  private static final Logger LOG = LoggerFactory.getLogger(BlockResults.class);
  /** Spark conf key: false sends every result with the task's status message. */
  public static final String CONF_ENABLED = "spark.sgd.blockResults";
  /** Smaller values go with the status message (a block costs a few RPCs to the master). */
  public static final long MIN_BYTES = 256 * 1024;
  /** Spark conf key overriding {@link #MIN_BYTES} (tests set 0 to send every array this way). */
  public static final String CONF_MIN_BYTES = "spark.sgd.blockResults.minBytes";
  static final int ATTEMPTS = 3;
  private static final ClassTag<Object> OBJECT = ClassTag$.MODULE$.apply(Object.class);

  private BlockResults() {
  }

  /** What a task returns instead of a large value: where the driver finds it. */
  public record Handle(long taskAttemptId) implements Serializable {
    BlockId blockId() {
      return new TaskResultBlockId(taskAttemptId);
    }
  }

  /** A handle whose block is gone (its executor was lost). */
  static final class LostResult extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LostResult(Handle h) {
      super("the result block of task " + h.taskAttemptId() + " is gone");
    }
  }

  /** The bytes a value holds: arrays of primitives and of blocks; other values count 0. */
  static long sizeOf(Object value) {
    if (value instanceof double[] a) {
      return 8L * a.length;
    }
    if (value instanceof byte[] a) {
      return a.length;
    }
    if (value instanceof Block[][] blocks) {
      long n = 0;
      for (Block[] row : blocks) {
        for (Block b : row) {
          n += b.sizeInBytes();
        }
      }
      return n;
    }
    return 0;
  }

  /** Driver side: the tasks run in this JVM (local mode) and block results are on. */
  public static boolean tasksInDriverJvm(JavaSparkContext sc) {
    return sc.isLocal() && sc.getConf().getBoolean(CONF_ENABLED, true);
  }

  /**
   * True in a task that runs in the driver's JVM (local mode) with block results on: a value it
   * offers reaches the driver as the same object, so packing it for the wire would be wasted.
   */
  public static boolean inDriverJvm() {
    SparkEnv env = SparkEnv.get();
    return env != null && "driver".equals(env.executorId())
        && env.conf().getBoolean(CONF_ENABLED, true); // "driver": SparkContext.DRIVER_IDENTIFIER
  }

  /**
   * Whether the block fits this executor's free memory twice over (the value's size is an
   * estimate), so that storing it cannot evict a cached partition of the training data.
   */
  static boolean roomFor(long size, SparkEnv env) {
    MemoryManager mm = env.memoryManager();
    return mm.maxOnHeapStorageMemory() - mm.storageMemoryUsed() >= 2 * size;
  }

  /**
   * Task side: the value itself, or a handle to it stored in this executor's block manager (when
   * it is large, and the executor's free memory holds it twice over).
   */
  public static Object offer(Object value) {
    TaskContext tc = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    if (tc == null || env == null || !env.conf().getBoolean(CONF_ENABLED, true)) {
      return value;
    }
    long size = sizeOf(value);
    if (size == 0 || size < env.conf().getSizeAsBytes(CONF_MIN_BYTES, String.valueOf(MIN_BYTES))
        || !roomFor(size, env)) {
      return value;
    }
    Handle h = new Handle(tc.taskAttemptId());
    boolean stored = env.blockManager().putSingle(h.blockId(), value, StorageLevel.MEMORY_ONLY(), true, OBJECT);
    return stored ? h : value;
  }

  /**
   * The elements of an RDD of one element per partition, in partition order, as {@code collect()}
   * gives them, with large ones taken through the block manager.
   */
  @SuppressWarnings("unchecked")
  public static <T> List<T> collect(JavaRDD<T> partials) {
    for (int attempt = 1; ; attempt++) {
      List<Object> raw = new ArrayList<>(partials.map(BlockResults::offer).collect());
      List<T> out = new ArrayList<>(raw.size());
      try {
        for (int i = 0; i < raw.size(); i++) {
          out.add((T) take(raw.get(i)));
          raw.set(i, null);
        }
        return out;
      } catch (LostResult e) {
        discard(raw);
        if (attempt >= ATTEMPTS) {
          throw new IllegalStateException("task results lost " + ATTEMPTS + " times in a row: " + e.getMessage(), e);
        }
        LOG.warn("{}; running the job again (attempt {} of {})", e.getMessage(), attempt + 1, ATTEMPTS);
      }
    }
  }

  /** Driver side: the value a task returned, fetched and its block removed if it is a handle. */
  static Object take(Object r) {
    if (!(r instanceof Handle h)) {
      return r;
    }
    BlockManager bm = SparkEnv.get().blockManager();
    BlockId id = h.blockId();
    Option<BlockResult> local = bm.getLocalValues(id);
    if (local.isDefined()) {
      Object v;
      try {
        v = local.get().data().next();
      } finally {
        bm.releaseLock(id, Option.empty());
      }
      bm.removeBlock(id, true);
      return v;
    }
    Option<BlockResult> remote = bm.getRemoteValues(id, OBJECT);
    bm.master().removeBlock(id);
    if (remote.isEmpty()) {
      throw new LostResult(h);
    }
    return remote.get().data().next();
  }

  /** Removes the blocks of handles not taken (after a lost one). */
  private static void discard(List<Object> raw) {
    BlockManager bm = SparkEnv.get().blockManager();
    for (Object r : raw) {
      if (r instanceof Handle h) {
        try {
          bm.master().removeBlock(h.blockId());
        } catch (RuntimeException e) {
          LOG.debug("could not remove {}: {}", h.blockId(), e.toString());
        }
      }
    }
  }
}

package dev.sparksgd.data;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockResult;
import org.apache.spark.storage.BroadcastBlockId;
import org.apache.spark.storage.StorageLevel;
import scala.Option;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * A read-only array for the tasks of one job: a Spark broadcast, or, when the tasks run in the
 * driver's JVM (local mode, block results on), the driver's array itself through the block manager
 * they share. A broadcast serializes, compresses and checksums the value into pieces even in local
 * mode, where no task ever reads them: 4–5 ms for 2 MB here (scratch, median of 60), once per
 * iteration for the coefficients at 2^18 features. On a cluster, an array of at most
 * {@link #INLINE_MAX_BYTES} travels inside the task itself (Spark ships a job's task code once per
 * executor, as a broadcast of its own): a second broadcast would cost the driver a put and a
 * blocking removal and each executor a lookup and a fetch from the driver, 7–33 ms per task on the
 * loopback cluster under load. The array must not change until {@link #destroy} (the trainer builds
 * a new one per iteration).
 */
public final class SharedArray implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final AtomicLong NEXT = new AtomicLong();
  private static final ClassTag<Object> OBJECT = ClassTag$.MODULE$.apply(Object.class);
  /** Field name of the blocks; their broadcast ids are negative, Spark's own are not. */
  private static final String FIELD = "sgd-shared";

  /**
   * Larger arrays go out as a broadcast on a cluster. Smaller ones ride in the task code: a job's
   * task code lingers on the executors until the driver's garbage collector cleans it, so only a
   * small value should ride along with every iteration's code (8,192 doubles).
   */
  public static final int INLINE_MAX_BYTES = 64 * 1024;
  /** Spark conf key overriding {@link #INLINE_MAX_BYTES} (-1: every array as a broadcast, for measurements). */
  public static final String CONF_INLINE_MAX_BYTES = "spark.sgd.sharedArray.inlineMaxBytes";

  private final Broadcast<double[]> broadcast;
  private final long localId;
  /** The array itself, serialized with the task (small arrays on a cluster), or null. */
  private final double[] inline;
  private transient double[] cached;

  private SharedArray(Broadcast<double[]> broadcast, long localId, double[] inline) {
    this.broadcast = broadcast;
    this.localId = localId;
    this.inline = inline;
  }

  /**
   * The array itself, for per-partition work that runs on the driver's own threads (no Spark job):
   * nothing is stored or sent, and {@link #destroy} has nothing to release.
   */
  public static SharedArray onDriver(double[] value) {
    SharedArray a = new SharedArray(null, 0, null);
    a.cached = value;
    return a;
  }

  /** Shares {@code value} with the tasks of the next job. */
  public static SharedArray of(JavaSparkContext sc, double[] value) {
    if (BlockResults.tasksInDriverJvm(sc)) {
      long id = -1 - NEXT.getAndIncrement();
      if (SparkEnv.get().blockManager().putSingle(blockId(id), value, StorageLevel.MEMORY_ONLY(), false, OBJECT)) {
        return new SharedArray(null, id, null);
      }
    }
    if (8L * value.length <= sc.getConf().getLong(CONF_INLINE_MAX_BYTES, INLINE_MAX_BYTES)) {
      return new SharedArray(null, 0, value);
    }
    return new SharedArray(sc.broadcast(value), 0, null);
  }

  /** An existing broadcast, as a shared array. */
  public static SharedArray ofBroadcast(Broadcast<double[]> broadcast) {
    return new SharedArray(broadcast, 0, null);
  }

  private static BlockId blockId(long id) {
    return new BroadcastBlockId(id, FIELD);
  }

  /** Whether this one went out as a Spark broadcast. */
  boolean isBroadcast() {
    return broadcast != null;
  }

  /** Whether this one travels inside the task. */
  boolean isInline() {
    return inline != null;
  }

  /** The array, in a task (or on the driver). */
  public double[] value() {
    if (broadcast != null) {
      return broadcast.value();
    }
    if (inline != null) {
      return inline;
    }
    double[] v = cached;
    if (v == null) {
      BlockManager bm = SparkEnv.get().blockManager();
      BlockId id = blockId(localId);
      Option<BlockResult> r = bm.getLocalValues(id);
      if (r.isEmpty()) {
        throw new IllegalStateException("shared array " + id + " is gone (read after destroy, or not in the "
            + "driver's JVM)");
      }
      try {
        v = (double[]) r.get().data().next();
      } finally {
        bm.releaseLock(id, Option.empty());
      }
      cached = v;
    }
    return v;
  }

  /** Releases it after the job (blocking for a broadcast, as Trainer did). */
  public void destroy() {
    if (broadcast != null) {
      broadcast.destroy();
    } else if (localId != 0) {
      SparkEnv.get().blockManager().removeBlock(blockId(localId), false);
    }
  }
}

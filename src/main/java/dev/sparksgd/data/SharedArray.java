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
 * iteration for the coefficients at 2^18 features. The array must not change until
 * {@link #destroy} (the trainer builds a new one per iteration).
 */
public final class SharedArray implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final AtomicLong NEXT = new AtomicLong();
  private static final ClassTag<Object> OBJECT = ClassTag$.MODULE$.apply(Object.class);
  /** Field name of the blocks; their broadcast ids are negative, Spark's own are not. */
  private static final String FIELD = "sgd-shared";

  private final Broadcast<double[]> broadcast;
  private final long localId;
  private transient double[] cached;

  private SharedArray(Broadcast<double[]> broadcast, long localId) {
    this.broadcast = broadcast;
    this.localId = localId;
  }

  /**
   * The array itself, for per-partition work that runs on the driver's own threads (no Spark job):
   * nothing is stored or sent, and {@link #destroy} has nothing to release.
   */
  public static SharedArray onDriver(double[] value) {
    SharedArray a = new SharedArray(null, 0);
    a.cached = value;
    return a;
  }

  /** Shares {@code value} with the tasks of the next job. */
  public static SharedArray of(JavaSparkContext sc, double[] value) {
    if (BlockResults.tasksInDriverJvm(sc)) {
      long id = -1 - NEXT.getAndIncrement();
      if (SparkEnv.get().blockManager().putSingle(blockId(id), value, StorageLevel.MEMORY_ONLY(), false, OBJECT)) {
        return new SharedArray(null, id);
      }
    }
    return new SharedArray(sc.broadcast(value), 0);
  }

  /** An existing broadcast, as a shared array. */
  public static SharedArray ofBroadcast(Broadcast<double[]> broadcast) {
    return new SharedArray(broadcast, 0);
  }

  private static BlockId blockId(long id) {
    return new BroadcastBlockId(id, FIELD);
  }

  /** Whether this one went out as a Spark broadcast. */
  boolean isBroadcast() {
    return broadcast != null;
  }

  /** The array, in a task (or on the driver). */
  public double[] value() {
    if (broadcast != null) {
      return broadcast.value();
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

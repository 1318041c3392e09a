package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.loss.Loss;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag$;

/** Runs the real per-partition gradient task on blocks in memory, without Spark (benchmarks, tests). */
public final class KernelAccess {
  private KernelAccess() {
  }

  /** GradientTask over {@code blocks} as partition 0 of iteration 1: [Σ ℓ'·x | Σ ℓ' | Σ ℓ | Σ ω | rows]. */
  public static double[] gradientTask(Block[] blocks, double[] rawCoefficients, int numFeatures, Loss loss,
      double fraction, long seed) {
    GradientTask task = new GradientTask(dev.sparksgd.data.SharedArray.ofBroadcast(new LocalBroadcast<>(rawCoefficients)), numFeatures, loss, fraction,
        seed, 1, -1);
    Iterator<double[]> out = task.call(0, Arrays.asList(blocks).iterator());
    return out.next();
  }

  /** A broadcast that is just a value in this JVM. */
  static final class LocalBroadcast<T> extends Broadcast<T> {
    private static final long serialVersionUID = 1L;
    private final T value;

    @SuppressWarnings("unchecked")
    LocalBroadcast(T value) {
      super(0L, (scala.reflect.ClassTag<T>) ClassTag$.MODULE$.apply(Object.class));
      this.value = value;
    }

    @Override
    public T getValue() {
      return value;
    }

    @Override
    public void doUnpersist(boolean blocking) {
    }

    @Override
    public void doDestroy(boolean blocking) {
    }
  }
}

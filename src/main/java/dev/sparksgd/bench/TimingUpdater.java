package dev.sparksgd.bench;

import java.util.Arrays;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.optimization.Updater;
import scala.Tuple2;

/**
 * Wraps MLlib's updater and stamps the time of each call. {@code runMiniBatchSGD} calls it once
 * before the first iteration (after its count job) and once at the end of every iteration, on
 * the driver, so successive stamps bound exactly one iteration (broadcast, sampling, aggregation,
 * update) and the weights of update i exist at stamp i.
 */
final class TimingUpdater extends Updater {
  private static final long serialVersionUID = 1L;
  private final Updater inner;
  private transient long[] stamps = new long[16];
  private transient int count;

  TimingUpdater(Updater inner) {
    this.inner = inner;
  }

  @Override
  public Tuple2<Vector, Object> compute(Vector weightsOld, Vector gradient, double stepSize, int iter,
      double regParam) {
    Tuple2<Vector, Object> r = inner.compute(weightsOld, gradient, stepSize, iter, regParam);
    if (count == stamps.length) {
      stamps = Arrays.copyOf(stamps, count * 2);
    }
    stamps[count++] = System.nanoTime();
    return r;
  }

  /** Call stamps (System.nanoTime): [0] before iteration 1, [i] at the end of iteration i. */
  long[] stamps() {
    return Arrays.copyOf(stamps, count);
  }
}

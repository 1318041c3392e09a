package dev.sparksgd.ml;

import dev.sparksgd.train.IterationRecord;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.apache.spark.ml.Model;

/**
 * What a fit did, readable from code: the figures the CLI writes to history.csv and metrics.json.
 * The fitted models are Spark's own classes, which have no room for it, so it is found by the model:
 * {@code SgdTrainingSummary.of(model)}. Like spark.ml's training summaries it lives with the fitted
 * model object only (a loaded model has none).
 *
 * @param iterations iterations run
 * @param stopReason why training stopped, as metrics.json says it (converged, max-iter, early-stopped …)
 * @param history one record per iteration (loss, objective, step size, step and gradient norms, time)
 * @param totalMillis time of the whole fit: loading, statistics and training
 * @param trainMillis time of the training loop
 * @param chosenStepSize the rate stepSizeAuto chose, or the batch's curvature set
 *     when no stepSize was given (mini-batches); NaN when stepSize was given
 * @param trainRows rows trained on
 * @param holdoutRows rows held out for early stopping
 */
public record SgdTrainingSummary(int iterations, String stopReason, List<IterationRecord> history,
    long totalMillis, long trainMillis, double chosenStepSize, long trainRows, long holdoutRows) {
  private static final Map<Model<?>, SgdTrainingSummary> BY_MODEL = Collections.synchronizedMap(new WeakHashMap<>());

  public SgdTrainingSummary {
    history = List.copyOf(history);
  }

  /** The summary of a model this JVM fitted with one of the spark-sgd estimators. */
  public static Optional<SgdTrainingSummary> of(Model<?> model) {
    return Optional.ofNullable(BY_MODEL.get(model));
  }

  static void attach(Model<?> model, SgdTrainingSummary summary) {
    BY_MODEL.put(model, summary);
  }

  /** The mean mini-batch loss of each iteration (history.csv's loss column). */
  public double[] lossHistory() {
    return history.stream().mapToDouble(IterationRecord::loss).toArray();
  }

  /** Loss plus penalty of each iteration (history.csv's objective column). */
  public double[] objectiveHistory() {
    return history.stream().mapToDouble(IterationRecord::objective).toArray();
  }
}

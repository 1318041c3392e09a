package dev.sparksgd.train;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.DataFormat;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.loss.HuberLoss;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.model.LinearModel;

/**
 * --init-model: checks that a model fits the data and the loss, and hands its weights to the
 * trainer. Regression losses (squared, huber) may start from each other, as may the classifiers
 * (logistic, hinge: the sign of the margin means the same in both); across the two families the
 * weights mean different things and the run is refused.
 */
public final class WarmStart {
  private WarmStart() {
  }

  /** @return the data, widened to the model's feature count for LIBSVM input that uses fewer */
  public static Dataset apply(Trainer trainer, LinearModel init, Dataset data, Loss loss, String where) {
    if (init.isClassifier() != loss.isClassification()) {
      throw new ConfigException("--init-model " + where + " is a " + init.modelType() + " (loss "
          + init.loss + "), which cannot start a " + (loss.isClassification() ? "classifier" : "regression")
          + " with --loss " + loss.name());
    }
    Dataset d = data;
    if (d.format == DataFormat.LIBSVM && init.numFeatures() > d.numFeatures) {
      d = d.withNumFeatures(init.numFeatures());
    }
    if (init.numFeatures() != d.numFeatures) {
      throw new ConfigException("--init-model " + where + " has " + init.numFeatures()
          + " features, the data has " + d.numFeatures);
    }
    if (init.featureNames != null && d.featureNames != null
        && !java.util.Arrays.equals(init.featureNames, d.featureNames)) {
      throw new ConfigException("--init-model " + where + " was trained on features "
          + String.join(",", init.featureNames) + ", the data has " + String.join(",", d.featureNames));
    }
    for (double w : init.weights) {
      if (!Double.isFinite(w)) {
        throw new ConfigException("--init-model " + where + " has a weight that is not finite");
      }
    }
    double[] extra = null;
    if (loss instanceof HuberLoss && init.loss.equals("huber")) {
      extra = new double[] {Math.log(init.scale)};
    }
    trainer.startFrom(init.weights, init.intercept, extra);
    return d;
  }

  /** Huber's fitted scale σ from the final parameters; NaN for the other losses. */
  public static double huberScale(Loss loss, double[] params, int numFeatures) {
    Loss bound = loss.bind(params, numFeatures + 1);
    return bound instanceof HuberLoss h ? h.scale() : Double.NaN;
  }
}

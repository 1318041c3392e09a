package dev.sparksgd.model;

import org.apache.spark.ml.feature.ImputerModel;

/**
 * An {@code ImputerModel} from given surrogates, without fitting. Spark 4.1 and later take the
 * input columns and their surrogates as arrays (Spark 3.5 took a one-row DataFrame).
 */
final class ImputerModels {
  private ImputerModels() {
  }

  static ImputerModel of(String uid, String[] inputCols, double[] surrogates) {
    return new ImputerModel(uid, inputCols.clone(), surrogates.clone());
  }
}

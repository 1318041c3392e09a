package dev.sparksgd.optim;

import java.io.Serializable;

/** η_t for iterations t = 1, 2, … */
public interface LearningRate extends Serializable {
  double rate(int t);

  /** η_t = η₀. */
  static LearningRate constant(double eta0) {
    return t -> eta0;
  }

  /** η_t = η₀ / √t: MLlib's SimpleUpdater. */
  static LearningRate inverseSqrt(double eta0) {
    return t -> eta0 / Math.sqrt(t);
  }
}

package dev.sparksgd.optim;

import java.io.Serializable;
import java.util.Map;

/** η_t for iterations t = 1, 2, … */
public interface LearningRate extends Serializable {
  double rate(int t);

  /** State a checkpoint saves (stateful schedules only; see {@link BoldDriver}). */
  default Map<String, double[]> state() {
    return Map.of();
  }

  default void restoreState(Map<String, double[]> state) {
    if (!state.isEmpty()) {
      throw new IllegalArgumentException("this schedule keeps no state, got " + state.keySet());
    }
  }

  /** η_t = η₀. */
  static LearningRate constant(double eta0) {
    return t -> eta0;
  }

  /** η_t = η₀ / √t: MLlib's SimpleUpdater. */
  static LearningRate inverseSqrt(double eta0) {
    return t -> eta0 / Math.sqrt(t);
  }

  /** η_t = η₀ / (1 + decay·t). */
  static LearningRate inverseTime(double eta0, double decay) {
    return t -> eta0 / (1.0 + decay * t);
  }

  /** η_t = η₀ · decay^t. */
  static LearningRate exponential(double eta0, double decay) {
    return t -> eta0 * Math.pow(decay, t);
  }

  /** η_t = η₀ · decay^⌊t / decaySteps⌋. */
  static LearningRate step(double eta0, double decay, int decaySteps) {
    return t -> eta0 * Math.pow(decay, t / decaySteps);
  }
}

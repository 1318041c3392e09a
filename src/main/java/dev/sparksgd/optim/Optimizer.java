package dev.sparksgd.optim;

import java.io.Serializable;

/**
 * One update of the parameter vector from a gradient. Implementations keep their own state
 * (velocity, moments) between calls; plain SGD keeps none.
 */
public interface Optimizer extends Serializable {
  /**
   * Updates {@code params} in place.
   *
   * @param params the parameters (in the optimizer's space), changed in place
   * @param gradient the mean loss gradient plus any regularization gradient; not changed
   * @param eta the learning rate of this iteration
   */
  void step(double[] params, double[] gradient, double eta);

  String name();

  /**
   * The optimizer's state (velocity, accumulators, moments, step count) by name, as copies:
   * what a checkpoint saves. Stateless optimizers return an empty map.
   */
  default java.util.Map<String, double[]> state() {
    return java.util.Map.of();
  }

  /** Restores what {@link #state()} returned (a resumed run continues bit-identically). */
  default void restoreState(java.util.Map<String, double[]> state) {
    if (!state.isEmpty()) {
      throw new IllegalArgumentException(name() + " keeps no state, got " + state.keySet());
    }
  }
}

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
   * The step this optimizer gives each coordinate's gradient once its state has settled (η for
   * plain SGD, η/(1 − μ) with momentum, η/(√v̂ + ε) for Adam …), written into {@code out}. A
   * proximal penalty (L1) uses it as its own step, so that the fixed points of optimizer plus
   * proximal step are exactly the optima of the penalized objective.
   */
  default void effectiveSteps(double eta, double[] out) {
    java.util.Arrays.fill(out, eta);
  }

  /** Told the iteration's final parameters (after any proximal step); wrappers hook in here. */
  default void afterStep(double[] params) {
  }

  /**
   * The parameters that are the model: {@code params} itself, or what a wrapper keeps beside the
   * iterates (the running average with {@link Averaged}).
   */
  default double[] modelParams(double[] params) {
    return params;
  }

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

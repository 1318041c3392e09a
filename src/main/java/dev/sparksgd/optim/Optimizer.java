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
}

package dev.sparksgd.loss;

import java.io.Serializable;

/**
 * A loss as a function of the margin m = w·x + b and the label y. The gradient of the loss in the
 * weights is {@code derivative(m, y) · x}, so one method per loss is all the distributed loop needs.
 *
 * <p>A loss may optimize parameters of its own besides the weights and the intercept (huber's
 * scale σ). They sit after the intercept in the parameter vector: [w_0 … w_{d−1}, b, extra_0 …].
 * They are neither standardized nor regularized. The loop binds their current values once per
 * task ({@link #bind}), so the per-record calls stay two-argument and allocation-free.
 */
public interface Loss extends Serializable {
  double value(double margin, double label);

  /** d value / d margin. */
  double derivative(double margin, double label);

  String name();

  /** True for the binary classification losses (labels 0/1 or −1/+1, positive = label > 0). */
  default boolean isClassification() {
    return false;
  }

  /**
   * The largest second derivative in the margin, sup over (m, y) of ∂²value/∂m² (squared 1, logistic
   * 1/4), or NaN when there is none (a kink, as the hinge's, or a curvature that moves with the
   * loss's own parameters, as huber's 1/σ).
   */
  default double curvatureBound() {
    return Double.NaN;
  }

  /** How many parameters of its own this loss optimizes (0 for most). */
  default int numExtraParams() {
    return 0;
  }

  /** The optimizer-space starting values of the extra parameters. */
  default double[] initialExtraParams() {
    return new double[0];
  }

  /** This loss with its extra parameters fixed at {@code params[offset …]}; itself when it has none. */
  default Loss bind(double[] params, int offset) {
    return this;
  }

  /**
   * On a bound loss: {@code acc[offset + k] += weight · ∂value/∂extra_k} at (margin, label), the
   * derivative taken in the optimizer-space parameter.
   */
  default void addExtraGradient(double margin, double label, double weight, double[] acc, int offset) {
  }
}

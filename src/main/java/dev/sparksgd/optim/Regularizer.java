package dev.sparksgd.optim;

import java.io.Serializable;

/**
 * A penalty on the weights. The intercept is never penalized: callers pass how many leading
 * entries of the parameter vector are weights ({@code numWeights}); the rest (the intercept and
 * any extra loss parameters after it) are left alone. A penalty has a smooth part, given as a
 * gradient, and may have a non-smooth part (L1), applied as a proximal step after the optimizer's.
 */
public interface Regularizer extends Serializable {
  /** The penalty's value at {@code params} (smooth and non-smooth parts). */
  double value(double[] params, int numWeights);

  /** Adds the penalty's (smooth part's) gradient into {@code gradient}. */
  void addGradient(double[] params, int numWeights, double[] gradient);

  /** Whether {@link #prox} does anything. */
  default boolean hasProx() {
    return false;
  }

  /**
   * The proximal step of the non-smooth part, in place: coordinate i is moved as by a step of
   * size {@code steps[i]} (see {@link Optimizer#effectiveSteps}).
   */
  default void prox(double[] params, int numWeights, double[] steps) {
  }

  /**
   * Writes into {@code out} the minimum-norm element of the objective's subdifferential, given the
   * smooth gradient (loss plus smooth penalty): what goes to 0 at the optimum, also with L1.
   */
  default void stationarity(double[] params, int numWeights, double[] smoothGradient, double[] out) {
    System.arraycopy(smoothGradient, 0, out, 0, out.length);
  }

  /** The L1 weight of weight i (i below numWeights): what the proximal step thresholds by; 0 without L1. */
  default double l1Weight(int i) {
    return 0.0;
  }

  /**
   * The same penalty with every part but L1 smooth (given by {@link #addGradient}): what a
   * quasi-Newton step needs, whose curvature estimate must see the L2 part ({@link Lbfgs}).
   */
  default Regularizer withSmoothL2() {
    return this;
  }

  /** No penalty. */
  Regularizer NONE = new Regularizer() {
    private static final long serialVersionUID = 1L;

    @Override
    public double value(double[] params, int numWeights) {
      return 0.0;
    }

    @Override
    public void addGradient(double[] params, int numWeights, double[] gradient) {
    }
  };

  /** ½·λ·‖w‖², gradient λ·w. */
  static Regularizer l2(double lambda) {
    return elasticNet(0.0, lambda);
  }

  /**
   * l1·‖w‖₁ + ½·l2·‖w‖², the L1 part by soft-thresholding. spark.ml's elastic net
   * λ·(α‖w‖₁ + (1 − α)/2·‖w‖²) is {@code elasticNet(α·λ, (1 − α)·λ)}.
   */
  static Regularizer elasticNet(double l1, double l2) {
    if (l1 == 0.0 && l2 == 0.0) {
      return NONE;
    }
    return new ElasticNet(l1, l2);
  }

  /**
   * l1·Σ f_j|w_j| + ½·l2·Σ (f_j·w_j)², both parts proximal ({@link WeightedElasticNet});
   * {@code factors} null means all 1, which is {@link #elasticNet(double, double)}.
   */
  static Regularizer elasticNet(double l1, double l2, double[] factors) {
    if (factors == null || (l1 == 0.0 && l2 == 0.0)) {
      return elasticNet(l1, l2);
    }
    return new WeightedElasticNet(l1, l2, factors);
  }
}

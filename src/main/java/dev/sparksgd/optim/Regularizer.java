package dev.sparksgd.optim;

import java.io.Serializable;

/**
 * A penalty on the weights. The intercept is never penalized: callers pass how many leading
 * entries of the parameter vector are weights ({@code numWeights}); the rest are left alone.
 */
public interface Regularizer extends Serializable {
  /** The penalty's value at {@code params}. */
  double value(double[] params, int numWeights);

  /** Adds the penalty's (smooth part's) gradient into {@code gradient}. */
  void addGradient(double[] params, int numWeights, double[] gradient);

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
    if (lambda == 0.0) {
      return NONE;
    }
    return new Regularizer() {
      private static final long serialVersionUID = 1L;

      @Override
      public double value(double[] params, int numWeights) {
        double s = 0;
        for (int i = 0; i < numWeights; i++) {
          s += params[i] * params[i];
        }
        return 0.5 * lambda * s;
      }

      @Override
      public void addGradient(double[] params, int numWeights, double[] gradient) {
        for (int i = 0; i < numWeights; i++) {
          gradient[i] += lambda * params[i];
        }
      }
    };
  }
}

package dev.sparksgd.optim;

import java.util.Map;

/** AdaGrad (Duchi et al. 2011): G ← G + g², w ← w − η·g/(√G + ε), per coordinate. */
public final class Adagrad implements Optimizer {
  private static final long serialVersionUID = 1L;

  private final double epsilon;
  private double[] sumSquares;

  public Adagrad(double epsilon) {
    this.epsilon = epsilon;
  }

  @Override
  public void step(double[] params, double[] gradient, double eta) {
    sumSquares = OptimState.ensure(sumSquares, params.length);
    for (int i = 0; i < params.length; i++) {
      sumSquares[i] += gradient[i] * gradient[i];
      params[i] -= eta * gradient[i] / (Math.sqrt(sumSquares[i]) + epsilon);
    }
  }

  @Override
  public void effectiveSteps(double eta, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = eta / (Math.sqrt(OptimState.at(sumSquares, i)) + epsilon);
    }
  }

  @Override
  public String name() {
    return "adagrad";
  }

  @Override
  public Map<String, double[]> state() {
    return OptimState.of("sumSquares", sumSquares);
  }

  @Override
  public void restoreState(Map<String, double[]> state) {
    sumSquares = OptimState.restoreOne(state, name(), "sumSquares");
  }
}

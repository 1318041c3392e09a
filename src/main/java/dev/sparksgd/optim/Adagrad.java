package dev.sparksgd.optim;

import java.util.Map;

/** AdaGrad (Duchi et al. 2011): G ← G + g², w ← w − η·g/(√G + ε), per coordinate. */
public final class Adagrad implements Optimizer, CoordinateWise {
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
      stepAt(params, i, gradient[i], eta);
    }
  }

  @Override
  public double[][] stateArrays(int n) {
    sumSquares = OptimState.ensure(sumSquares, n);
    return new double[][] {sumSquares};
  }

  @Override
  public void stepAt(double[] params, int i, double g, double eta) {
    sumSquares[i] += g * g;
    params[i] -= eta * g / (Math.sqrt(sumSquares[i]) + epsilon);
  }

  @Override
  public double effectiveStepAt(int i, double eta) {
    return eta / (Math.sqrt(OptimState.at(sumSquares, i)) + epsilon);
  }

  @Override
  public void effectiveSteps(double eta, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = effectiveStepAt(i, eta);
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

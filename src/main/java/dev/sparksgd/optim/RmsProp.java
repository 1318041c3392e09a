package dev.sparksgd.optim;

import java.util.Map;

/**
 * RMSprop (Hinton's lecture 6e): E ← ρ·E + (1 − ρ)·g², w ← w − η·g/(√E + ε), per coordinate.
 * No bias correction, as in Keras and PyTorch: the first steps are up to 1/√(1 − ρ) times η.
 */
public final class RmsProp implements Optimizer, CoordinateWise {
  private static final long serialVersionUID = 1L;

  private final double rho;
  private final double epsilon;
  private double[] meanSquares;

  public RmsProp(double rho, double epsilon) {
    this.rho = rho;
    this.epsilon = epsilon;
  }

  @Override
  public void step(double[] params, double[] gradient, double eta) {
    meanSquares = OptimState.ensure(meanSquares, params.length);
    for (int i = 0; i < params.length; i++) {
      stepAt(params, i, gradient[i], eta);
    }
  }

  @Override
  public double[][] stateArrays(int n) {
    meanSquares = OptimState.ensure(meanSquares, n);
    return new double[][] {meanSquares};
  }

  @Override
  public void stepAt(double[] params, int i, double g, double eta) {
    meanSquares[i] = rho * meanSquares[i] + (1 - rho) * g * g;
    params[i] -= eta * g / (Math.sqrt(meanSquares[i]) + epsilon);
  }

  @Override
  public double effectiveStepAt(int i, double eta) {
    return eta / (Math.sqrt(OptimState.at(meanSquares, i)) + epsilon);
  }

  double rho() {
    return rho;
  }

  @Override
  public void effectiveSteps(double eta, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = effectiveStepAt(i, eta);
    }
  }

  @Override
  public String name() {
    return "rmsprop";
  }

  @Override
  public Map<String, double[]> state() {
    return OptimState.of("meanSquares", meanSquares);
  }

  @Override
  public void restoreState(Map<String, double[]> state) {
    meanSquares = OptimState.restoreOne(state, name(), "meanSquares");
  }
}

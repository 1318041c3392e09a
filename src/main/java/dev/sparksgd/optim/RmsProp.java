package dev.sparksgd.optim;

import java.util.Map;

/**
 * RMSprop (Hinton's lecture 6e): E ← ρ·E + (1 − ρ)·g², w ← w − η·g/(√E + ε), per coordinate.
 * No bias correction, as in Keras and PyTorch: the first steps are up to 1/√(1 − ρ) times η.
 */
public final class RmsProp implements Optimizer {
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
      meanSquares[i] = rho * meanSquares[i] + (1 - rho) * gradient[i] * gradient[i];
      params[i] -= eta * gradient[i] / (Math.sqrt(meanSquares[i]) + epsilon);
    }
  }

  @Override
  public void effectiveSteps(double eta, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = eta / (Math.sqrt(OptimState.at(meanSquares, i)) + epsilon);
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

package dev.sparksgd.optim;

import java.util.Map;

/**
 * Heavy-ball momentum in the form PyTorch and Tribuo use: v ← μ·v + g, w ← w − η·v. The velocity is
 * kept in gradient units, so a schedule that changes η scales the whole step, not only the newest
 * gradient. {@link Nesterov} is the same update with the look-ahead term.
 */
public class Momentum implements Optimizer, CoordinateWise {
  private static final long serialVersionUID = 1L;

  private final double mu;
  private final boolean nesterov;
  private double[] velocity;

  public Momentum(double mu) {
    this(mu, false);
  }

  Momentum(double mu, boolean nesterov) {
    this.mu = mu;
    this.nesterov = nesterov;
  }

  @Override
  public void step(double[] params, double[] gradient, double eta) {
    velocity = OptimState.ensure(velocity, params.length);
    for (int i = 0; i < params.length; i++) {
      stepAt(params, i, gradient[i], eta);
    }
  }

  @Override
  public double[][] stateArrays(int n) {
    velocity = OptimState.ensure(velocity, n);
    return new double[][] {velocity};
  }

  @Override
  public void stepAt(double[] params, int i, double g, double eta) {
    velocity[i] = mu * velocity[i] + g;
    params[i] -= eta * (nesterov ? g + mu * velocity[i] : velocity[i]);
  }

  @Override
  public double effectiveStepAt(int i, double eta) {
    return eta / (1.0 - mu);
  }

  double mu() {
    return mu;
  }

  boolean nesterov() {
    return nesterov;
  }

  /** At a fixed point v = g/(1 − μ) (and g + μ·v = g/(1 − μ)): w moves by η/(1 − μ) times g. */
  @Override
  public void effectiveSteps(double eta, double[] out) {
    java.util.Arrays.fill(out, effectiveStepAt(0, eta));
  }

  @Override
  public String name() {
    return nesterov ? "nesterov" : "momentum";
  }

  @Override
  public Map<String, double[]> state() {
    return OptimState.of("velocity", velocity);
  }

  @Override
  public void restoreState(Map<String, double[]> state) {
    velocity = OptimState.restoreOne(state, name(), "velocity");
  }
}

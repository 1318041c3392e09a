package dev.sparksgd.optim;

import java.util.Map;

/**
 * Heavy-ball momentum in the form PyTorch and Tribuo use: v ← μ·v + g, w ← w − η·v. The velocity is
 * kept in gradient units, so a schedule that changes η scales the whole step, not only the newest
 * gradient.
 */
public final class Momentum implements Optimizer {
  private static final long serialVersionUID = 1L;

  private final double mu;
  private double[] velocity;

  public Momentum(double mu) {
    this.mu = mu;
  }

  @Override
  public void step(double[] params, double[] gradient, double eta) {
    velocity = OptimState.ensure(velocity, params.length);
    for (int i = 0; i < params.length; i++) {
      velocity[i] = mu * velocity[i] + gradient[i];
      params[i] -= eta * velocity[i];
    }
  }

  /** At a fixed point v = g/(1 − μ), so a gradient moves w by η/(1 − μ) times itself. */
  @Override
  public void effectiveSteps(double eta, double[] out) {
    java.util.Arrays.fill(out, eta / (1.0 - mu));
  }

  @Override
  public String name() {
    return "momentum";
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

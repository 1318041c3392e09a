package dev.sparksgd.optim;

import java.util.Map;

/**
 * Heavy-ball momentum in the form PyTorch and Tribuo use: v ← μ·v + g, w ← w − η·v. The velocity is
 * kept in gradient units, so a schedule that changes η scales the whole step, not only the newest
 * gradient. {@link Nesterov} is the same update with the look-ahead term.
 */
public class Momentum implements Optimizer {
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
      velocity[i] = mu * velocity[i] + gradient[i];
      params[i] -= eta * (nesterov ? gradient[i] + mu * velocity[i] : velocity[i]);
    }
  }

  /** At a fixed point v = g/(1 − μ) (and g + μ·v = g/(1 − μ)): w moves by η/(1 − μ) times g. */
  @Override
  public void effectiveSteps(double eta, double[] out) {
    java.util.Arrays.fill(out, eta / (1.0 - mu));
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

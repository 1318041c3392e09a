package dev.sparksgd.optim;

import java.util.Map;

/**
 * Nesterov's accelerated gradient in the form that needs only the gradient at the current
 * parameters (Sutskever et al. 2013, as PyTorch writes it): v ← μ·v + g, w ← w − η·(g + μ·v).
 * The distributed loop computes exactly that gradient, so no look-ahead evaluation is needed.
 */
public final class Nesterov implements Optimizer {
  private static final long serialVersionUID = 1L;

  private final double mu;
  private double[] velocity;

  public Nesterov(double mu) {
    this.mu = mu;
  }

  @Override
  public void step(double[] params, double[] gradient, double eta) {
    velocity = OptimState.ensure(velocity, params.length);
    for (int i = 0; i < params.length; i++) {
      velocity[i] = mu * velocity[i] + gradient[i];
      params[i] -= eta * (gradient[i] + mu * velocity[i]);
    }
  }

  /** At a fixed point v = g/(1 − μ), and g + μ·v = g/(1 − μ). */
  @Override
  public void effectiveSteps(double eta, double[] out) {
    java.util.Arrays.fill(out, eta / (1.0 - mu));
  }

  @Override
  public String name() {
    return "nesterov";
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

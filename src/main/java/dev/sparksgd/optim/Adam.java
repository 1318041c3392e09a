package dev.sparksgd.optim;

import java.util.Map;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1): m ← β₁·m + (1 − β₁)·g, v ← β₂·v + (1 − β₂)·g²,
 * m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), w ← w − η·m̂/(√v̂ + ε). t counts this optimizer's own steps
 * (it is part of the state, so a resumed run applies the same bias correction).
 */
public final class Adam implements Optimizer {
  private static final long serialVersionUID = 1L;

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private double[] m;
  private double[] v;
  private long t;

  public Adam(double beta1, double beta2, double epsilon) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  @Override
  public void step(double[] params, double[] gradient, double eta) {
    m = OptimState.ensure(m, params.length);
    v = OptimState.ensure(v, params.length);
    t++;
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    for (int i = 0; i < params.length; i++) {
      double g = gradient[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= eta * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
    }
  }

  /** At a fixed point m̂ = g and the step is g scaled by η/(√v̂ + ε). */
  @Override
  public void effectiveSteps(double eta, double[] out) {
    double c2 = t == 0 ? 1.0 : 1 - Math.pow(beta2, t);
    for (int i = 0; i < out.length; i++) {
      out[i] = eta / (Math.sqrt(OptimState.at(v, i) / c2) + epsilon);
    }
  }

  @Override
  public String name() {
    return "adam";
  }

  @Override
  public Map<String, double[]> state() {
    if (t == 0) {
      return Map.of();
    }
    Map<String, double[]> s = new java.util.LinkedHashMap<>();
    s.putAll(OptimState.of("m", m));
    s.putAll(OptimState.of("v", v));
    s.put("t", new double[] {t});
    return s;
  }

  @Override
  public void restoreState(Map<String, double[]> state) {
    OptimState.checkKeys(state, name(), "m", "v", "t");
    double[] steps = state.get("t");
    if (steps == null ? !state.isEmpty()
        : steps.length != 1 || !(steps[0] >= 0) || steps[0] != Math.rint(steps[0])) {
      throw new IllegalArgumentException("adam state needs t = [step count] with m and v, got "
          + state.keySet() + (steps == null ? "" : " t=" + java.util.Arrays.toString(steps)));
    }
    m = OptimState.take(state, name(), "m");
    v = OptimState.take(state, name(), "v");
    t = steps == null ? 0 : (long) steps[0];
  }
}

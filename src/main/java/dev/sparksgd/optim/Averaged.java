package dev.sparksgd.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Polyak–Ruppert averaging around any optimizer: the inner optimizer moves the iterates as before,
 * and the model is their running mean w̄_t = w̄_{t−1} + (w_t − w̄_{t−1})/t over the iterates
 * after each step (t = 1, 2, …). The mean of noisy SGD iterates is far closer to the optimum
 * than the last iterate when the mini-batch is small (Polyak and Juditsky 1992).
 */
public final class Averaged implements Optimizer {
  private static final long serialVersionUID = 1L;

  private final Optimizer inner;
  private double[] average;
  private long count;

  public Averaged(Optimizer inner) {
    this.inner = inner;
  }

  public Optimizer inner() {
    return inner;
  }

  @Override
  public void step(double[] params, double[] gradient, double eta) {
    inner.step(params, gradient, eta);
  }

  /**
   * Adds the iterate to the average. Called by the trainer once the iteration's parameters are
   * final (after any proximal step), so the average is over the iterates actually visited.
   */
  @Override
  public void afterStep(double[] params) {
    average = OptimState.ensure(average, params.length);
    count++;
    double inv = 1.0 / count;
    for (int i = 0; i < params.length; i++) {
      average[i] += (params[i] - average[i]) * inv;
    }
  }

  @Override
  public double[] modelParams(double[] params) {
    return average == null ? params : average.clone();
  }

  @Override
  public void effectiveSteps(double eta, double[] out) {
    inner.effectiveSteps(eta, out);
  }

  @Override
  public String name() {
    return inner.name() + "+averaging";
  }

  /** The inner optimizer's entries prefixed "inner.", plus "average" and "count". */
  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> s = new LinkedHashMap<>();
    inner.state().forEach((k, v) -> s.put("inner." + k, v));
    if (average != null) {
      s.put("average", average.clone());
      s.put("count", new double[] {count});
    }
    return s;
  }

  @Override
  public void restoreState(Map<String, double[]> state) {
    Map<String, double[]> in = new LinkedHashMap<>();
    double[] avg = null;
    double[] n = null;
    for (Map.Entry<String, double[]> e : state.entrySet()) {
      String k = e.getKey();
      if (k.startsWith("inner.")) {
        in.put(k.substring("inner.".length()), e.getValue());
      } else if (k.equals("average")) {
        avg = e.getValue();
      } else if (k.equals("count")) {
        n = e.getValue();
      } else {
        throw new IllegalArgumentException(name() + " state has no entry '" + k + "'");
      }
    }
    if ((avg == null) != (n == null) || (n != null && (n.length != 1 || !(n[0] >= 1)))) {
      throw new IllegalArgumentException(name() + " state needs both average and count >= 1");
    }
    inner.restoreState(in);
    average = avg == null ? null : avg.clone();
    count = n == null ? 0 : (long) n[0];
  }
}

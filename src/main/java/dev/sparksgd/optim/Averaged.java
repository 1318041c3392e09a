package dev.sparksgd.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Polyak–Ruppert averaging around any optimizer: the inner optimizer moves the iterates as before,
 * and the model is their running mean w̄ = w̄ + (w_t − w̄)/k over the iterates from step
 * {@code start} on (k counts them). The mean of noisy SGD iterates is far closer to the optimum
 * than the last iterate when the mini-batch is small (Polyak and Juditsky 1992); starting it later
 * (as sklearn's {@code average=N} and Bottou's ASGD t₀ do) keeps the early, far-off iterates out
 * of the mean. Before {@code start} the model is the iterate itself.
 */
public final class Averaged implements Optimizer {
  private static final long serialVersionUID = 1L;

  private final Optimizer inner;
  private final long start;
  private double[] average;
  private long steps;

  public Averaged(Optimizer inner) {
    this(inner, 1);
  }

  /** @param start the first step (1-based) whose iterate enters the mean */
  public Averaged(Optimizer inner, long start) {
    if (start < 1) {
      throw new IllegalArgumentException("averaging start must be >= 1: " + start);
    }
    this.inner = inner;
    this.start = start;
  }

  public Optimizer inner() {
    return inner;
  }

  long start() {
    return start;
  }

  long steps() {
    return steps;
  }

  /** The state {@link LazyUpdate} keeps in step: the step count and the mean (null before start). */
  void setLazyState(long steps, double[] average) {
    this.steps = steps;
    this.average = average;
  }

  double[] average() {
    return average;
  }

  @Override
  public void step(double[] params, double[] gradient, double eta) {
    inner.step(params, gradient, eta);
  }

  /**
   * Adds the iterate to the mean. Called by the trainer once the step's parameters are final
   * (after any proximal step), so the mean is over the iterates actually visited.
   */
  @Override
  public void afterStep(double[] params) {
    inner.afterStep(params);
    steps++;
    if (steps < start) {
      return;
    }
    average = OptimState.ensure(average, params.length);
    double inv = 1.0 / (steps - start + 1);
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

  /** The inner optimizer's entries prefixed "inner.", plus "steps" and (once started) "average". */
  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> s = new LinkedHashMap<>();
    inner.state().forEach((k, v) -> s.put("inner." + k, v));
    if (steps > 0) {
      s.put("steps", new double[] {steps});
    }
    if (average != null) {
      s.put("average", average.clone());
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
      } else if (k.equals("steps")) {
        n = e.getValue();
      } else {
        throw new IllegalArgumentException(name() + " state has no entry '" + k + "'");
      }
    }
    long restoredSteps = n == null ? 0 : (long) n[0];
    if ((n != null && (n.length != 1 || !(n[0] >= 1) || n[0] != Math.rint(n[0])))
        || ((avg != null) != (restoredSteps >= start))) {
      throw new IllegalArgumentException(name() + " state needs steps >= 1, and the average exactly "
          + "when steps >= " + start);
    }
    inner.restoreState(in);
    average = avg == null ? null : avg.clone();
    steps = restoredSteps;
  }
}

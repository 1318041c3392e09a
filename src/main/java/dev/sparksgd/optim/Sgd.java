package dev.sparksgd.optim;

/** w ← w − η·g. */
public final class Sgd implements Optimizer {
  private static final long serialVersionUID = 1L;

  @Override
  public void step(double[] params, double[] gradient, double eta) {
    for (int i = 0; i < params.length; i++) {
      params[i] -= eta * gradient[i];
    }
  }

  @Override
  public String name() {
    return "sgd";
  }
}

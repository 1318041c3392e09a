package dev.sparksgd.optim;

/** w ← w − η·g. */
public final class Sgd implements Optimizer, CoordinateWise {
  private static final long serialVersionUID = 1L;

  @Override
  public void step(double[] params, double[] gradient, double eta) {
    for (int i = 0; i < params.length; i++) {
      stepAt(params, i, gradient[i], eta);
    }
  }

  @Override
  public double[][] stateArrays(int n) {
    return new double[0][];
  }

  @Override
  public void stepAt(double[] params, int i, double g, double eta) {
    params[i] -= eta * g;
  }

  @Override
  public double effectiveStepAt(int i, double eta) {
    return eta;
  }

  @Override
  public String name() {
    return "sgd";
  }
}

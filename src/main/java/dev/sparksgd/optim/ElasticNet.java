package dev.sparksgd.optim;

/** l1·‖w‖₁ + ½·l2·‖w‖² over the first numWeights entries. */
final class ElasticNet implements Regularizer {
  private static final long serialVersionUID = 1L;

  final double l1;
  final double l2;

  ElasticNet(double l1, double l2) {
    this.l1 = l1;
    this.l2 = l2;
  }

  @Override
  public double value(double[] params, int numWeights) {
    double abs = 0;
    double sq = 0;
    for (int i = 0; i < numWeights; i++) {
      abs += Math.abs(params[i]);
      sq += params[i] * params[i];
    }
    return l1 * abs + 0.5 * l2 * sq;
  }

  @Override
  public void addGradient(double[] params, int numWeights, double[] gradient) {
    if (l2 == 0.0) {
      return;
    }
    for (int i = 0; i < numWeights; i++) {
      gradient[i] += l2 * params[i];
    }
  }

  @Override
  public double l1Weight(int i) {
    return l1;
  }

  @Override
  public boolean hasProx() {
    return l1 > 0;
  }

  /** Soft-thresholding: w ← sign(w)·max(|w| − step·l1, 0); irrelevant weights become exactly 0. */
  @Override
  public void prox(double[] params, int numWeights, double[] steps) {
    if (l1 == 0.0) {
      return;
    }
    for (int i = 0; i < numWeights; i++) {
      params[i] = softThreshold(params[i], steps[i] * l1);
    }
  }

  /** sign(w)·max(|w| − t, 0). */
  static double softThreshold(double w, double t) {
    return w > t ? w - t : w < -t ? w + t : 0.0;
  }

  @Override
  public void stationarity(double[] params, int numWeights, double[] smoothGradient, double[] out) {
    System.arraycopy(smoothGradient, 0, out, 0, out.length);
    if (l1 == 0.0) {
      return;
    }
    for (int i = 0; i < numWeights; i++) {
      double g = smoothGradient[i];
      if (params[i] != 0.0) {
        out[i] = g + Math.copySign(l1, params[i]);
      } else {
        out[i] = Math.abs(g) <= l1 ? 0.0 : g - Math.copySign(l1, g);
      }
    }
  }
}

package dev.sparksgd.optim;

/**
 * l1·Σ f_j|w_j| + ½·l2·Σ (f_j·w_j)²: an elastic net on rescaled weights f_j·w_j. With the optimizer
 * on standardized features w_j = σ_j·β_j, f_j = 1/σ_j puts spark.ml's {@code standardization=false}
 * penalty on the raw coefficients β_j. Both parts are applied as one proximal step: the L2 part's
 * curvature l2·f_j² can be a million times the loss's (a feature of scale 1e−3), which no gradient
 * step serves, while its proximal step w/(1 + s·l2·f²) is exact at any step s. A factor of 0 (a
 * constant feature, whose weight stays 0) leaves the weight unpenalized. A quasi-Newton step
 * ({@link Lbfgs}) takes the L2 part as a gradient instead ({@link #withSmoothL2()}): its curvature
 * estimate then includes the penalty's.
 */
final class WeightedElasticNet implements Regularizer {
  private static final long serialVersionUID = 1L;

  final double l1;
  final double l2;
  private final double[] factors;
  /** Whether the L2 part is applied by {@link #prox} (else by {@link #addGradient}). */
  private final boolean l2Proximal;

  WeightedElasticNet(double l1, double l2, double[] factors) {
    this(l1, l2, factors, true);
  }

  private WeightedElasticNet(double l1, double l2, double[] factors, boolean l2Proximal) {
    this.l1 = l1;
    this.l2 = l2;
    this.factors = factors.clone();
    this.l2Proximal = l2Proximal;
  }

  /** The factors f_j (not to be changed). */
  double[] factors() {
    return factors;
  }

  /** Whether the L2 part is the proximal step (else a gradient). */
  boolean l2Proximal() {
    return l2Proximal;
  }

  @Override
  public Regularizer withSmoothL2() {
    return l2Proximal ? new WeightedElasticNet(l1, l2, factors, false) : this;
  }

  @Override
  public double l1Weight(int i) {
    return l1 * factors[i];
  }

  @Override
  public double value(double[] params, int numWeights) {
    double abs = 0;
    double sq = 0;
    for (int i = 0; i < numWeights; i++) {
      double v = factors[i] * params[i];
      abs += Math.abs(v);
      sq += v * v;
    }
    return l1 * abs + 0.5 * l2 * sq;
  }

  /** The L2 part's gradient l2·f²·w when it is smooth; nothing when both parts are proximal. */
  @Override
  public void addGradient(double[] params, int numWeights, double[] gradient) {
    if (l2Proximal) {
      return;
    }
    for (int i = 0; i < numWeights; i++) {
      gradient[i] += l2 * factors[i] * factors[i] * params[i];
    }
  }

  @Override
  public boolean hasProx() {
    return l2Proximal || l1 > 0;
  }

  /**
   * w ← soft(w, s·l1·f)/(1 + s·l2·f²), the exact proximal step of s times the penalty (without
   * the division when the L2 part is smooth).
   */
  @Override
  public void prox(double[] params, int numWeights, double[] steps) {
    double l2p = l2Proximal ? l2 : 0.0;
    for (int i = 0; i < numWeights; i++) {
      double f = factors[i];
      double t = steps[i] * l1 * f;
      double w = params[i];
      double soft = w > t ? w - t : w < -t ? w + t : 0.0;
      params[i] = soft / (1.0 + steps[i] * l2p * f * f);
    }
  }

  @Override
  public void stationarity(double[] params, int numWeights, double[] smoothGradient, double[] out) {
    System.arraycopy(smoothGradient, 0, out, 0, out.length);
    for (int i = 0; i < numWeights; i++) {
      double f = factors[i];
      double g = smoothGradient[i] + (l2Proximal ? l2 * f * f * params[i] : 0.0);
      double t = l1 * f;
      if (params[i] != 0.0) {
        out[i] = g + Math.copySign(t, params[i]);
      } else {
        out[i] = Math.abs(g) <= t ? 0.0 : g - Math.copySign(t, g);
      }
    }
  }
}

package dev.sparksgd.loss;

/**
 * The hinge smoothed over a width μ (the Huberized hinge, Nesterov's smoothing of max(0, z)): with
 * z = 1 − y'·m and y' = ±1 as in {@link HingeLoss}, 0 for z ≤ 0, z²/(2μ) for 0 < z < μ and z − μ/2
 * for z ≥ μ. It is differentiable with a 1/μ-Lipschitz derivative, and hinge − μ/2 ≤ it ≤ hinge,
 * so the hinge objective at its minimizer is at most μ/2 above the hinge's own minimum. The
 * trainer minimizes it for a decreasing μ when a quasi-Newton schedule meets the hinge (see
 * docs/algorithms.md, "The hinge under lbfgs").
 */
public record SmoothedHingeLoss(double width) implements Loss {
  private static final long serialVersionUID = 1L;

  public SmoothedHingeLoss {
    if (!(width > 0) || !Double.isFinite(width)) {
      throw new IllegalArgumentException("the hinge's smoothing width must be positive and finite: " + width);
    }
  }

  @Override
  public double value(double margin, double label) {
    double z = 1.0 - (label > 0 ? margin : -margin);
    return z <= 0 ? 0.0 : z < width ? z * z / (2 * width) : z - width / 2;
  }

  @Override
  public double derivative(double margin, double label) {
    double y = label > 0 ? 1.0 : -1.0;
    double z = 1.0 - y * margin;
    return z <= 0 ? 0.0 : z < width ? -y * z / width : -y;
  }

  @Override
  public String name() {
    return HingeLoss.INSTANCE.name();
  }

  @Override
  public boolean isClassification() {
    return true;
  }
}

package dev.sparksgd.loss;

/** ½(m − y)²: MLlib's LeastSquaresGradient per example. */
public final class SquaredLoss implements Loss {
  private static final long serialVersionUID = 1L;
  public static final SquaredLoss INSTANCE = new SquaredLoss();

  @Override
  public double value(double margin, double label) {
    double r = margin - label;
    return 0.5 * r * r;
  }

  @Override
  public double derivative(double margin, double label) {
    return margin - label;
  }

  @Override
  public String name() {
    return "squared";
  }

  /** ½(m − y)² has curvature 1 everywhere. */
  @Override
  public double curvatureBound() {
    return 1.0;
  }
}

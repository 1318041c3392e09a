package dev.sparksgd.loss;

/**
 * max(0, 1 − y'·m) with y' = +1 for a positive row (label > 0) and −1 otherwise: spark.ml
 * LinearSVC's loss. At the kink (y'm = 1) the subgradient 0 is used, as LinearSVC's aggregator does.
 */
public final class HingeLoss implements Loss {
  private static final long serialVersionUID = 1L;
  public static final HingeLoss INSTANCE = new HingeLoss();

  @Override
  public double value(double margin, double label) {
    double y = label > 0 ? 1.0 : -1.0;
    return Math.max(0.0, 1.0 - y * margin);
  }

  @Override
  public double derivative(double margin, double label) {
    double y = label > 0 ? 1.0 : -1.0;
    return 1.0 - y * margin > 0 ? -y : 0.0;
  }

  @Override
  public String name() {
    return "hinge";
  }

  @Override
  public boolean isClassification() {
    return true;
  }
}

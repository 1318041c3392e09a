package dev.sparksgd.loss;

/**
 * Binary log loss on the margin: log(1 + e^{−m}) for a positive row (label > 0), log(1 + e^{m})
 * for a negative one (label 0 or −1), as spark.ml's binomial LogisticRegression.
 */
public final class LogisticLoss implements Loss {
  private static final long serialVersionUID = 1L;
  public static final LogisticLoss INSTANCE = new LogisticLoss();

  @Override
  public double value(double margin, double label) {
    double t = label > 0 ? -margin : margin;
    // log(1 + e^t) without overflow for large t or loss of precision for very negative t.
    return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
  }

  @Override
  public double derivative(double margin, double label) {
    return sigmoid(margin) - (label > 0 ? 1.0 : 0.0);
  }

  /** P(positive) = 1 / (1 + e^{−m}), computed without overflow. */
  public static double sigmoid(double margin) {
    if (margin >= 0) {
      return 1.0 / (1.0 + Math.exp(-margin));
    }
    double e = Math.exp(margin);
    return e / (1.0 + e);
  }

  @Override
  public String name() {
    return "logistic";
  }

  @Override
  public boolean isClassification() {
    return true;
  }

  /** σ(m)(1 − σ(m)) ≤ 1/4, reached at m = 0. */
  @Override
  public double curvatureBound() {
    return 0.25;
  }
}

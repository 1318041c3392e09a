package dev.sparksgd.loss;

/**
 * spark.ml's huber loss, the scale-invariant form of Owen (2007): per row
 * ½·(σ + H_ε((y − m)/σ)·σ) with H_ε(z) = z² for |z| ≤ ε, else 2ε|z| − ε². The scale σ is
 * optimized jointly with the weights. It is kept positive by optimizing s = ln σ (the one extra
 * parameter), so any step gives a valid σ; spark.ml bounds σ > 0 in L-BFGS-B instead, which has
 * the same minimum.
 */
public final class HuberLoss implements Loss {
  private static final long serialVersionUID = 1L;
  /** spark.ml's default epsilon. */
  public static final double DEFAULT_EPSILON = 1.35;

  private final double epsilon;
  /** NaN until bound. */
  private final double sigma;

  public HuberLoss(double epsilon) {
    this(epsilon, Double.NaN);
  }

  private HuberLoss(double epsilon, double sigma) {
    if (!(epsilon > 1.0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("huber epsilon must be > 1, got " + epsilon);
    }
    this.epsilon = epsilon;
    this.sigma = sigma;
  }

  /** This loss with the scale fixed at {@code sigma} (> 0). */
  public static HuberLoss withScale(double epsilon, double sigma) {
    if (!(sigma > 0) || !Double.isFinite(sigma)) {
      throw new IllegalArgumentException("huber scale must be > 0 and finite, got " + sigma);
    }
    return new HuberLoss(epsilon, sigma);
  }

  public double epsilon() {
    return epsilon;
  }

  /** σ, or NaN when not bound. */
  public double scale() {
    return sigma;
  }

  @Override
  public double value(double margin, double label) {
    double s = boundSigma();
    double r = Math.abs(label - margin);
    if (r <= s * epsilon) {
      return 0.5 * (s + r * r / s);
    }
    return 0.5 * (s + 2.0 * epsilon * r - s * epsilon * epsilon);
  }

  @Override
  public double derivative(double margin, double label) {
    double s = boundSigma();
    double d = margin - label;
    if (Math.abs(d) <= s * epsilon) {
      return d / s;
    }
    return d > 0 ? epsilon : -epsilon;
  }

  @Override
  public String name() {
    return "huber";
  }

  @Override
  public int numExtraParams() {
    return 1;
  }

  /** s = ln σ = 0: σ = 1, spark.ml's starting scale. */
  @Override
  public double[] initialExtraParams() {
    return new double[] {0.0};
  }

  @Override
  public Loss bind(double[] params, int offset) {
    return withScale(epsilon, Math.exp(params[offset]));
  }

  /** ∂/∂s = σ·∂/∂σ, with ∂/∂σ = ½(1 − z²) inside the threshold and ½(1 − ε²) outside. */
  @Override
  public void addExtraGradient(double margin, double label, double weight, double[] acc, int offset) {
    double s = boundSigma();
    double z = (label - margin) / s;
    double dSigma = Math.abs(z) <= epsilon ? 0.5 * (1.0 - z * z) : 0.5 * (1.0 - epsilon * epsilon);
    acc[offset] += weight * s * dSigma;
  }

  private double boundSigma() {
    if (!(sigma > 0)) {
      throw new IllegalStateException("huber loss used before its scale was bound");
    }
    return sigma;
  }
}

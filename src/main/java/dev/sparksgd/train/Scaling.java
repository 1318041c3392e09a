package dev.sparksgd.train;

import dev.sparksgd.data.FeatureStats;
import java.io.Serializable;
import java.lang.ref.SoftReference;

/**
 * Preconditioning by standardization, without a scaled copy of the data. The optimizer works on
 * z_j = (x_j − μ_j)/s_j (centred only when there is an intercept to absorb the shift, as spark.ml
 * does); the data stay raw. A margin in z-space equals β·x + c with β_j = w_j/s_j and
 * c = b − Σ β_j μ_j, and the gradient in z-space is derived from the raw sums Σ r·x_j and Σ r.
 * Whether the penalty acts on the optimizer's weights or on the raw coefficients is a separate
 * matter ({@link #penaltyFactors}), as in spark.ml, which always optimizes standardized features.
 *
 * <p>The scale s_j is the standard deviation σ_j, floored so that no standardized value is larger
 * than {@link #MAX_STANDARDIZED} in absolute value: s_j = max(σ_j, max_i |x_ij − μ_j| / 30). A
 * feature of ordinary shape keeps σ_j (a Gaussian feature's largest deviation is about 6σ even
 * over 10^9 rows); a feature present in a handful of rows, whose σ_j is about √(rows holding it /
 * all rows) times its values, no longer gets standardized values of √(all rows / rows holding it),
 * which make a mini-batch's curvature far larger than the full batch's. With at most k non-zeros
 * per row, a batch of B rows then has curvature at most k·30²/B along a row of its own, so the
 * default step 0.1 is stable for batches of more than about 45·k rows.
 */
final class Scaling implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The bound on |z_j| that floors the scale of a feature. */
  static final double MAX_STANDARDIZED = 30.0;

  final int numFeatures;
  /** 1/s_j, or 0 for a constant feature (its weight stays 0, as in spark.ml); all 1 when off. */
  final double[] invStd;
  /** μ_j when centring, else all 0. */
  final double[] shift;
  /** s_j of the training rows (0 for a constant feature), whether or not the optimizer uses it. */
  private final double[] scale;
  private final boolean preconditioned;
  private final boolean fitIntercept;
  /** The statistics this scaling was made from (the key of {@link #of}'s reuse; not shipped). */
  private final transient FeatureStats from;
  /** {@link #direction}'s value once asked for (a Scaling is shared by the runs over its data). */
  private transient double[] direction;
  private transient boolean directionKnown;
  /** The last scaling {@link #of} made, softly held: runs over the same data share it. */
  private static volatile SoftReference<Scaling> last = new SoftReference<>(null);

  /**
   * The scaling of {@code stats} as the constructor makes it, reused when the last one was made
   * from the same statistics object with the same options (repeated runs over one dataset, as
   * bench and a parameter search do, then allocate no arrays as long as the features). A
   * Scaling is never changed after it is made.
   */
  static Scaling of(FeatureStats stats, int numFeatures, boolean precondition, boolean fitIntercept) {
    Scaling s = last.get();
    if (s != null && s.from == stats && s.numFeatures == numFeatures && s.preconditioned == precondition
        && s.fitIntercept == fitIntercept) {
      return s;
    }
    s = new Scaling(stats, numFeatures, precondition, fitIntercept);
    last = new SoftReference<>(s);
    return s;
  }

  /**
   * @param precondition optimize standardized features (false: raw features, as MLlib's
   *     GradientDescent)
   */
  Scaling(FeatureStats stats, int numFeatures, boolean precondition, boolean fitIntercept) {
    this.numFeatures = numFeatures;
    this.fitIntercept = fitIntercept;
    this.from = stats;
    invStd = new double[numFeatures];
    shift = new double[numFeatures];
    scale = new double[numFeatures];
    // Feature by feature: no temporaries as long as the features (at 2^22 features each is a
    // 32 MB array, a humongous object for G1, per training run).
    for (int j = 0; j < numFeatures; j++) {
      double std = stats.std(j);
      scale[j] = std > 0 ? Math.max(std, stats.maxDeviation(j) / MAX_STANDARDIZED) : 0.0;
    }
    preconditioned = precondition;
    if (!precondition) {
      java.util.Arrays.fill(invStd, 1.0);
      return;
    }
    double[] mean = stats.mean();
    for (int j = 0; j < numFeatures; j++) {
      invStd[j] = scale[j] > 0 ? 1.0 / scale[j] : 0.0;
      shift[j] = fitIntercept ? mean[j] : 0.0;
    }
  }

  /** Whether the optimizer sees the raw features: every invStd_j is 1 and every shift_j 0. */
  boolean isIdentity() {
    return !preconditioned;
  }

  /**
   * μ_j/s_j for every feature (the direction in which the centring moves the gradient of the
   * optimizer's weights), or null when nothing is centred; made once per Scaling and shared: not
   * to be changed.
   */
  synchronized double[] direction() {
    if (!directionKnown) {
      for (int j = 0; j < numFeatures && direction == null; j++) {
        if (shift[j] != 0 && invStd[j] != 0) {
          direction = new double[numFeatures];
          for (int k = 0; k < numFeatures; k++) {
            direction[k] = shift[k] * invStd[k];
          }
        }
      }
      directionKnown = true;
    }
    return direction;
  }

  /** The scale s_j of each feature (w_j = β_j·s_j), 0 for a constant feature, all 1 when off. */
  double[] scale() {
    double[] s = new double[numFeatures];
    for (int j = 0; j < numFeatures; j++) {
      s[j] = invStd[j] > 0 ? 1.0 / invStd[j] : 0.0;
    }
    return s;
  }

  /**
   * The factors f_j by which the penalty sees the optimizer's weights w_j: it acts on the
   * standardized weights s_j·β_j ({@code standardization}, spark.ml's default) or on the raw
   * coefficients β_j, where β_j = w_j·invStd_j. Null when every factor is 1 (the penalty then
   * acts on the optimizer's weights as they are). A constant feature's standardized weight is 0
   * (factor 0); preconditioned, its weight stays 0 whatever the factor, so it is given 1.
   */
  double[] penaltyFactors(boolean standardization) {
    double[] f = null;
    for (int j = 0; j < numFeatures; j++) {
      double fj = penaltyFactor(j, standardization);
      if (fj != 1.0 && f == null) { // the array only when some factor is not 1
        f = new double[numFeatures];
        for (int k = 0; k < j; k++) {
          f[k] = penaltyFactor(k, standardization);
        }
      }
      if (f != null) {
        f[j] = fj;
      }
    }
    return f;
  }

  private double penaltyFactor(int j, boolean standardization) {
    if (preconditioned) {
      return standardization || invStd[j] == 0.0 ? 1.0 : invStd[j];
    }
    return standardization ? scale[j] : 1.0;
  }

  /**
   * Optimizer parameters [w_0 … w_{d−1}, b, extra…] → raw-space coefficients [β, c, extra…]; a
   * loss's extra parameters pass through unchanged.
   */
  double[] toRaw(double[] params) {
    double[] raw = new double[params.length];
    System.arraycopy(params, numFeatures + 1, raw, numFeatures + 1, params.length - numFeatures - 1);
    raw[numFeatures] = toRaw(params, raw);
    return raw;
  }

  /**
   * {@link #toRaw(double[])}'s coefficients β into {@code beta}'s first numFeatures entries (the
   * same bits); returns the raw intercept c.
   */
  double toRaw(double[] params, double[] beta) {
    double c = params[numFeatures];
    for (int j = 0; j < numFeatures; j++) {
      beta[j] = params[j] * invStd[j];
      c -= beta[j] * shift[j];
    }
    return c;
  }

  /** The inverse of {@link #toRaw}: a model in original units → optimizer parameters (warm start). */
  double[] fromRaw(double[] raw) {
    double[] params = new double[raw.length];
    System.arraycopy(raw, numFeatures + 1, params, numFeatures + 1, raw.length - numFeatures - 1);
    // A constant feature has no optimizer weight; its share of the margin (β·μ on the training
    // rows) goes into b, as does the centring shift of the others.
    double b = raw[numFeatures];
    for (int j = 0; j < numFeatures; j++) {
      params[j] = invStd[j] > 0 ? raw[j] / invStd[j] : 0.0;
      b += raw[j] * shift[j];
    }
    params[numFeatures] = b;
    return params;
  }

  /**
   * Mean gradient in optimizer space from the raw partial sums.
   *
   * @param rawGradSum Σ ω·ℓ'·x_j for j < d
   * @param derivSum Σ ω·ℓ'
   * @param weightSum Σ ω
   */
  double[] gradient(double[] rawGradSum, double derivSum, double weightSum, boolean fitIntercept) {
    double[] g = new double[numFeatures + 1];
    for (int j = 0; j < numFeatures; j++) {
      g[j] = (rawGradSum[j] - shift[j] * derivSum) * invStd[j] / weightSum;
    }
    g[numFeatures] = fitIntercept ? derivSum / weightSum : 0.0;
    return g;
  }
}

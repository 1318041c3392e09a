package dev.sparksgd.train;

import dev.sparksgd.config.OptimizerKind;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.config.UpdateMode;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.loss.Loss;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The rate of mini-batch gradient steps when no step size is given (--step-size default): η₀ = 1/L,
 * where L bounds the curvature of the objective on one batch. A step of 1/L is what gradient descent
 * on an L-smooth objective takes (stable below 2/L). L is the loss's curvature bound in the margin
 * (1 for squared loss, 1/4 for logistic) times the largest eigenvalue of the batch's Gram matrix
 * (1/Σω)·Σ ω_i z̃_i z̃_iᵀ of the rows as the optimizer sees them (standardized, centred when an
 * intercept is fitted, with the intercept's 1). One Spark job draws a seeded sample of the batch's
 * size (at most {@link #MAX_ROWS} rows and about {@link #MAX_VALUES} values) to the driver, and a
 * power iteration there finds the eigenvalue.
 *
 * <p>Why the batch and not the full data: on hashed sparse data a batch of B rows that holds a row
 * of rare features has curvature about ‖z_i‖²/B along it, far above the full data's, and that is
 * what bounds a stable step; on dense standardized data the batch's eigenvalue is near the full
 * data's (1 for independent features, up to the feature count for correlated ones). A smaller
 * sample than the batch gives a larger eigenvalue, so a smaller, safe rate.
 */
final class BatchCurvature {
  /** Rows of the sample at most (a larger batch is sampled at this size). */
  static final int MAX_ROWS = 10_000;
  /** Values of the sample at most (dense rows of many features are sampled in fewer rows). */
  static final long MAX_VALUES = 2_000_000;
  static final int MAX_POWER_ITERATIONS = 100;
  /** The power iteration stops when the estimate moves by less than this, relative. */
  static final double POWER_TOL = 1e-3;
  /** Seed stream of the sample, apart from the iterations' streams (t ≥ 1) and the search's. */
  static final long SAMPLE_STREAM = -0x4241544348435256L;

  private BatchCurvature() {
  }

  /**
   * The rate, the bound L it came from and the sampled rows. {@code rate} is {@link
   * TrainConfig#DEFAULT_STEP_SIZE} when the sample gave no curvature (empty, or every feature constant).
   */
  record Result(double rate, double curvature, int sampleRows) {
  }

  /**
   * Whether the default rate comes from the batch's curvature: no step size given, mini-batch
   * gradient steps of a fixed-rate optimizer (sgd, momentum, nesterov: the adaptive ones move each
   * weight by about η whatever the curvature) on a loss with a curvature bound.
   */
  static boolean applies(TrainConfig cfg, Loss loss) {
    return cfg.stepSizeDefault && cfg.updateMode == UpdateMode.GRADIENT && cfg.miniBatchFraction < 1.0
        && (cfg.optimizer == OptimizerKind.SGD || cfg.optimizer == OptimizerKind.MOMENTUM
            || cfg.optimizer == OptimizerKind.NESTEROV)
        && Double.isFinite(loss.curvatureBound());
  }

  static Result choose(JavaSparkContext sc, Dataset data, TrainConfig cfg, Loss loss, Scaling scaling,
      Consumer<String> out) {
    long start = System.nanoTime();
    long batch = Math.max(1, Math.round(cfg.miniBatchFraction * data.trainRows));
    // The float64 size, so that --feature-precision float32 samples the same rows (same bits).
    double valuesPerRow = Math.max(1.0, data.float64Bytes() / 8.0 / Math.max(1, data.trainRows + data.holdoutRows));
    long rows = Math.max(1, Math.min(Math.min(batch, MAX_ROWS), (long) (MAX_VALUES / valuesPerRow)));
    LocalRows sample = StepSizeSearch.sample(sc, data, cfg.seed, SAMPLE_STREAM, rows,
        "step size: the curvature of a sampled batch");
    Result r = rate(sample, cfg, loss, scaling);
    out.accept(String.format(Locale.ROOT, "spark-sgd: step size %.4g = %s1/L, L = %.4g the curvature of a "
        + "sampled batch of %d rows (no --step-size given; %d ms)", r.rate,
        cfg.optimizer == OptimizerKind.SGD ? "" : "(1 - momentum)·", r.curvature, r.sampleRows,
        (System.nanoTime() - start) / 1_000_000));
    return r;
  }

  static Result rate(LocalRows sample, TrainConfig cfg, Loss loss, Scaling scaling) {
    double l = loss.curvatureBound() * largestEigenvalue(sample, scaling, cfg.fitIntercept, cfg.seed);
    double factor = cfg.optimizer == OptimizerKind.SGD ? 1.0 : 1.0 - cfg.momentum;
    double rate = l > 0 && Double.isFinite(l) ? factor / l : TrainConfig.DEFAULT_STEP_SIZE;
    return new Result(rate, l, sample.numRows);
  }

  /**
   * The largest eigenvalue of (1/Σω)·Σ ω_i z̃_i z̃_iᵀ, z̃_i = [(x_i − μ)/s, 1 with an intercept], by
   * power iteration from a seeded random start (the norm of G·v for the unit iterate v: a lower
   * bound that rises to the eigenvalue). The centring is kept virtual: z̃_i·v = Σ_k x_ik v_k/s_k −
   * c·v, c_j = μ_j/s_j. 0 for an empty sample.
   */
  static double largestEigenvalue(LocalRows s, Scaling scaling, boolean fitIntercept, long seed) {
    int d = scaling.numFeatures;
    int p = d + (fitIntercept ? 1 : 0);
    double[] inv = scaling.invStd;
    double[] c = new double[d];
    boolean centred = false;
    for (int j = 0; j < d; j++) {
      c[j] = scaling.shift[j] * inv[j];
      centred |= c[j] != 0;
    }
    double w = 0;
    for (int r = 0; r < s.numRows; r++) {
      w += s.weights[r];
    }
    if (!(w > 0) || p == 0) {
      return 0;
    }
    double[] v = new double[p];
    SplittableRandom random = new SplittableRandom(seed ^ SAMPLE_STREAM);
    for (int j = 0; j < p; j++) {
      v[j] = random.nextDouble() - 0.5;
    }
    scale(v, 1 / Math.sqrt(dot(v, v, p)));
    double[] next = new double[p];
    double estimate = 0;
    for (int it = 0; it < MAX_POWER_ITERATIONS; it++) {
      double cv = centred ? dot(c, v, d) : 0;
      double vb = fitIntercept ? v[d] : 0;
      java.util.Arrays.fill(next, 0);
      double sum = 0;
      for (int r = 0; r < s.numRows; r++) {
        double m = vb - cv;
        for (int k = s.rowPtr[r]; k < s.rowPtr[r + 1]; k++) {
          int j = s.colIdx[k];
          m += s.values[k] * inv[j] * v[j];
        }
        double a = s.weights[r] * m / w;
        for (int k = s.rowPtr[r]; k < s.rowPtr[r + 1]; k++) {
          int j = s.colIdx[k];
          next[j] += a * s.values[k] * inv[j];
        }
        sum += a;
      }
      if (centred) {
        for (int j = 0; j < d; j++) {
          next[j] -= sum * c[j];
        }
      }
      if (fitIntercept) {
        next[d] += sum;
      }
      double norm = Math.sqrt(dot(next, next, p));
      if (!(norm > 0)) {
        return 0;
      }
      scale(next, 1 / norm);
      double[] t = v;
      v = next;
      next = t;
      boolean settled = Math.abs(norm - estimate) <= POWER_TOL * norm;
      estimate = Math.max(estimate, norm);
      if (settled) {
        break;
      }
    }
    return estimate;
  }

  private static double dot(double[] a, double[] b, int n) {
    double s = 0;
    for (int j = 0; j < n; j++) {
      s += a[j] * b[j];
    }
    return s;
  }

  private static void scale(double[] a, double f) {
    for (int j = 0; j < a.length; j++) {
      a[j] *= f;
    }
  }
}

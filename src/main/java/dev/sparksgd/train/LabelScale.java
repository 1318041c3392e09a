package dev.sparksgd.train;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.Block;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.FeatureStats;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.loss.Loss;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The label scale δ that divides the L2 part of the penalty. spark.ml's LinearRegression fits
 * squared loss on a label divided by its standard deviation δ and penalizes with regParam/δ
 * ("effectiveRegParam"); back in the label's own units that is the objective
 * mean ½(ŷ − y)² + λ·(1 − α)/(2δ)·‖w‖² + λ·α·‖w‖₁. δ is the weighted population standard deviation
 * (WeightedLeastSquares' bStd, used by the normal solver and by "auto" up to 4096 features), or |ȳ|
 * for a constant label, or 1 when that is 0 too. Other losses (spark.ml's Huber, logistic) do not
 * scale: δ = 1.
 */
final class LabelScale {
  private LabelScale() {
  }

  static double of(JavaSparkContext sc, Dataset data, TrainConfig cfg, Loss loss) {
    if (!"squared".equals(loss.name()) || cfg.regParam == 0.0 || cfg.elasticNetParam == 1.0) {
      return 1.0;
    }
    sc.setJobDescription("label statistics for the penalty");
    try {
      double[] s = OrderedReduce.reduce(data.blocks.mapPartitions(it -> {
        double[] acc = new double[3]; // Σω, weighted mean, Σω(y − mean)²
        while (it.hasNext()) {
          Block b = it.next();
          if (!b.holdout) {
            for (int i = 0; i < b.numRows; i++) {
              welford(acc, b.weight(i), b.labels[i]);
            }
          }
        }
        return List.of(acc).iterator();
      }), LabelScale::merge);
      return scale(s);
    } finally {
      sc.setJobDescription(null);
    }
  }

  /**
   * For squared loss, σ_pop/σ: spark.ml's normal-equation solver (which δ follows) standardizes the
   * features by their population deviation too, so its standardized weights are the optimizer's
   * times this; 1 for the other losses (spark.ml's L-BFGS paths use the unbiased σ, as the optimizer).
   */
  static double standardizedScale(FeatureStats stats, Loss loss) {
    return "squared".equals(loss.name()) ? stats.populationStdRatio() : 1.0;
  }

  static void welford(double[] acc, double w, double y) {
    if (w == 0) {
      return;
    }
    acc[0] += w;
    double delta = y - acc[1];
    acc[1] += delta * w / acc[0];
    acc[2] += w * delta * (y - acc[1]);
  }

  /** Chan et al.'s pairwise merge of (Σω, mean, M2). */
  static double[] merge(double[] a, double[] b) {
    if (b[0] == 0) {
      return a;
    }
    if (a[0] == 0) {
      return b.clone();
    }
    double w = a[0] + b[0];
    double delta = b[1] - a[1];
    double mean = a[1] + delta * b[0] / w;
    double m2 = a[2] + b[2] + delta * delta * a[0] * b[0] / w;
    return new double[] {w, mean, m2};
  }

  static double scale(double[] s) {
    double std = s[0] > 0 ? Math.sqrt(Math.max(s[2] / s[0], 0.0)) : 0.0;
    if (std > 0) {
      return std;
    }
    double mean = Math.abs(s[1]);
    return mean > 0 ? mean : 1.0;
  }
}

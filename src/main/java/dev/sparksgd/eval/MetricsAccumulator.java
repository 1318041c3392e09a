package dev.sparksgd.eval;

import dev.sparksgd.data.Block;
import dev.sparksgd.loss.Loss;
import java.io.Serializable;

/**
 * Sums for regression metrics, mergeable in partition order. The label spread (for R²) is kept as
 * a mean and a sum of squared deviations, exact per block and merged with Chan's update.
 */
final class MetricsAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  long rows;
  double weightSum;
  double lossSum;
  double squaredErrorSum;
  double absErrorSum;
  double labelMean;
  double labelM2;

  void addBlock(Block b, double[] coef, double intercept, Loss loss) {
    double w = 0;
    double mean = 0;
    for (int i = 0; i < b.numRows; i++) {
      double wi = b.weight(i);
      double y = b.labels[i];
      double m = b.margin(i, coef, intercept);
      double r = m - y;
      lossSum += wi * loss.value(m, y);
      squaredErrorSum += wi * r * r;
      absErrorSum += wi * Math.abs(r);
      w += wi;
      mean += wi * y;
    }
    if (w <= 0) {
      rows += b.numRows;
      return;
    }
    mean /= w;
    double m2 = 0;
    for (int i = 0; i < b.numRows; i++) {
      double dev = b.labels[i] - mean;
      m2 += b.weight(i) * dev * dev;
    }
    mergeLabels(w, mean, m2);
    rows += b.numRows;
  }

  MetricsAccumulator merge(MetricsAccumulator o) {
    rows += o.rows;
    lossSum += o.lossSum;
    squaredErrorSum += o.squaredErrorSum;
    absErrorSum += o.absErrorSum;
    mergeLabels(o.weightSum, o.labelMean, o.labelM2);
    return this;
  }

  private void mergeLabels(double wb, double meanB, double m2b) {
    if (wb <= 0) {
      return;
    }
    double w = weightSum + wb;
    double delta = meanB - labelMean;
    labelMean += delta * (wb / w);
    labelM2 += m2b + delta * delta * (weightSum * wb / w);
    weightSum = w;
  }

  RegressionMetrics result() {
    if (weightSum <= 0) {
      return new RegressionMetrics(rows, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double mse = squaredErrorSum / weightSum;
    double r2 = labelM2 > 0 ? 1.0 - squaredErrorSum / labelM2 : Double.NaN;
    return new RegressionMetrics(rows, weightSum, lossSum / weightSum, mse, Math.sqrt(mse),
        absErrorSum / weightSum, r2);
  }
}

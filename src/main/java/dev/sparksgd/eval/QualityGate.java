package dev.sparksgd.eval;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.model.LinearModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The quality gate of {@code --baseline-model DIR --max-regression X}: the new model and the
 * baseline are measured on the same rows (the holdout, or the training rows when there is no
 * holdout) by the training loss' metric, lower is better; the new model is refused when its
 * figure is worse than the baseline's by more than X, relative.
 */
public record QualityGate(String metric, String rows, double baseline, double candidate,
    double maxRegression) {

  /** The metric the gate compares for a training loss: RMSE for squared loss, else the mean loss. */
  public static String metricFor(String lossName) {
    return "squared".equals(lossName) ? "RMSE" : "mean " + lossName + " loss";
  }

  static double value(String metric, RegressionMetrics m) {
    return metric.equals("RMSE") ? m.rmse() : m.meanLoss();
  }

  /** Compares the two evaluations on the holdout when there is one, else on the training rows. */
  public static QualityGate compare(String lossName, Evaluation candidate, Evaluation baseline,
      double maxRegression) {
    String metric = metricFor(lossName);
    boolean holdout = candidate.hasHoldout();
    RegressionMetrics c = holdout ? candidate.holdout() : candidate.train();
    RegressionMetrics b = holdout ? baseline.holdout() : baseline.train();
    return new QualityGate(metric, holdout ? "holdout" : "training rows", value(metric, b),
        value(metric, c), maxRegression);
  }

  /** Throws a user error when the baseline cannot be measured on this data. */
  public static void checkCompatible(LinearModel baseline, int numFeatures, String[] featureNames,
      String dir) {
    if (baseline.numFeatures() != numFeatures) {
      throw new ConfigException("--baseline-model " + dir + " has " + baseline.numFeatures()
          + " features but the data has " + numFeatures
          + " (for LIBSVM, give --num-features to fix the count)");
    }
    if (baseline.featureNames != null && featureNames != null
        && !Arrays.equals(baseline.featureNames, featureNames)) {
      throw new ConfigException("--baseline-model " + dir + " was trained on the columns "
          + String.join(",", baseline.featureNames) + " but the data has " + String.join(",", featureNames));
    }
  }

  /** (new − baseline) / baseline; +∞ when the baseline is exactly 0 and the new one is not. */
  public double relativeChange() {
    if (baseline == 0) {
      return candidate == 0 ? 0.0 : Double.POSITIVE_INFINITY;
    }
    return (candidate - baseline) / Math.abs(baseline);
  }

  /** False when the new model is worse by more than allowed, or its figure is not a number. */
  public boolean passed() {
    if (Double.isNaN(candidate)) {
      return false;
    }
    if (Double.isNaN(baseline)) {
      return true;
    }
    return !(relativeChange() > maxRegression);
  }

  /** "holdout RMSE 0.105 for the new model vs 0.1 for the baseline (+5.00%, allowed +1.00%)". */
  public String describe() {
    return String.format(Locale.ROOT, "%s %s %.6g for the new model vs %.6g for the baseline (%s, allowed %+.2f%%)",
        rows, metric, candidate, baseline, percent(relativeChange()), 100 * maxRegression);
  }

  private static String percent(double r) {
    return Double.isInfinite(r) ? "+inf%" : String.format(Locale.ROOT, "%+.2f%%", 100 * r);
  }

  /** What metrics.json and report.html record. */
  public Map<String, Object> toMap(String baselineDir) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("baselineModel", baselineDir);
    m.put("rows", rows);
    m.put("metric", metric);
    m.put("baseline", baseline);
    m.put("candidate", candidate);
    double r = relativeChange();
    m.put("relativeChange", Double.isFinite(r) ? r : null);
    m.put("maxRegression", maxRegression);
    m.put("passed", passed());
    return m;
  }
}

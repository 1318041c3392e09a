package dev.sparksgd.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/** Weighted regression metrics over one set of rows. */
public record RegressionMetrics(long rows, double weightSum, double meanLoss, double mse,
    double rmse, double mae, double r2) {

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("loss", meanLoss);
    m.put("mse", mse);
    m.put("rmse", rmse);
    m.put("mae", mae);
    m.put("r2", r2);
    return m;
  }
}

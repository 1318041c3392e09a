package dev.sparksgd.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparksgd.eval.Evaluation;
import dev.sparksgd.model.LinearModel;
import dev.sparksgd.train.TrainResult;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** metrics.json (what monitoring reads) and the summary printed at the end of a run. */
public final class RunReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunReport() {
  }

  /** Facts about the run outside the model itself. */
  public record RunInfo(String applicationId, String sparkVersion, String master, String dataPath,
      String outputPath, long trainRows, long holdoutRows, int numPartitions, long cachedBytes,
      long loadMillis, long totalMillis) {
  }

  public static String metricsJson(RunInfo info, LinearModel model, TrainResult result, Evaluation eval) {
    return json(metricsMap(info, model, result, eval, null));
  }

  public static String metricsJson(RunInfo info, LinearModel model, TrainResult result, Evaluation eval,
      Map<String, Object> metrics) {
    return json(metricsMap(info, model, result, eval, metrics));
  }

  /** metrics.json as a map, for a caller that adds its own sections before writing it. */
  public static Map<String, Object> metricsMap(RunInfo info, LinearModel model, TrainResult result,
      Evaluation eval) {
    return metricsMap(info, model, result, eval, null);
  }

  /**
   * @param metrics the MLlib metrics of the holdout (or of the training rows without one), written
   *     as {@code evaluation}; may be null
   */
  public static Map<String, Object> metricsMap(RunInfo info, LinearModel model, TrainResult result,
      Evaluation eval, Map<String, Object> metrics) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", result.stopReason().label().equals("diverged") ? "diverged" : "trained");
    m.put("applicationId", info.applicationId());
    m.put("sparkVersion", info.sparkVersion());
    m.put("master", info.master());
    m.put("data", info.dataPath());
    Map<String, Object> rows = new LinkedHashMap<>();
    rows.put("train", info.trainRows());
    rows.put("holdout", info.holdoutRows());
    rows.put("rejected", 0);
    m.put("rows", rows);
    m.put("numFeatures", model.numFeatures());
    m.put("numPartitions", info.numPartitions());
    m.put("cachedBytes", info.cachedBytes());
    m.put("iterations", result.iterations());
    m.put("stopReason", result.stopReason().label());
    if (!Double.isNaN(result.chosenStepSize())) {
      m.put("chosenStepSize", result.chosenStepSize());
    }
    if (!Double.isNaN(result.hingeSmoothing())) {
      m.put("hingeSmoothing", result.hingeSmoothing());
    }
    if (!result.history().isEmpty()) {
      m.put("firstBatchLoss", result.history().get(0).loss());
      m.put("lastBatchLoss", result.history().get(result.history().size() - 1).loss());
    }
    m.put("trainingLoss", eval.train().meanLoss());
    m.put("train", splitMap(model, eval.train()));
    m.put("holdout", eval.hasHoldout() ? splitMap(model, eval.holdout()) : null);
    if (metrics != null) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("on", eval.hasHoldout() ? "holdout" : "train");
      e.putAll(metrics);
      m.put("evaluation", e);
    }
    Map<String, Object> ms = new LinkedHashMap<>();
    ms.put("load", info.loadMillis());
    ms.put("train", result.millis());
    ms.put("total", info.totalMillis());
    m.put("millis", ms);
    return m;
  }

  /** Indented JSON of a metrics map, ending in a newline. */
  public static String json(Map<String, Object> m) {
    try {
      return JSON.writeValueAsString(m) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For a classifier, the regression errors of the margin against the label mean nothing. */
  private static Map<String, Object> splitMap(LinearModel model, dev.sparksgd.eval.RegressionMetrics r) {
    Map<String, Object> m = r.toMap();
    if (model.isClassifier()) {
      m.keySet().retainAll(java.util.Set.of("rows", "loss"));
    }
    return m;
  }

  /** The summary with the MLlib metrics line for the holdout (or the training rows). */
  public static void printSummary(PrintStream out, RunInfo info, TrainResult result, Evaluation eval,
      Map<String, Object> metrics) {
    out.printf(Locale.ROOT, "spark-sgd: %d iterations, stopped by %s, %.1f s training%n",
        result.iterations(), result.stopReason().label(), result.millis() / 1000.0);
    out.printf(Locale.ROOT, "  training loss  %.6g over %d rows%n", eval.train().meanLoss(), info.trainRows());
    dev.sparksgd.eval.ModelMetrics.print(out, eval.hasHoldout() ? "holdout" : "training data", metrics);
    if (!eval.hasHoldout()) {
      out.println("  (no holdout: give --validation-fraction F to measure on held-out rows)");
    }
  }

  public static void printSummary(PrintStream out, RunInfo info, TrainResult result, Evaluation eval) {
    out.printf(Locale.ROOT, "spark-sgd: %d iterations, stopped by %s, %.1f s training%n",
        result.iterations(), result.stopReason().label(), result.millis() / 1000.0);
    out.printf(Locale.ROOT, "  training loss  %.6g over %d rows%n", eval.train().meanLoss(), info.trainRows());
    if (eval.hasHoldout()) {
      line(out, "holdout", eval.holdout());
    } else {
      line(out, "training data", eval.train());
      out.println("  (no holdout: give --validation-fraction F to measure on held-out rows)");
    }
  }

  private static void line(PrintStream out, String what, dev.sparksgd.eval.RegressionMetrics r) {
    out.printf(Locale.ROOT, "  %-14s RMSE %.6g  MAE %.6g  R² %.6f  (%d rows)%n", what, r.rmse(), r.mae(),
        r.r2(), r.rows());
  }
}

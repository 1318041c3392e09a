package dev.sparksgd.report;

import dev.sparksgd.data.RejectedRecords;
import dev.sparksgd.eval.Evaluation;
import dev.sparksgd.model.LinearModel;
import dev.sparksgd.train.TrainResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The files of a model directory: model.json, history.csv, metrics.json, loss.png, report.html. */
public final class ReportFiles {
  private static final Logger LOG = LoggerFactory.getLogger(ReportFiles.class);

  private ReportFiles() {
  }

  /** Adds what {@code --bad-records} did to a metrics map (rows.used, rows.rejected, badRecords). */
  public static void addBadRecords(Map<String, Object> metrics, String mode, long maxBadRecords,
      RejectedRecords rejected) {
    if (metrics.get("rows") instanceof Map<?, ?> r) {
      @SuppressWarnings("unchecked")
      Map<String, Object> rows = (Map<String, Object>) r;
      long used = ((Number) rows.get("train")).longValue() + ((Number) rows.get("holdout")).longValue();
      rows.remove("rejected");
      rows.put("used", used);
      rows.put("rejected", rejected.count());
    }
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("mode", mode);
    b.put("maxBadRecords", maxBadRecords);
    b.put("skipped", rejected.count());
    List<Map<String, Object>> samples = new ArrayList<>();
    for (RejectedRecords.Sample s : rejected.samples()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("location", Redact.path(s.location() != null ? s.location() : s.file()));
      m.put("reason", s.reason());
      samples.add(m);
    }
    b.put("samples", samples);
    metrics.put("badRecords", b);
  }

  /**
   * Every file of the directory, in the order written. A plot that cannot be drawn (e.g. a JVM
   * without fonts) costs the plot, not the model: it is logged and report.html says so.
   */
  public static Map<String, byte[]> build(LinearModel model, TrainResult result, Evaluation eval,
      Map<String, Object> metrics) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("model.json", utf8(model.toJson()));
    files.put("history.csv", utf8(HistoryCsv.render(result.history())));
    files.put("metrics.json", utf8(RunReport.json(metrics)));
    byte[] png = null;
    try {
      png = LossPlot.png(LossPlot.fromHistory(result.history(), eval.train().meanLoss(),
          eval.hasHoldout() ? eval.holdout().meanLoss() : null), "spark-sgd: loss by iteration");
    } catch (Exception | LinkageError | InternalError e) {
      LOG.warn("loss.png not written: the plot could not be drawn ({})", e.toString());
    }
    if (png != null) {
      files.put("loss.png", png);
    }
    files.put("report.html", utf8(HtmlReport.render(metrics, model.options, png)));
    return files;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

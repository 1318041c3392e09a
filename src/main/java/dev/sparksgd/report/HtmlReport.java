package dev.sparksgd.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one self-contained page (no scripts, no external files; the plot is embedded as
 * base64) with the loss plot, the stop reason, the metrics, the quality gate, skipped records,
 * the run's options and where it ran. Every value is HTML-escaped. It is built from metrics.json's
 * map and the model's options only, so it holds nothing those files do not.
 */
public final class HtmlReport {
  private HtmlReport() {
  }

  public static String render(Map<String, Object> metrics, Map<String, Object> options, byte[] png) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>spark-sgd training report</title>\n<style>\n")
        .append("body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;")
        .append("margin:2em auto;max-width:960px;color:#222;padding:0 1em}\n")
        .append("h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em;")
        .append("border-bottom:1px solid #ddd;padding-bottom:.2em}\n")
        .append("table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .8em;")
        .append("border:1px solid #ddd;text-align:left;vertical-align:top}th{background:#f4f4f4}\n")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}\n")
        .append(".ok{color:#1a7f37;font-weight:bold}.bad{color:#cf222e;font-weight:bold}\n")
        .append("img{max-width:100%;border:1px solid #ddd}code{font-size:.95em}\n")
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>spark-sgd training report</h1>\n<p>");
    h.append("Status <b>").append(esc(metrics.get("status"))).append("</b> &middot; stopped by <b>")
        .append(esc(metrics.get("stopReason"))).append("</b> after <b>").append(esc(metrics.get("iterations")))
        .append("</b> iterations &middot; ").append(esc(seconds(path(metrics, "millis", "total"))))
        .append(" in all</p>\n");

    h.append("<h2>Loss</h2>\n");
    if (png != null) {
      h.append("<img alt=\"loss against iteration, log scale\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(png)).append("\">\n")
          .append("<p>Also beside this page as <code>loss.png</code>; every iteration is in "
              + "<code>history.csv</code>.</p>\n");
    } else {
      h.append("<p>No plot: there was no positive finite loss to draw on a log scale (or the plot "
          + "could not be drawn; see the log).</p>\n");
    }
    h.append("<table>\n<tr><th>first mini-batch loss</th><td class=\"n\">")
        .append(esc(num(metrics.get("firstBatchLoss")))).append("</td></tr>\n<tr><th>last mini-batch loss</th><td class=\"n\">")
        .append(esc(num(metrics.get("lastBatchLoss")))).append("</td></tr>\n<tr><th>final training loss (all training rows)</th><td class=\"n\">")
        .append(esc(num(metrics.get("trainingLoss")))).append("</td></tr>\n</table>\n");

    h.append("<h2>Metrics</h2>\n<table>\n<tr><th>rows</th><th>count</th><th>loss</th><th>MSE</th>")
        .append("<th>RMSE</th><th>MAE</th><th>R²</th></tr>\n");
    metricsRow(h, "training rows", metrics.get("train"));
    if (metrics.get("holdout") != null) {
      metricsRow(h, "holdout (validation)", metrics.get("holdout"));
    }
    h.append("</table>\n");
    if (metrics.get("holdout") == null) {
      h.append("<p>No holdout (<code>--validation-fraction 0</code>): the metrics are on the training rows.</p>\n");
    }

    Object gate = metrics.get("qualityGate");
    if (gate instanceof Map<?, ?> g) {
      boolean passed = Boolean.TRUE.equals(g.get("passed"));
      h.append("<h2>Quality gate</h2>\n<p class=\"").append(passed ? "ok" : "bad").append("\">")
          .append(passed ? "passed" : "refused").append("</p>\n<table>\n");
      for (Map.Entry<?, ?> e : g.entrySet()) {
        h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(num(e.getValue())))
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2>Rows</h2>\n<table>\n");
    if (metrics.get("rows") instanceof Map<?, ?> rows) {
      for (Map.Entry<?, ?> e : rows.entrySet()) {
        h.append("<tr><th>").append(esc(e.getKey())).append("</th><td class=\"n\">").append(esc(e.getValue()))
            .append("</td></tr>\n");
      }
    }
    h.append("</table>\n");
    if (metrics.get("badRecords") instanceof Map<?, ?> bad && bad.get("samples") instanceof List<?> samples
        && !samples.isEmpty()) {
      h.append("<p>Skipped bad records (<code>--bad-records skip</code>), the first ")
          .append(samples.size()).append(":</p>\n<ul>\n");
      for (Object s : samples) {
        if (s instanceof Map<?, ?> sm) {
          h.append("<li><code>").append(esc(sm.get("location"))).append("</code>: ")
              .append(esc(sm.get("reason"))).append("</li>\n");
        }
      }
      h.append("</ul>\n");
    }

    h.append("<h2>Options</h2>\n<table>\n");
    for (Map.Entry<String, Object> e : options.entrySet()) {
      h.append("<tr><th><code>--").append(esc(e.getKey())).append("</code></th><td>").append(esc(e.getValue()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Run</h2>\n<table>\n");
    for (String k : List.of("data", "applicationId", "sparkVersion", "master", "numFeatures",
        "numPartitions", "cachedBytes")) {
      if (metrics.containsKey(k)) {
        h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(metrics.get(k))).append("</td></tr>\n");
      }
    }
    if (metrics.get("millis") instanceof Map<?, ?> ms) {
      for (Map.Entry<?, ?> e : ms.entrySet()) {
        h.append("<tr><th>time: ").append(esc(e.getKey())).append("</th><td>").append(esc(seconds(e.getValue())))
            .append("</td></tr>\n");
      }
    }
    h.append("</table>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void metricsRow(StringBuilder h, String label, Object m) {
    if (!(m instanceof Map<?, ?> r)) {
      return;
    }
    h.append("<tr><th>").append(esc(label)).append("</th>");
    for (String k : List.of("rows", "loss", "mse", "rmse", "mae", "r2")) {
      h.append("<td class=\"n\">").append(esc(num(r.get(k)))).append("</td>");
    }
    h.append("</tr>\n");
  }

  private static Object path(Map<String, Object> m, String a, String b) {
    return m.get(a) instanceof Map<?, ?> inner ? inner.get(b) : null;
  }

  private static String seconds(Object millis) {
    return millis instanceof Number n ? String.format(Locale.ROOT, "%.1f s", n.doubleValue() / 1000) : "";
  }

  private static String num(Object v) {
    if (v instanceof Double d) {
      return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(d);
    }
    return v == null ? "" : String.valueOf(v);
  }

  static String esc(Object v) {
    String s = v == null ? "" : String.valueOf(v);
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}

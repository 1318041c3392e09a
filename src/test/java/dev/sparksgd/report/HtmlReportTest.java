package dev.sparksgd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  private static Map<String, Object> metrics() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "trained");
    m.put("stopReason", "min-step-size");
    m.put("iterations", 61);
    m.put("data", "/data/<train>.csv");
    m.put("train", Map.of("rows", 100L, "rmse", 0.125));
    m.put("holdout", null);
    m.put("rows", new LinkedHashMap<>(Map.of("train", 100L)));
    m.put("badRecords", Map.of("samples", List.of(Map.of("location", "f.csv:3", "reason", "x & <y>"))));
    m.put("qualityGate", Map.of("passed", false, "metric", "RMSE"));
    m.put("millis", Map.of("total", 1500L));
    return m;
  }

  @Test
  void showsStopReasonMetricsOptionsGateAndSkippedRecords() {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("step-size", 0.5);
    options.put("label-col", "<script>alert(1)</script>");
    String html = HtmlReport.render(metrics(), options, null);
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("stopped by <b>min-step-size</b> after <b>61</b> iterations"), html);
    assertTrue(html.contains("<code>--step-size</code></th><td>0.5</td>"), html);
    assertTrue(html.contains("0.125000"), "RMSE shown");
    assertTrue(html.contains("<p class=\"bad\">refused</p>"), html);
    assertTrue(html.contains("<code>f.csv:3</code>: x &amp; &lt;y&gt;"), html);
    assertTrue(html.contains("/data/&lt;train&gt;.csv"), html);
    assertTrue(html.contains("No plot"), html);
    assertTrue(html.contains("No holdout"), html);
    assertFalse(html.contains("<script"), "values are escaped, and the page has no scripts");
  }

  @Test
  void embedsThePngAndLinksNothingOutside() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    String html = HtmlReport.render(metrics(), Map.of(), png);
    assertTrue(html.contains("src=\"data:image/png;base64,iVBORwECAw==\""), html);
    assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<link"), html);
  }

  @Test
  void escapesEverythingHtmlCares() {
    assertEquals("&lt;a href=&quot;x&quot;&gt;&#39;&amp;", HtmlReport.esc("<a href=\"x\">'&"));
  }
}

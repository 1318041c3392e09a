package dev.sparksgd.report;

import dev.sparksgd.train.IterationRecord;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** loss.png: loss against iteration on a log scale, drawn with XChart. */
public final class LossPlot {
  static final int WIDTH = 900;
  static final int HEIGHT = 520;
  /** Longer histories are thinned to about this many points (the last one always kept). */
  static final int MAX_POINTS = 4000;

  private LossPlot() {
  }

  /** One curve ({@code line}) or a few marked points. Points that a log axis cannot show are dropped. */
  public record Series(String name, double[] x, double[] y, boolean line) {
  }

  /**
   * The training curve (each iteration's mini-batch loss) from the history, plus the final model's
   * mean loss over all training rows and over the holdout as single points at the last iteration.
   * A validation loss per iteration joins as another curve once the trainer records one.
   */
  public static List<Series> fromHistory(List<IterationRecord> history, double finalTrainLoss,
      Double finalHoldoutLoss) {
    List<Series> s = new ArrayList<>();
    double[] x = new double[history.size()];
    double[] y = new double[history.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = history.get(i).iteration();
      y[i] = history.get(i).loss();
    }
    s.add(new Series("training loss (mini-batch)", x, y, true));
    double last = history.isEmpty() ? 0 : history.get(history.size() - 1).iteration();
    s.add(new Series("final model, all training rows", new double[] {last}, new double[] {finalTrainLoss}, false));
    if (finalHoldoutLoss != null) {
      s.add(new Series("final model, holdout (validation)", new double[] {last},
          new double[] {finalHoldoutLoss}, false));
    }
    return s;
  }

  /** The PNG, or null when no series has a point a log axis can show (every loss 0 or not finite). */
  public static byte[] png(List<Series> series, String title) throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // drivers run on servers without a display
    }
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("iteration").yAxisTitle("loss (log scale)").build();
    org.knowm.xchart.style.XYStyler st = chart.getStyler();
    st.setYAxisLogarithmic(true);
    st.setLegendPosition(Styler.LegendPosition.InsideNE);
    st.setChartBackgroundColor(Color.WHITE);
    st.setPlotGridLinesVisible(true);
    st.setXAxisDecimalPattern("#"); // "1051", not "1,051": the labels stay apart
    Color[] colors = {new Color(31, 119, 180), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(255, 127, 14)};
    int added = 0;
    for (Series s : series) {
      double[][] pts = plottable(s.x(), s.y(), s.line() ? MAX_POINTS : Integer.MAX_VALUE);
      if (pts[0].length == 0) {
        continue;
      }
      XYSeries xy = chart.addSeries(s.name(), pts[0], pts[1]);
      xy.setLineColor(colors[added % colors.length]);
      xy.setMarkerColor(colors[added % colors.length]);
      if (s.line()) {
        xy.setMarker(SeriesMarkers.NONE);
      } else {
        xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        xy.setMarker(added % 2 == 0 ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
      }
      added++;
    }
    if (added == 0) {
      return null;
    }
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  /** The points with a positive finite y, thinned evenly to at most {@code max} (keeping the last). */
  static double[][] plottable(double[] x, double[] y, int max) {
    List<double[]> keep = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && y[i] > 0) {
        keep.add(new double[] {x[i], y[i]});
      }
    }
    int stride = Math.max(1, (keep.size() + max - 1) / max);
    List<double[]> thin = new ArrayList<>();
    for (int i = 0; i < keep.size(); i += stride) {
      thin.add(keep.get(i));
    }
    if (!keep.isEmpty() && thin.get(thin.size() - 1) != keep.get(keep.size() - 1)) {
      thin.add(keep.get(keep.size() - 1));
    }
    double[][] out = new double[2][thin.size()];
    for (int i = 0; i < thin.size(); i++) {
      out[0][i] = thin.get(i)[0];
      out[1][i] = thin.get(i)[1];
    }
    return out;
  }
}

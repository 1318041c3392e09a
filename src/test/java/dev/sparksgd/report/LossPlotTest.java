package dev.sparksgd.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.train.IterationRecord;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LossPlotTest {
  /** Pixels close to a series colour: the curve was drawn, not just the axes. */
  static int pixelsNear(BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        int dr = ((p >> 16) & 255) - ((rgb >> 16) & 255);
        int dg = ((p >> 8) & 255) - ((rgb >> 8) & 255);
        int db = (p & 255) - (rgb & 255);
        if (dr * dr + dg * dg + db * db < 900) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void historyBecomesADecodablePngWithTheCurve() throws Exception {
    List<IterationRecord> h = new ArrayList<>();
    for (int t = 1; t <= 200; t++) {
      h.add(new IterationRecord(t, 10 * Math.exp(-t / 20.0) + 0.01, 0, 0.1, 0.01, 0.1, 1, 100));
    }
    byte[] png = LossPlot.png(LossPlot.fromHistory(h, 0.011, 0.012), "t");
    assertNotNull(png);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(LossPlot.WIDTH, img.getWidth());
    assertEquals(LossPlot.HEIGHT, img.getHeight());
    assertTrue(pixelsNear(img, 0x1f77b4) > 300, "the training curve is drawn");
    assertTrue(pixelsNear(img, 0xd62728) > 10, "the holdout point is drawn");
  }

  @Test
  void pointsALogAxisCannotShowAreDropped() {
    double[][] p = LossPlot.plottable(new double[] {1, 2, 3, 4, 5}, new double[] {1, 0, Double.NaN, -2, 0.5},
        100);
    assertArrayEquals(new double[] {1, 5}, p[0]);
    assertArrayEquals(new double[] {1, 0.5}, p[1]);
  }

  @Test
  void longHistoriesAreThinnedKeepingTheLastPoint() {
    int n = 10_001;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i + 1;
      y[i] = 1.0 / (i + 1);
    }
    double[][] p = LossPlot.plottable(x, y, 1000);
    assertTrue(p[0].length <= 1001, "thinned: " + p[0].length);
    assertEquals(1, p[0][0]);
    assertEquals(n, p[0][p[0].length - 1]);
  }

  @Test
  void nothingPlottableGivesNoPng() throws Exception {
    List<IterationRecord> h = List.of(new IterationRecord(1, 0.0, 0, 0.1, 0, 0, 1, 10));
    assertNull(LossPlot.png(LossPlot.fromHistory(h, 0.0, null), "t"));
  }
}

package dev.sparksgd.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LossesTest {
  private static final double EPS = 1.35;

  private static Loss huber(double sigma) {
    return new HuberLoss(EPS).bind(new double[] {Math.log(sigma)}, 0);
  }

  /** spark.ml HuberAggregator's per-row loss, written out from its documented formula. */
  private static double sparkHuber(double margin, double label, double sigma) {
    double r = label - margin;
    if (Math.abs(r) <= sigma * EPS) {
      return 0.5 * (sigma + r * r / sigma);
    }
    return 0.5 * (sigma + 2 * EPS * Math.abs(r) - sigma * EPS * EPS);
  }

  @Test
  void huberValueByHand() {
    // σ = 2: |r| = 1 is inside (threshold 2.7): ½(2 + 1/2) = 1.25.
    assertEquals(1.25, huber(2).value(3, 4), 1e-15);
    // |r| = 10 is outside: ½(2 + 2·1.35·10 − 2·1.35²) = 13.6775.
    assertEquals(0.5 * (2 + 27 - 2 * EPS * EPS), huber(2).value(-4, 6), 1e-12);
    Random r = new Random(3);
    for (int i = 0; i < 200; i++) {
      double m = r.nextGaussian() * 5;
      double y = r.nextGaussian() * 5;
      double s = Math.exp(r.nextGaussian());
      assertEquals(sparkHuber(m, y, s), huber(s).value(m, y), 1e-12);
    }
  }

  @Test
  void huberIsContinuousAtTheThreshold() {
    double s = 1.7;
    double t = s * EPS;
    assertEquals(huber(s).value(0, t - 1e-9), huber(s).value(0, t + 1e-9), 1e-8);
    assertEquals(huber(s).derivative(0, t - 1e-9), huber(s).derivative(0, t + 1e-9), 1e-8);
  }

  @Test
  void huberDerivativesMatchFiniteDifferencesInMarginAndLogScale() {
    Random r = new Random(5);
    HuberLoss unbound = new HuberLoss(EPS);
    for (int i = 0; i < 300; i++) {
      double m = r.nextGaussian() * 4;
      double y = r.nextGaussian() * 4;
      double s = r.nextGaussian() * 0.5;
      Loss l = unbound.bind(new double[] {s}, 0);
      double h = 1e-6;
      double fdM = (l.value(m + h, y) - l.value(m - h, y)) / (2 * h);
      assertEquals(fdM, l.derivative(m, y), 1e-6 * Math.max(1, Math.abs(fdM)), "margin");
      double fdS = (unbound.bind(new double[] {s + h}, 0).value(m, y)
          - unbound.bind(new double[] {s - h}, 0).value(m, y)) / (2 * h);
      double[] acc = new double[3];
      l.addExtraGradient(m, y, 2.0, acc, 1);
      assertEquals(2.0 * fdS, acc[1], 1e-6 * Math.max(1, Math.abs(fdS)), "log scale");
      assertEquals(0.0, acc[0]);
      assertEquals(0.0, acc[2]);
    }
  }

  @Test
  void huberNeedsABoundScaleAndEpsilonAboveOne() {
    HuberLoss l = new HuberLoss(EPS);
    assertEquals(1, l.numExtraParams());
    assertEquals(0.0, l.initialExtraParams()[0], "σ starts at 1, as in spark.ml");
    assertThrows(IllegalStateException.class, () -> l.value(1, 2));
    assertThrows(IllegalArgumentException.class, () -> new HuberLoss(1.0));
    assertEquals(2.5, ((HuberLoss) l.bind(new double[] {9, Math.log(2.5)}, 1)).scale(), 1e-15);
  }

  @Test
  void logisticByHandAndStableForLargeMargins() {
    Loss l = LogisticLoss.INSTANCE;
    assertEquals(Math.log(2), l.value(0, 1), 1e-15);
    assertEquals(Math.log(2), l.value(0, 0), 1e-15);
    assertEquals(Math.log(1 + Math.exp(-2)), l.value(2, 1), 1e-15);
    assertEquals(Math.log(1 + Math.exp(2)), l.value(2, 0), 1e-15);
    assertEquals(l.value(2, 0), l.value(2, -1), 0.0, "-1 is the negative class too");
    assertEquals(800.0, l.value(800, 0), 1e-9);
    assertEquals(0.0, l.value(800, 1), 1e-300);
    assertEquals(Math.exp(-40), l.value(40, 1), 1e-30);
    assertEquals(-1.0, l.derivative(-800, 1), 0.0);
    assertEquals(1.0, l.derivative(800, -1), 0.0);
    assertTrue(l.isClassification());
  }

  @Test
  void hingeByHand() {
    Loss l = HingeLoss.INSTANCE;
    assertEquals(1.0, l.value(0, 1));
    assertEquals(0.0, l.value(2, 1));
    assertEquals(3.0, l.value(2, 0));
    assertEquals(3.0, l.value(2, -1));
    assertEquals(-1.0, l.derivative(0.5, 1));
    assertEquals(0.0, l.derivative(1.0, 1), "kink: subgradient 0 as LinearSVC");
    assertEquals(1.0, l.derivative(-0.5, 0));
    assertEquals(0.0, l.derivative(-3, -1));
  }

  @Test
  void smoothLossesMatchFiniteDifferences() {
    Random r = new Random(7);
    for (Loss l : new Loss[] {LogisticLoss.INSTANCE, HingeLoss.INSTANCE, SquaredLoss.INSTANCE}) {
      for (int i = 0; i < 200; i++) {
        double m = r.nextGaussian() * 3;
        double y = l.isClassification() ? (r.nextBoolean() ? 1 : 0) : r.nextGaussian();
        if (l == HingeLoss.INSTANCE && Math.abs(1 - (y > 0 ? m : -m)) < 1e-4) {
          continue;
        }
        double h = 1e-6;
        double fd = (l.value(m + h, y) - l.value(m - h, y)) / (2 * h);
        assertEquals(fd, l.derivative(m, y), 1e-6 * Math.max(1, Math.abs(fd)), l.name());
      }
    }
  }

  @Test
  void byName() {
    assertSame(SquaredLoss.INSTANCE, Losses.byName("squared", EPS));
    assertSame(LogisticLoss.INSTANCE, Losses.byName("logistic", EPS));
    assertSame(HingeLoss.INSTANCE, Losses.byName("hinge", EPS));
    assertEquals(2.0, ((HuberLoss) Losses.byName("huber", 2.0)).epsilon());
    assertThrows(IllegalArgumentException.class, () -> Losses.byName("cubic", EPS));
  }
}

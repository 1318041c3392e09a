package dev.sparksgd.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmoothedHingeLossTest {
  @Test
  void piecesByHand() {
    SmoothedHingeLoss l = new SmoothedHingeLoss(0.5);
    // positive row: z = 1 − m
    assertEquals(0.0, l.value(1.5, 1), 0.0);
    assertEquals(0.2 * 0.2 / 1.0, l.value(0.8, 1), 1e-15); // z = 0.2 < μ: z²/(2μ)
    assertEquals(3.0 - 0.25, l.value(-2.0, 1), 1e-15); // z = 3 ≥ μ: z − μ/2
    // negative row (label 0): z = 1 + m
    assertEquals(0.0, l.value(-1.2, 0), 0.0);
    assertEquals(0.3 * 0.3 / 1.0, l.value(-0.7, 0), 1e-15);
    assertEquals(-1.0, l.derivative(-2.0, 1), 0.0);
    assertEquals(-0.2 / 0.5, l.derivative(0.8, 1), 1e-15);
    assertEquals(0.3 / 0.5, l.derivative(-0.7, -1), 1e-15);
    assertEquals(0.0, l.derivative(1.5, 1), 0.0);
  }

  @Test
  void withinHalfTheWidthBelowTheHingeAndItsDerivativeMatchesDifferences() {
    for (double mu : new double[] {1.0, 1e-2, 1e-4}) {
      SmoothedHingeLoss l = new SmoothedHingeLoss(mu);
      for (double label : new double[] {0, 1}) {
        for (double m = -3; m <= 3; m += 0.01 * mu + 1e-3) {
          double h = HingeLoss.INSTANCE.value(m, label);
          double v = l.value(m, label);
          assertTrue(v <= h + 1e-15 && v >= h - mu / 2 - 1e-15, "μ " + mu + " m " + m);
          double e = 1e-7 * mu;
          double fd = (l.value(m + e, label) - l.value(m - e, label)) / (2 * e);
          assertEquals(fd, l.derivative(m, label), 1e-5, "μ " + mu + " m " + m);
        }
      }
    }
  }

  @Test
  void refusesAWidthThatIsNotPositive() {
    assertThrows(IllegalArgumentException.class, () -> new SmoothedHingeLoss(0.0));
    assertThrows(IllegalArgumentException.class, () -> new SmoothedHingeLoss(Double.NaN));
  }
}

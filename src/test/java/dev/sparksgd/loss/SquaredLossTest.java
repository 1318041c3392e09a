package dev.sparksgd.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SquaredLossTest {
  private final Loss loss = SquaredLoss.INSTANCE;

  @Test
  void valueByHand() {
    assertEquals(0.0, loss.value(3.0, 3.0));
    assertEquals(2.0, loss.value(1.0, 3.0));
    assertEquals(2.0, loss.value(3.0, 1.0));
    assertEquals(0.125, loss.value(-0.5, 0.0));
  }

  @Test
  void derivativeByHand() {
    assertEquals(-2.0, loss.derivative(1.0, 3.0));
    assertEquals(2.0, loss.derivative(3.0, 1.0));
    assertEquals(0.0, loss.derivative(7.0, 7.0));
  }

  @Test
  void derivativeMatchesFiniteDifferences() {
    Random r = new Random(41);
    for (int i = 0; i < 200; i++) {
      double m = r.nextGaussian() * 10;
      double y = r.nextGaussian() * 10;
      double h = 1e-5;
      double fd = (loss.value(m + h, y) - loss.value(m - h, y)) / (2 * h);
      assertEquals(fd, loss.derivative(m, y), 1e-7 * Math.max(1, Math.abs(fd)), "m=" + m + " y=" + y);
    }
  }

  @Test
  void name() {
    assertEquals("squared", loss.name());
  }
}

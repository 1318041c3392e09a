package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexSamplerTest {

  private static long[] draw(double fraction, long seed, int count) {
    IndexSampler s = new IndexSampler(fraction, seed);
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      out[i] = s.peek();
      s.advance();
    }
    return out;
  }

  /** How many indices below {@code n} are drawn. */
  private static long countBelow(double fraction, long seed, long n) {
    IndexSampler s = new IndexSampler(fraction, seed);
    long c = 0;
    long previous = -1;
    while (s.peek() < n) {
      assertTrue(s.peek() > previous, "indices must increase");
      previous = s.peek();
      c++;
      s.advance();
    }
    return c;
  }

  @Test
  void fractionOneDrawsEveryIndexInOrder() {
    long[] got = draw(1.0, 7L, 1000);
    for (int i = 0; i < got.length; i++) {
      assertEquals(i, got[i]);
    }
    assertEquals(0, draw(1.0, -123L, 1)[0]);
  }

  @Test
  void peekDoesNotAdvance() {
    IndexSampler s = new IndexSampler(0.3, 5L);
    long first = s.peek();
    assertEquals(first, s.peek());
    s.advance();
    assertTrue(s.peek() > first);
  }

  @Test
  void sameSeedSameSequence() {
    for (double f : new double[] {0.5, 0.1, 0.001}) {
      assertEquals(Arrays.toString(draw(f, 99L, 500)), Arrays.toString(draw(f, 99L, 500)));
    }
  }

  @Test
  void differentSeedDifferentSequence() {
    for (double f : new double[] {0.5, 0.1, 0.001}) {
      assertNotEquals(Arrays.toString(draw(f, 99L, 500)), Arrays.toString(draw(f, 100L, 500)));
    }
  }

  @Test
  void indicesStrictlyIncreaseFromZero() {
    long[] got = draw(0.5, 3L, 10_000);
    assertTrue(got[0] >= 0);
    for (int i = 1; i < got.length; i++) {
      assertTrue(got[i] > got[i - 1], "at " + i);
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.1, 0.01})
  void drawnShareIsWithinFourSigmaOfTheFraction(double fraction) {
    long n = 200_000;
    for (long seed : new long[] {1L, 42L, Long.MIN_VALUE}) {
      long c = countBelow(fraction, seed, n);
      double mean = n * fraction;
      double sd = Math.sqrt(n * fraction * (1 - fraction));
      assertTrue(Math.abs(c - mean) <= 4 * sd,
          "fraction " + fraction + " seed " + seed + ": drew " + c + " of " + n + ", expected "
              + mean + " ± " + 4 * sd);
    }
  }

  /** Each index on its own is drawn with probability = fraction (no index is favoured). */
  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.1})
  void perIndexFrequencyOverSeedsMatchesTheFraction(double fraction) {
    int seeds = 2000;
    int width = 100;
    int[] hits = new int[width];
    for (int k = 0; k < seeds; k++) {
      IndexSampler s = new IndexSampler(fraction, Seeds.derive(2024L, k));
      while (s.peek() < width) {
        hits[(int) s.peek()]++;
        s.advance();
      }
    }
    double sd = Math.sqrt(seeds * fraction * (1 - fraction));
    for (int i = 0; i < width; i++) {
      double expected = seeds * fraction;
      assertTrue(Math.abs(hits[i] - expected) <= 5 * sd,
          "index " + i + " drawn " + hits[i] + " times in " + seeds + " seeds, expected " + expected
              + " ± " + 5 * sd);
    }
  }

  /** Consecutive indices are drawn independently: P(i and i+1 both drawn) = f². */
  @Test
  void neighbouringIndicesAreIndependent() {
    double f = 0.3;
    int seeds = 4000;
    int both = 0;
    for (int k = 0; k < seeds; k++) {
      IndexSampler s = new IndexSampler(f, Seeds.derive(77L, k));
      boolean has10 = false;
      boolean has11 = false;
      while (s.peek() <= 11) {
        has10 |= s.peek() == 10;
        has11 |= s.peek() == 11;
        s.advance();
      }
      if (has10 && has11) {
        both++;
      }
    }
    double p = f * f;
    double sd = Math.sqrt(seeds * p * (1 - p));
    assertTrue(Math.abs(both - seeds * p) <= 5 * sd, "both drawn " + both + " times");
  }

  @Test
  void tinyFractionJumpsFarWithoutOverflow() {
    IndexSampler s = new IndexSampler(1e-300, 1L);
    assertTrue(s.peek() > 1_000_000_000L, "first draw at " + s.peek());
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.0, -0.5, 1.0000001, 2.0, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY})
  void invalidFractionsThrow(double f) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new IndexSampler(f, 1L));
    assertTrue(e.getMessage().contains("fraction"), e.getMessage());
  }
}

package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LibsvmParserTest {
  private final LibsvmParser unlimited = new LibsvmParser(0);
  private final ParsedRecord rec = new ParsedRecord();

  private static int[] indices(ParsedRecord r) {
    return Arrays.copyOf(r.indices, r.nnz);
  }

  private static double[] values(ParsedRecord r) {
    return Arrays.copyOf(r.values, r.nnz);
  }

  private RecordException reject(LibsvmParser p, String line) {
    return assertThrows(RecordException.class, () -> p.parse(line, new ParsedRecord()),
        () -> "expected a RecordException for '" + line + "'");
  }

  private void assertRejected(String line, String... messageParts) {
    RecordException e = reject(unlimited, line);
    for (String part : messageParts) {
      assertTrue(e.getMessage().contains(part),
          () -> "message for '" + line + "' should mention '" + part + "': " + e.getMessage());
    }
  }

  @Test
  void goodLineIsZeroBasedWithValuesAndLabel() {
    assertTrue(unlimited.parse("2.5 1:0.5 3:-1e3 10:7", rec));
    assertEquals(2.5, rec.label);
    assertEquals(1.0, rec.weight);
    assertEquals(3, rec.nnz);
    assertArrayEquals(new int[] {0, 2, 9}, indices(rec));
    assertArrayEquals(new double[] {0.5, -1000.0, 7.0}, values(rec));
  }

  @Test
  void labelOnlyLineHasNoFeatures() {
    assertTrue(unlimited.parse("-3", rec));
    assertEquals(-3.0, rec.label);
    assertEquals(0, rec.nnz);
  }

  @Test
  void bufferIsResetBetweenLines() {
    assertTrue(unlimited.parse("1 1:1 2:2 3:3", rec));
    assertTrue(unlimited.parse("4 5:5", rec));
    assertEquals(4.0, rec.label);
    assertArrayEquals(new int[] {4}, indices(rec));
    assertArrayEquals(new double[] {5.0}, values(rec));
  }

  @Test
  void manyFeaturesGrowTheBuffer() {
    StringBuilder sb = new StringBuilder("1");
    for (int i = 1; i <= 100; i++) {
      sb.append(' ').append(i).append(':').append(i * 0.5);
    }
    assertTrue(unlimited.parse(sb.toString(), rec));
    assertEquals(100, rec.nnz);
    for (int k = 0; k < 100; k++) {
      assertEquals(k, rec.indices[k]);
      assertEquals((k + 1) * 0.5, rec.values[k]);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t", "   \t  ", "#", "# a comment", "   # indented comment",
      "#1 1:2"})
  void blankAndCommentLinesHaveNoRecord(String line) {
    assertFalse(unlimited.parse(line, rec));
  }

  @Test
  void trailingCommentIsIgnored() {
    assertTrue(unlimited.parse("1 2:3 # 4:5 rubbish", rec));
    assertEquals(1.0, rec.label);
    assertArrayEquals(new int[] {1}, indices(rec));
    assertArrayEquals(new double[] {3.0}, values(rec));
    assertTrue(unlimited.parse("7#comment right after the label", rec));
    assertEquals(7.0, rec.label);
    assertEquals(0, rec.nnz);
  }

  @Test
  void tabsAndRepeatedSpacesSeparateTokens() {
    assertTrue(unlimited.parse("\t 1.5\t\t2:3   4:5 \t", rec));
    assertEquals(1.5, rec.label);
    assertArrayEquals(new int[] {1, 3}, indices(rec));
    assertArrayEquals(new double[] {3.0, 5.0}, values(rec));
  }

  @Test
  void windowsLineEndingIsWhitespace() {
    assertTrue(unlimited.parse("1 2:3\r", rec));
    assertArrayEquals(new double[] {3.0}, values(rec));
  }

  @Test
  void nonNumericLabel() {
    assertRejected("abc 1:2", "label", "'abc'", "not a number");
  }

  @Test
  void nonNumericValue() {
    assertRejected("1 2:x", "value of feature 2", "'x'", "not a number");
  }

  @Test
  void indexWithoutValue() {
    assertRejected("1 3:", "value of feature 3", "not a number");
  }

  @Test
  void valueWithoutIndex() {
    assertRejected("1 :4", "feature index", "not an integer");
  }

  @Test
  void tokenWithoutColon() {
    assertRejected("1 abc", "expected index:value", "'abc'");
    assertRejected("1 1:2 3", "expected index:value", "'3'");
  }

  @Test
  void colonInALaterTokenDoesNotRescueAColonlessToken() {
    // "5" has no colon; the ':' found further on belongs to the next token.
    assertRejected("1 5 6:7", "expected index:value", "'5'");
  }

  @Test
  void nonIntegerIndex() {
    assertRejected("1 1.5:2", "feature index '1.5'", "not an integer");
    assertRejected("1 x:2", "feature index 'x'", "not an integer");
  }

  @Test
  void indexZeroAndNegative() {
    assertRejected("1 0:1", "feature index 0", "1-based");
    assertRejected("1 -2:1", "feature index -2", "1-based");
  }

  @Test
  void duplicateIndex() {
    assertRejected("1 2:1 2:3", "feature index 2 appears twice");
  }

  @Test
  void decreasingIndex() {
    assertRejected("1 5:1 3:3", "not increasing", "3 after 5");
  }

  @Test
  void indexAboveNumFeaturesLimit() {
    LibsvmParser p = new LibsvmParser(4);
    assertTrue(p.parse("1 4:1", rec));
    assertArrayEquals(new int[] {3}, indices(rec));
    RecordException e = reject(p, "1 2:1 5:1");
    assertTrue(e.getMessage().contains("feature index 5"), e.getMessage());
    assertTrue(e.getMessage().contains("--num-features 4"), e.getMessage());
  }

  @Test
  void noLimitWhenNumFeaturesIsZero() {
    assertTrue(unlimited.parse("1 2147483647:1", rec));
    assertArrayEquals(new int[] {Integer.MAX_VALUE - 1}, indices(rec));
  }

  @Test
  void indexOverflowIsARecordError() {
    assertRejected("1 99999999999:1", "feature index '99999999999'", "not an integer");
    assertRejected("1 2147483648:1", "feature index '2147483648'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "+Infinity", "1e999", "-1e999"})
  void nonFiniteLabelIsRejected(String label) {
    assertRejected(label + " 1:2", "label", "NaN and infinities are not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "+Infinity", "1e999"})
  void nonFiniteValueIsRejected(String value) {
    assertRejected("1 1:0.5 2:" + value, "value of feature 2", "NaN and infinities are not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "abc 1:2", "1 2:x", "1 3:", "1 :4", "1 abc", "1 0:1", "1 -1:1", "1 2:1 2:1", "1 3:1 2:1",
      "1 99999999999:1", "NaN", "1 1:Infinity", "1 1:-Infinity", "1 1::2"})
  void everyErrorIsARecordExceptionWithAMessage(String line) {
    RecordException e = reject(unlimited, line);
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    assertFalse(e.getMessage().contains("Exception"), e.getMessage());
  }

  /** Random well-formed lines, written with Double.toString, read back bit for bit. */
  @Test
  void randomWellFormedLinesRoundTrip() {
    Random r = new Random(20240601L);
    for (int n = 0; n < 2000; n++) {
      double label = randomDouble(r);
      int nnz = r.nextInt(12);
      int[] idx = new int[nnz];
      double[] val = new double[nnz];
      int index = 0;
      for (int k = 0; k < nnz; k++) {
        index += 1 + r.nextInt(r.nextBoolean() ? 3 : 100_000);
        idx[k] = index; // 1-based
        val[k] = randomDouble(r);
      }
      StringBuilder sb = new StringBuilder();
      sb.append(space(r)).append(label);
      for (int k = 0; k < nnz; k++) {
        sb.append(r.nextBoolean() ? " " : "\t").append(space(r)).append(idx[k]).append(':')
            .append(val[k]);
      }
      sb.append(space(r));
      if (r.nextInt(4) == 0) {
        sb.append("# 1:2 trailing");
      }
      String line = sb.toString();
      assertTrue(unlimited.parse(line, rec), line);
      assertEquals(Double.doubleToRawLongBits(label), Double.doubleToRawLongBits(rec.label), line);
      assertEquals(nnz, rec.nnz, line);
      for (int k = 0; k < nnz; k++) {
        assertEquals(idx[k] - 1, rec.indices[k], line);
        assertEquals(Double.doubleToRawLongBits(val[k]), Double.doubleToRawLongBits(rec.values[k]),
            line);
      }
      assertTrue(new LibsvmParser(index == 0 ? 1 : index).parse(line, rec), "limit = max index");
    }
  }

  private static String space(Random r) {
    return r.nextInt(3) == 0 ? " \t " : "";
  }

  private static double randomDouble(Random r) {
    switch (r.nextInt(5)) {
      case 0: return r.nextInt(201) - 100;
      case 1: return r.nextGaussian();
      case 2: return r.nextGaussian() * Math.pow(10, r.nextInt(600) - 300);
      case 3: return -0.0;
      default: return Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL)
          * (r.nextBoolean() ? 1 : -1);
    }
  }
}

package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvParserTest {
  private static final String[] HEADER = {"a", "b", "y", "c"};
  private final ParsedRecord rec = new ParsedRecord();

  private static double[] values(ParsedRecord r) {
    return Arrays.copyOf(r.values, r.nnz);
  }

  private static int[] indices(ParsedRecord r) {
    return Arrays.copyOf(r.indices, r.nnz);
  }

  private static void assertRejected(CsvParser p, String line, String... parts) {
    RecordException e = assertThrows(RecordException.class, () -> p.parse(line, new ParsedRecord()),
        () -> "expected a RecordException for '" + line + "'");
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part),
          () -> "message for '" + line + "' should mention '" + part + "': " + e.getMessage());
    }
  }

  @Test
  void splitHeaderTrimsAndUnquotes() {
    assertArrayEquals(new String[] {"label", "x1", "x 2", "say \"hi\"", "", "plain"},
        CsvParser.splitHeader(" label , \"x1\",\"x 2\" , \"say \"\"hi\"\"\",,plain"));
  }

  @Test
  void splitHeaderKeepsEmptyTrailingColumn() {
    assertArrayEquals(new String[] {"a", "b", ""}, CsvParser.splitHeader("a,b,"));
  }

  @Test
  void splitHeaderRefusesAnUnbalancedQuote() {
    RecordException e = assertThrows(RecordException.class, () -> CsvParser.splitHeader("\",b"));
    assertTrue(e.getMessage().contains("unbalanced quote in the header's column 1"), e.getMessage());
  }

  @Test
  void splitHeaderDropsAByteOrderMarkAndReadsQuotedDelimiters() {
    assertArrayEquals(new String[] {"label", "a,b", "c"}, CsvParser.splitHeader("\uFEFFlabel,\"a,b\",c"));
    assertArrayEquals(new String[] {"label", "x y", "z"}, CsvParser.splitHeader("\uFEFFlabel\t\"x y\"\tz", '\t'));
  }

  @Test
  void quotedFieldsMayHoldDelimitersDoubledQuotesAndSpaces() {
    CsvParser p = new CsvParser(new String[] {"y", "a", "b", "c"}, 0);
    assertTrue(p.parse("\"1\", \" 2 \" ,\"3\",4", rec));
    assertEquals(1.0, rec.label);
    assertArrayEquals(new double[] {2, 3, 4}, values(rec));
    // a quoted empty field is an empty cell
    assertRejected(p, "1,\"\",3,4", "missing value in column 'a'");
    // a delimiter or a doubled quote inside quotes is part of the value, not a column break
    assertRejected(p, "1,\"2,5\",3,4", "column 'a' value '2,5' is not a number");
    assertRejected(p, "1,\"say \"\"hi\"\"\",3,4", "column 'a' value 'say \"hi\"' is not a number");
  }

  @Test
  void anotherDelimiter() {
    CsvParser p = new CsvParser(new String[] {"y", "a", "b"}, 0, -1, '\t', false, null);
    assertRejected(p, "1\t2,5\t3", "column 'a' value '2,5' is not a number");
    assertTrue(p.parse("1\t 2 \t\"3\"", rec));
    assertArrayEquals(new double[] {2, 3}, values(rec));
    assertRejected(p, "1\t\t3", "missing value in column 'a'");
    assertRejected(p, "1,2,3", "column 'y' value '1,2,3' is not a number");
    assertRejected(p, "1\t2", "has 2 columns, the header has 3");
    CsvParser semi = new CsvParser(new String[] {"y", "a", "b"}, 0, -1, ';', false, null);
    assertTrue(semi.parse("1;2.5;\"-3\"", rec));
    assertArrayEquals(new double[] {2.5, -3}, values(rec));
  }

  @Test
  void aQuoteOpenAtTheEndOfTheLineIsRefused() {
    CsvParser p = new CsvParser(HEADER, 2);
    assertRejected(p, "1,\"2,3,4", "unbalanced quote in column 'b'", "records that span lines are not read");
    assertRejected(p, "1,2,3,\"4\"\"", "unbalanced quote in column 'c'");
    assertRejected(p, "1,2,3,4,\"", "unbalanced quote in column '#5'");
  }

  @Test
  void aHashIsNotAComment() {
    CsvParser p = new CsvParser(new String[] {"y", "a"}, 0);
    assertRejected(p, "#1,2", "column 'y' value '#1' is not a number");
  }

  @Test
  void farTooManyColumnsAreRefusedAsSuch() {
    CsvParser p = new CsvParser(HEADER, 2);
    assertRejected(p, "1,2,3,4,5,6,7,8,9,10", "more than the header's 4 columns");
  }

  @Test
  void labelFirst() {
    CsvParser p = new CsvParser(new String[] {"y", "a", "b"}, 0);
    assertTrue(p.parse("1.5,2,3", rec));
    assertEquals(1.5, rec.label);
    assertArrayEquals(new int[] {0, 1}, indices(rec));
    assertArrayEquals(new double[] {2, 3}, values(rec));
    assertArrayEquals(new String[] {"a", "b"}, p.featureNames());
    assertEquals(2, p.numFeatures());
  }

  @Test
  void labelInTheMiddle() {
    CsvParser p = new CsvParser(HEADER, 2);
    assertTrue(p.parse("1, 2 ,-3e2,4", rec));
    assertEquals(-300.0, rec.label);
    assertArrayEquals(new int[] {0, 1, 2}, indices(rec));
    assertArrayEquals(new double[] {1, 2, 4}, values(rec));
    assertArrayEquals(new String[] {"a", "b", "c"}, p.featureNames());
    assertEquals(3, p.numFeatures());
  }

  @Test
  void labelLast() {
    CsvParser p = new CsvParser(new String[] {"a", "b", "y"}, 2);
    assertTrue(p.parse("0.25,-0.5,9", rec));
    assertEquals(9.0, rec.label);
    assertArrayEquals(new double[] {0.25, -0.5}, values(rec));
    assertArrayEquals(new String[] {"a", "b"}, p.featureNames());
  }

  @Test
  void featureNamesFollowHeaderOrder() {
    CsvParser p = new CsvParser(new String[] {"z", "label", "m", "a"}, 1);
    assertArrayEquals(new String[] {"z", "m", "a"}, p.featureNames());
  }

  @Test
  void weightIsOneAndBufferIsReset() {
    CsvParser p = new CsvParser(HEADER, 2);
    assertTrue(p.parse("1,2,3,4", rec));
    assertTrue(p.parse("5,6,7,8", rec));
    assertEquals(7.0, rec.label);
    assertEquals(1.0, rec.weight);
    assertArrayEquals(new double[] {5, 6, 8}, values(rec));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t", "  \t "})
  void blankLineHasNoRecord(String line) {
    assertFalse(new CsvParser(HEADER, 2).parse(line, rec));
  }

  @Test
  void missingValueNamesTheColumn() {
    CsvParser p = new CsvParser(HEADER, 2);
    assertRejected(p, "1,,3,4", "missing value", "'b'");
    assertRejected(p, "1,2, ,4", "missing value", "'y'");
    assertRejected(p, "1,2,3,", "missing value", "'c'");
  }

  @Test
  void nonNumericValueNamesTheColumn() {
    CsvParser p = new CsvParser(HEADER, 2);
    assertRejected(p, "1,two,3,4", "column 'b'", "'two'", "not a number");
    assertRejected(p, "1,2,yes,4", "column 'y'", "'yes'", "not a number");
  }

  @Test
  void tooFewColumns() {
    CsvParser p = new CsvParser(HEADER, 2);
    assertRejected(p, "1,2,3", "has 3 columns", "header has 4");
    assertRejected(p, "1", "has 1 columns", "header has 4");
  }

  @Test
  void tooManyColumns() {
    CsvParser p = new CsvParser(HEADER, 2);
    assertRejected(p, "1,2,3,4,5", "more than the header's 4 columns");
    assertRejected(p, "1,2,3,4,", "more than the header's 4 columns");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "1e400"})
  void nonFiniteValuesAreRejected(String v) {
    CsvParser p = new CsvParser(HEADER, 2);
    assertRejected(p, "1," + v + ",3,4", "column 'b'", "NaN and infinities are not allowed");
    assertRejected(p, "1,2," + v + ",4", "column 'y'", "NaN and infinities are not allowed");
  }
}

package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sparksgd.testing.DefaultLineOnly;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the LIBSVM and CSV record parsers with Jazzer: any input either parses to a valid record
 * (finite numbers, indices in range and increasing) or raises {@link RecordException} with a
 * message, never another exception.
 *
 * <p>Input layout (so seeds can be written by hand, see the Inputs directory beside this class in
 * src/test/resources): byte 0 even = LIBSVM, odd = CSV; byte 1 = the --num-features limit (LIBSVM)
 * or the label column (CSV), a digit meaning its value; the rest is UTF-8 text: the line (LIBSVM),
 * or the header, a newline, and the line (CSV).
 *
 * <p>{@code mvn verify} runs it in its own JVM with JAZZER_FUZZ=1 (the "fuzz" surefire execution
 * in pom.xml): the committed seeds first, then {@code maxDuration} of coverage-guided fuzzing.
 * Without JAZZER_FUZZ it runs only the seeds.
 */
@DefaultLineOnly
class RecordParsersFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void parsersGiveFiniteNumbersOrRecordException(byte[] input) {
    if (input.length < 2) {
      return;
    }
    boolean csv = (input[0] & 1) == 1;
    int param = Character.isDigit(input[1]) ? input[1] - '0' : input[1] & 0xff;
    String text = new String(input, 2, input.length - 2, StandardCharsets.UTF_8);
    ParsedRecord rec = new ParsedRecord();
    if (csv) {
      int nl = text.indexOf('\n');
      String line = nl < 0 ? "" : text.substring(nl + 1);
      try {
        String[] header = CsvParser.splitHeader(nl < 0 ? text : text.substring(0, nl));
        int label = param % header.length;
        CsvParser p = new CsvParser(header, label);
        if (p.parse(line, rec)) {
          assertFinite(rec);
          assertEquals(header.length - 1, rec.nnz, "one value per feature column");
          for (int k = 0; k < rec.nnz; k++) {
            assertEquals(k, rec.indices[k]);
          }
        } else {
          assertTrue(line.isBlank(), "only a blank line has no record");
        }
      } catch (RecordException e) {
        assertMessage(e);
      }
    } else {
      LibsvmParser p = new LibsvmParser(param);
      try {
        if (p.parse(text, rec)) {
          assertFinite(rec);
          for (int k = 0; k < rec.nnz; k++) {
            assertTrue(rec.indices[k] >= 0, "0-based index");
            assertTrue(k == 0 || rec.indices[k] > rec.indices[k - 1], "increasing");
            assertTrue(param == 0 || rec.indices[k] < param, "within --num-features");
          }
        }
      } catch (RecordException e) {
        assertMessage(e);
      }
    }
  }

  private static void assertFinite(ParsedRecord rec) {
    assertTrue(Double.isFinite(rec.label), "label " + rec.label);
    assertEquals(1.0, rec.weight);
    for (int k = 0; k < rec.nnz; k++) {
      assertTrue(Double.isFinite(rec.values[k]), "value " + rec.values[k]);
    }
  }

  private static void assertMessage(RecordException e) {
    assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a RecordException says what is wrong");
  }
}

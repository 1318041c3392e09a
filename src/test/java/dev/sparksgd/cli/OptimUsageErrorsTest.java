package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad optimization options end with exit code 2 and one line, before Spark starts. */
class OptimUsageErrorsTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "--optimizer|lbfgs|--optimizer must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam (got 'lbfgs')",
      "--lr-schedule|cosine|--lr-schedule must be one of constant, inverse-sqrt, inverse-time, exponential, step, adaptive",
      "--step-size|fast|--step-size must be a number, auto or default (got 'fast')",
      "--max-time|soon|--max-time must be a duration such as 90s, 30m or 2h",
      "--elastic-net-param|2|--elastic-net-param must be in [0, 1] (got 2.0)",
      "--update-mode|sideways|--update-mode must be one of gradient, model-averaging (got 'sideways')",
      "--momentum|1|--momentum must be in [0, 1) (got 1.0)",
      "--patience|0|--patience must be >= 1 (got 0)"})
  synchronized void rejected(String option, String value, String message) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run("train", "--data", "x.libsvm", "--output", "o", option, value);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.BAD_INPUT, code, e);
    assertTrue(e.startsWith("spark-sgd: error: " + message), e);
    assertEquals(1, e.trim().lines().count(), e);
    assertFalse(out.toString(StandardCharsets.UTF_8).contains("training on"), "reached Spark");
  }
}

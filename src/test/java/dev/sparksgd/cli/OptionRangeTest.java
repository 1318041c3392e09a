package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every train option given a value out of its range (or of the wrong type) ends with exit code 2
 * and one line naming the option, before Spark starts (MainTest has further values for some).
 * {@link #everyOptionHasACase()} keeps the table complete as options are added.
 */
class OptionRangeTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("--data", "", "--data is required"),
        Arguments.of("--output", "", "--output is required"),
        Arguments.of("--overwrite", "=perhaps", "--overwrite"),
        Arguments.of("--config", "/nonexistent/sgd.properties", "no such file"),
        Arguments.of("--format", "xml", "--format must be"),
        Arguments.of("--label-col", "", "--label-col must not be empty"),
        Arguments.of("--num-features", "-1", "--num-features must be >= 1, or 0"),
        Arguments.of("--max-iter", "-5", "--max-iter must be >= 1"),
        Arguments.of("--step-size", "0", "--step-size must be > 0"),
        Arguments.of("--step-size", "Infinity", "--step-size must be a finite number"),
        Arguments.of("--lr-schedule", "linear", "--lr-schedule must be"),
        Arguments.of("--mini-batch-fraction", "1.5", "--mini-batch-fraction must be in (0, 1]"),
        Arguments.of("--mini-batch-fraction", "-0.1", "--mini-batch-fraction must be in (0, 1]"),
        Arguments.of("--reg-param", "-0.5", "--reg-param must be >= 0"),
        Arguments.of("--fit-intercept", "yes", "--fit-intercept"),
        Arguments.of("--standardization", "2", "--standardization"),
        Arguments.of("--precondition", "2", "--precondition"),
        Arguments.of("--tol", "-1", "--tol must be >= 0"),
        Arguments.of("--min-step-size", "-0.001", "--min-step-size must be >= 0"),
        Arguments.of("--seed", "1.5", "--seed"),
        Arguments.of("--num-partitions", "-1", "--num-partitions must be >= 1, or 0"),
        Arguments.of("--storage-level", "OFF_HEAP", "--storage-level must be one of MEMORY_AND_DISK, "
            + "MEMORY_AND_DISK_SER, DISK_ONLY, MEMORY_ONLY, MEMORY_ONLY_SER (got 'OFF_HEAP')"),
        Arguments.of("--validation-fraction", "-0.1", "--validation-fraction must be in [0, 1)"),
        Arguments.of("--validation-fraction", "1.5", "--validation-fraction must be in [0, 1)"),
        Arguments.of("--bad-records", "ignore", "--bad-records must be one of fail, skip"),
        Arguments.of("--max-bad-records", "-1", "--max-bad-records must be >= 0"),
        Arguments.of("--max-bad-records", "many", "--max-bad-records"),
        Arguments.of("--baseline-model", "", "--baseline-model must not be empty"),
        Arguments.of("--max-regression", "-0.1", "--max-regression must be >= 0"),
        Arguments.of("--max-regression", "NaN", "--max-regression must be a finite number"),
        Arguments.of("--optimizer", "lbfgs", "--optimizer"),
        Arguments.of("--momentum", "1", "--momentum"),
        Arguments.of("--beta1", "-0.1", "--beta1"),
        Arguments.of("--beta2", "1.0", "--beta2"),
        Arguments.of("--rho", "2", "--rho"),
        Arguments.of("--epsilon", "0", "--epsilon"),
        Arguments.of("--averaging", "maybe", "--averaging"),
        Arguments.of("--averaging-start", "0", "--averaging-start"),
        Arguments.of("--decay", "-1", "--decay"),
        Arguments.of("--decay-steps", "0", "--decay-steps"),
        Arguments.of("--elastic-net-param", "1.01", "--elastic-net-param"),
        Arguments.of("--update-mode", "sideways", "--update-mode"),
        Arguments.of("--local-steps", "-1", "--local-steps"),
        Arguments.of("--prefetch-mb", "-1", "--prefetch-mb must be in [0, 512]"),
        Arguments.of("--prefetch-mb", "513", "--prefetch-mb must be in [0, 512]"),
        Arguments.of("--loss-tol", "-1e-3", "--loss-tol"),
        Arguments.of("--patience", "0", "--patience"),
        Arguments.of("--grad-tol", "-1", "--grad-tol"),
        Arguments.of("--validation-interval", "-1", "--validation-interval"),
        Arguments.of("--max-time", "soon", "--max-time"),
        Arguments.of("--verbose", "=loud", "--verbose"),
        Arguments.of("--loss", "cubic", "--loss must be one of squared, huber, logistic, hinge"),
        Arguments.of("--huber-delta", "1", "--huber-delta must be > 1"),
        Arguments.of("--weight-col", "label", "--weight-col and --label-col name the same column"),
        Arguments.of("--features-col", "", "--features-col must not be empty"),
        Arguments.of("--csv-delimiter", "\"", "--csv-delimiter must be one character other than a quote"),
        Arguments.of("--missing", "drop", "--missing must be one of fail, mean, median, zero"),
        Arguments.of("--categorical-cols", "label", "--categorical-cols names the label column 'label'"),
        Arguments.of("--encoding", "ordinal", "--encoding must be one of hash, one-hot (got 'ordinal')"),
        Arguments.of("--max-levels", "0", "--max-levels must be in 1.."),
        Arguments.of("--feature-precision", "float16", "--feature-precision must be one of float64, float32 (got 'float16')"),
        Arguments.of("--hash-bits", "29", "--hash-bits must be in 1..28 (got 29)"),
        Arguments.of("--missing-indicators", "true", "--missing-indicators needs --missing mean, median or zero"),
        Arguments.of("--init-model", "", "--init-model must not be empty"),
        Arguments.of("--checkpoint-dir", "", "--checkpoint-dir must not be empty"),
        Arguments.of("--checkpoint-dir", "o/ck", "--checkpoint-dir must be outside --output"),
        Arguments.of("--checkpoint-interval", "0", "--checkpoint-interval must be >= 1"),
        Arguments.of("--resume", "=maybe", "--resume"));
  }

  private static String[] args(String option, String value) {
    List<String> a = new ArrayList<>(List.of("train", "--data", "x.libsvm", "--output", "o"));
    if (value.startsWith("=")) {
      a.add(option + value);
    } else {
      a.add(option);
      a.add(value);
    }
    return a.toArray(new String[0]);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void outOfRangeIsOneLineBeforeSpark(String option, String value, String message) {
    TestData.Run r = TestData.cliOnCurrentSession(args(option, value));
    assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.err());
    assertFalse(r.out().contains("training on"), "reached Spark: " + r.out());
    List<String> lines = r.err().strip().lines().toList();
    assertTrue(lines.get(0).startsWith("spark-sgd: error: "), r.err());
    assertTrue(lines.get(0).contains(message), () -> "should mention '" + message + "': " + r.err());
    // picocli adds a "Try ... --help" hint under its own parse errors; nothing else may follow.
    assertTrue(lines.size() == 1 || (lines.size() == 2 && lines.get(1).startsWith("Try ")), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void everyOptionHasACase() {
    Set<String> covered = new TreeSet<>();
    cases().forEach(a -> covered.add((String) a.get()[0]));
    Set<String> missing = new TreeSet<>();
    for (OptionSpec o : new CommandLine(new TrainCommand(null, System.out)).getCommandSpec().options()) {
      String name = o.longestName();
      if (!o.usageHelp() && !o.versionHelp() && !covered.contains(name)) {
        missing.add(name);
      }
    }
    assertEquals(Set.of(), missing, "add an out-of-range case to OptionRangeTest.cases() for each new option");
  }
}

package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Usage errors end with exit code 2 and one line on stderr, before Spark starts. Every case here is
 * rejected by picocli or by TrainCommand.toConfig(), which runs before Spark.session(); the
 * assertion on "training on" (printed once Spark is up) guards that.
 */
class MainTest {
  @TempDir
  Path tmp;

  private record Run(int code, String out, String err) {
  }

  private static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    Run r = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    assertFalse(r.out.contains("training on"), "reached Spark: " + r.out);
    return r;
  }

  private static void assertUsageError(Run r, String... parts) {
    assertEquals(ExitCodes.BAD_INPUT, r.code, "exit code; stderr: " + r.err);
    assertTrue(r.err.startsWith("spark-sgd: error: "), "stderr: " + r.err);
    assertFalse(r.err.contains("\tat "), "no stack trace: " + r.err);
    for (String part : parts) {
      assertTrue(r.err.contains(part), () -> "stderr should mention '" + part + "': " + r.err);
    }
  }

  private static final String[] OK = {"train", "--data", "x.libsvm", "--output", "o"};

  private static String[] okPlus(String... more) {
    String[] a = new String[OK.length + more.length];
    System.arraycopy(OK, 0, a, 0, OK.length);
    System.arraycopy(more, 0, a, OK.length, more.length);
    return a;
  }

  @Test
  void missingData() {
    assertUsageError(run("train"), "--data");
    assertUsageError(run("train", "--output", "o"), "--data");
  }

  @Test
  void missingOutput() {
    assertUsageError(run("train", "--data", "x.libsvm"), "--output");
  }

  @Test
  void negativeStepSize() {
    Run r = run(okPlus("--step-size", "-1"));
    assertUsageError(r, "--step-size must be > 0", "-1");
    assertEquals(1, r.err.strip().lines().count(), "one line: " + r.err);
  }

  @Test
  void nonNumericStepSize() {
    assertUsageError(run(okPlus("--step-size", "abc")), "--step-size", "abc");
  }

  @Test
  void zeroMiniBatchFraction() {
    assertUsageError(run(okPlus("--mini-batch-fraction", "0")), "--mini-batch-fraction");
  }

  @Test
  void unknownSchedule() {
    assertUsageError(run(okPlus("--lr-schedule", "cubic")), "--lr-schedule", "cubic");
  }

  @Test
  void unknownFormat() {
    assertUsageError(run(okPlus("--format", "orc")), "--format", "orc");
  }

  @Test
  void badBoolean() {
    assertUsageError(run(okPlus("--fit-intercept", "maybe")), "--fit-intercept", "maybe");
  }

  @Test
  void otherInvalidValues() {
    assertUsageError(run(okPlus("--max-iter", "0")), "--max-iter");
    assertUsageError(run(okPlus("--validation-fraction", "1")), "--validation-fraction");
    assertUsageError(run(okPlus("--num-partitions", "-2")), "--num-partitions");
    assertUsageError(run(okPlus("--reg-param", "NaN")), "--reg-param");
  }

  @Test
  void unknownOption() {
    assertUsageError(run(okPlus("--bogus")), "--bogus");
  }

  @Test
  void unknownSubcommand() {
    assertUsageError(run("nosuch"), "nosuch");
  }

  @Test
  void missingConfigFile() {
    String missing = tmp.resolve("missing.properties").toString();
    assertUsageError(run(okPlus("--config", missing)), missing, "no such file");
  }

  @Test
  void unknownKeyInConfigFile() throws IOException {
    Path f = tmp.resolve("bad.properties");
    Files.write(f, List.of("max-iterations=5"), StandardCharsets.UTF_8);
    assertUsageError(run(okPlus("--config", f.toString())), "max-iterations");
  }

  /** The file's max-iter=0 must reach validation (checked before --validation-fraction). */
  @Test
  void configFileValuesAreValidatedBeforeSpark() throws IOException {
    Path f = tmp.resolve("zero.properties");
    Files.write(f, List.of("max-iter=0"), StandardCharsets.UTF_8);
    assertUsageError(run(okPlus("--config", f.toString(), "--validation-fraction", "1")),
        "--max-iter must be >= 1");
  }

  @Test
  void topLevelHelp() {
    Run r = run("--help");
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("Usage: spark-sgd"), r.out);
    assertTrue(r.out.contains("train"), r.out);
    assertTrue(r.out.contains("generate"), r.out);
    assertTrue(r.out.contains("Exit codes"), r.out);
  }

  @Test
  void version() {
    Run r = run("--version");
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.startsWith("spark-sgd "), r.out);
    // The release the jar is built against, which the tests run on.
    assertTrue(r.out.contains("built for Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()), r.out);
  }

  @Test
  void trainHelpMentionsEveryOptionAndItsDefault() {
    Run r = run("train", "--help");
    assertEquals(0, r.code, r.err);
    String all = r.out.replaceAll("\\s+", " ");
    int options = all.indexOf("--data=PATH Input"); // the option list, past the synopsis
    assertTrue(options > 0, r.out);
    String help = all.substring(options);
    CommandLine cl = new CommandLine(new TrainCommand(null, System.out));
    int withDefault = 0;
    for (OptionSpec o : cl.getCommandSpec().options()) {
      assertTrue(help.contains(o.longestName()), "help lacks " + o.longestName());
      String d = o.defaultValue();
      if (d != null && !o.longestName().equals("--config")) {
        withDefault++;
        // "--max-iter=N Maximum iterations. Default: 1000." — the default in this option's entry.
        Pattern entry = Pattern.compile(Pattern.quote(o.longestName() + "=") + "\\S+ (.*?)(?= --[a-z]|$)");
        Matcher m = entry.matcher(help);
        assertTrue(m.find(), "no entry for " + o.longestName());
        assertTrue(m.group(1).contains("Default: " + d), o.longestName() + " entry lacks 'Default: "
            + d + "': " + m.group(1));
      }
    }
    assertTrue(withDefault >= 14, "options with a default: " + withDefault);
    assertTrue(all.contains("conf/sgd.properties"), "help names the config file");
  }

  @Test
  void trainHelpWinsOverMissingOptions() {
    assertEquals(0, run("train", "--help", "--step-size", "-1").code);
  }
}

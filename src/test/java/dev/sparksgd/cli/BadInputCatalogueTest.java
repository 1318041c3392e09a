package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.LogCapture;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input catalogue of issue 7, end to end through the CLI on the shared session: each case
 * ends with exit code 2, exactly one line on stderr ("spark-sgd: error: ..."), the file and line
 * for a bad record, no stack trace, no model, and none of Spark's own lines about the failed task
 * in the log (what the console would show under conf/log4j2.properties; ChildJvmConsoleTest checks
 * the real console once).
 */
class BadInputCatalogueTest {
  @TempDir
  Path tmp;

  /** Runs train with the shared options and checks everything every case must show. */
  private TestData.Run rejected(List<String> args, String... mustMention) {
    Path out = tmp.resolve("model");
    List<String> all = new ArrayList<>(List.of("train", "--output", out.toString()));
    all.addAll(args);
    TestData.Run run;
    List<String> warnings;
    String allLines;
    try (LogCapture logs = LogCapture.start()) {
      run = TestData.cli(all.toArray(new String[0]));
      LogCapture.awaitQuiet();
      warnings = logs.warnings();
      allLines = logs.all();
    }
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), "exit code; stderr: " + run.err());
    List<String> errLines = run.err().strip().lines().toList();
    assertEquals(1, errLines.size(), "one line on stderr: " + run.err());
    assertTrue(errLines.get(0).startsWith("spark-sgd: error: "), run.err());
    for (String part : mustMention) {
      assertTrue(errLines.get(0).contains(part), () -> "stderr should mention '" + part + "': " + run.err());
    }
    assertFalse(run.err().contains("\tat ") || run.out().contains("\tat "), "no stack trace");
    for (String w : warnings) {
      assertFalse(w.contains("BadRecordException") || w.contains("Exception in task")
          || w.contains("aborting job") || w.contains("could not be removed") || w.contains(" ["),
          () -> "Spark's lines about the failed task (or any exception) reached the log: " + w
              + "\nevery line logged during the run:\n" + allLines);
    }
    assertFalse(Files.exists(out), "nothing published");
    return run;
  }

  private Path file(String name, String content) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, content);
    return f;
  }

  static Stream<Arguments> badRecords() {
    String good = "1 1:0.5 2:1.5 3:2\n2 1:1 3:-1\n";
    String header = "label,a,b\n1,2,3\n2,3,4\n";
    return Stream.of(
        Arguments.of("libsvm: malformed token", "bad.libsvm", good + "3 1:1 x 3:3\n", List.of(), 3,
            "expected index:value, found 'x'"),
        Arguments.of("libsvm: non-numeric value", "bad.libsvm", good + "3 1:abc\n", List.of(), 3,
            "value of feature 1 'abc' is not a number"),
        Arguments.of("libsvm: non-numeric label", "bad.libsvm", good + "one 1:1\n", List.of(), 3,
            "label 'one' is not a number"),
        Arguments.of("libsvm: index 0", "bad.libsvm", good + "3 0:1 1:2\n", List.of(), 3,
            "feature index 0 is not >= 1"),
        Arguments.of("libsvm: negative index", "bad.libsvm", good + "3 -2:1\n", List.of(), 3,
            "feature index -2 is not >= 1"),
        Arguments.of("libsvm: unsorted indices", "bad.libsvm", good + "# a comment\n3 2:1 1:4\n", List.of(), 4,
            "feature indices are not increasing (1 after 2)"),
        Arguments.of("libsvm: duplicate index", "bad.libsvm", good + "3 2:1 2:4\n", List.of(), 3,
            "feature index 2 appears twice"),
        Arguments.of("libsvm: index above --num-features", "bad.libsvm", good + "3 1:1 4:2\n",
            List.of("--num-features", "3"), 3, "feature index 4 is above --num-features 3"),
        Arguments.of("libsvm: NaN label", "bad.libsvm", good + "NaN 1:1\n", List.of(), 3,
            "label is NaN (NaN and infinities are not allowed)"),
        Arguments.of("libsvm: +Inf feature", "bad.libsvm", good + "1 1:Infinity\n", List.of(), 3,
            "value of feature 1 is Infinity"),
        Arguments.of("libsvm: -Inf feature", "bad.libsvm", good + "1 2:-Infinity\n", List.of(), 3,
            "value of feature 2 is -Infinity"),
        Arguments.of("csv: non-numeric value", "bad.csv", header + "4,five,6\n", List.of(), 4,
            "column 'a' value 'five' is not a number"),
        Arguments.of("csv: missing value", "bad.csv", header + "4,,6\n", List.of(), 4,
            "missing value in column 'a'"),
        Arguments.of("csv: too few columns", "bad.csv", header + "4,5\n", List.of(), 4,
            "has 2 columns, the header has 3"),
        Arguments.of("csv: too many columns", "bad.csv", header + "4,5,6,7\n", List.of(), 4,
            "has more than the header's 3 columns"),
        Arguments.of("csv: unbalanced quote", "bad.csv", header + "4,\"5,6\n", List.of(), 4,
            "unbalanced quote in column 'a' (a quoted field must end on its line"),
        Arguments.of("csv: too many fields in quotes and out", "bad.csv", header + "4,\"5\",6,\"7\"\n", List.of(), 4,
            "has more than the header's 3 columns"),
        Arguments.of("csv: NaN label", "bad.csv", header + "NaN,5,6\n", List.of(), 4,
            "column 'label' value is NaN"),
        Arguments.of("csv: +Inf feature", "bad.csv", header + "1,Infinity,6\n", List.of(), 4,
            "column 'a' value is Infinity"),
        Arguments.of("csv: -Inf feature", "bad.csv", header + "1,5,-Infinity\n", List.of(), 4,
            "column 'b' value is -Infinity"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRecords")
  void badRecordNamesFileAndLine(String name, String fileName, String content, List<String> extra,
      int line, String problem) throws Exception {
    Path f = file(fileName, content);
    List<String> args = new ArrayList<>(List.of("--data", f.toString()));
    args.addAll(extra);
    rejected(args, f.getFileName() + ":" + line + ": " + problem);
  }

  @Test
  void csvFileWithAnotherHeaderInADirectory() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("parts"));
    Files.writeString(dir.resolve("a.csv"), "label,a,b\n1,2,3\n");
    Files.writeString(dir.resolve("b.csv"), "label,b,a\n1,2,3\n");
    rejected(List.of("--data", dir.toString()), "b.csv:1: this file's header differs");
  }

  @Test
  void unbalancedQuoteInTheHeader() throws Exception {
    Path f = file("h.csv", "label,\"a,b\n1,2,3\n");
    rejected(List.of("--data", f.toString()), "h.csv:1: unbalanced quote in the header's column 2");
  }

  @Test
  void csvDelimiterOfTwoCharacters() throws Exception {
    Path f = file("t.csv", "label,a\n1,2\n");
    rejected(List.of("--data", f.toString(), "--csv-delimiter", "::"),
        "--csv-delimiter must be one character other than a quote or a line break, or tab (got '::')");
  }

  @Test
  void missingMeanOfAColumnEmptyInEveryRow() throws Exception {
    Path f = file("e.csv", "label,a,b\n1,2,\n2,3,\"\"\n");
    rejected(List.of("--data", f.toString(), "--missing", "mean"),
        "--missing mean: column 'b' is empty in every training row of");
  }

  @Test
  void missingOnLibsvmInput() throws Exception {
    rejected(List.of("--data", goodData().toString(), "--missing", "zero"),
        "--missing needs CSV or Parquet input", "is read as LIBSVM");
  }

  @Test
  void categoricalColumnThatDoesNotExist() throws Exception {
    Path f = file("c.csv", "label,a,city\n1,2,Oslo\n");
    rejected(List.of("--data", f.toString(), "--categorical-cols", "town"),
        "c.csv: no column 'town' (--categorical-cols) in the header (columns: label, a, city)");
  }

  @Test
  void hashBitsOutOfRange() throws Exception {
    Path f = file("c.csv", "label,a,city\n1,2,Oslo\n");
    rejected(List.of("--data", f.toString(), "--categorical-cols", "city", "--hash-bits", "0"),
        "--hash-bits must be in 1..28 (got 0)");
  }

  @Test
  void maxLevelsOutOfRangeAndAnUnknownEncoding() throws Exception {
    Path f = file("c.csv", "label,a,city\n1,2,Oslo\n");
    rejected(List.of("--data", f.toString(), "--categorical-cols", "city", "--encoding", "one-hot",
        "--max-levels", "0"), "--max-levels must be in 1..1000000 (got 0)");
    rejected(List.of("--data", f.toString(), "--categorical-cols", "city", "--encoding", "dummy"),
        "--encoding must be one of hash, one-hot (got 'dummy')");
  }

  @Test
  void categoryInAColumnLeftNumeric() throws Exception {
    Path f = file("c.csv", "label,a,city\n1,2,3\n2,3,Lyon\n");
    rejected(List.of("--data", f.toString(), "--categorical-cols", "a"), "c.csv:3: column 'city' value 'Lyon' is not a number");
  }

  @Test
  void missingLabelColumn() throws Exception {
    Path f = file("d.csv", "y,a,b\n1,2,3\n");
    rejected(List.of("--data", f.toString()), "d.csv", "no label column 'label'", "--label-col");
  }

  @Test
  void emptyFile() throws Exception {
    Path f = file("empty.libsvm", "");
    rejected(List.of("--data", f.toString()), "is empty");
  }

  @Test
  void fileWithOnlyCommentsAndBlankLines() throws Exception {
    Path f = file("blank.libsvm", "# nothing\n\n   \n");
    rejected(List.of("--data", f.toString()), "no training rows (the input is empty)");
  }

  @Test
  void emptyDirectory() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("emptydir"));
    Files.writeString(d.resolve("_SUCCESS"), "");
    rejected(List.of("--data", d.toString(), "--format", "libsvm"), "holds no data files");
  }

  @Test
  void missingPath() {
    rejected(List.of("--data", tmp.resolve("nope.libsvm").toString()), "no such file or directory",
        "nope.libsvm");
  }

  @Test
  void everyRecordBadInSkipMode() throws Exception {
    Path f = file("allbad.libsvm", "x\ny\n");
    rejected(List.of("--data", f.toString(), "--bad-records", "skip"),
        "no training rows (all 2 records were bad and skipped)");
  }

  @Test
  void moreBadRecordsThanAllowedInSkipMode() throws Exception {
    Path f = file("bad.libsvm", "1 1:1\nx\n2 1:2\ny\nz\n");
    rejected(List.of("--data", f.toString(), "--bad-records", "skip", "--max-bad-records", "2"),
        "more than --max-bad-records 2 bad records (3)", "bad.libsvm:2: label 'x' is not a number");
  }

  private Path goodData() throws Exception {
    Path f = tmp.resolve("good.libsvm");
    TestData.write(f, 3, 100, 3, 0.1, 0.0);
    return f;
  }

  @Test
  void baselineDirectoryWithoutModelJson() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("notamodel"));
    Files.writeString(d.resolve("weights.txt"), "1 2 3");
    rejected(List.of("--data", goodData().toString(), "--baseline-model", d.toString()),
        "--baseline-model", "not a spark-sgd model directory (no model.json)");
  }

  @Test
  void baselineModelJsonOfSomethingElse() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(d.resolve("model.json"), "{\"format\": \"other-tool/model\", \"weights\": [1, 2, 3]}");
    rejected(List.of("--data", goodData().toString(), "--baseline-model", d.toString()),
        "model.json is not a spark-sgd model", "no \"format\": \"spark-sgd/linear-model\"");
  }

  @Test
  void baselineModelJsonThatIsNotJson() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("garbled"));
    Files.writeString(d.resolve("model.json"), "\u00ac\u00ed\u0000\u0005sr\u0000 java object stream");
    rejected(List.of("--data", goodData().toString(), "--baseline-model", d.toString()),
        "model.json is not a spark-sgd model: not valid JSON");
  }

  @Test
  void baselineThatIsASparkMlModelDirectory() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("sparkml"));
    Files.createDirectories(d.resolve("metadata"));
    Files.createDirectories(d.resolve("data"));
    Files.writeString(d.resolve("metadata/part-00000"),
        "{\"class\":\"org.apache.spark.ml.regression.LinearRegressionModel\"}");
    rejected(List.of("--data", goodData().toString(), "--baseline-model", d.toString()),
        "it looks like a Spark ML model");
  }

  @Test
  void baselineThatDoesNotExist() throws Exception {
    rejected(List.of("--data", goodData().toString(), "--baseline-model", tmp.resolve("gone").toString()),
        "--baseline-model", "no such directory");
  }

  @Test
  void baselineWithAnotherFeatureCount() throws Exception {
    Path base = tmp.resolve("base");
    Path wide = tmp.resolve("wide.libsvm");
    TestData.write(wide, 3, 100, 5, 0.1, 0.0);
    assertEquals(0, TestData.cli("train", "--data", wide.toString(), "--output", base.toString(),
        "--max-iter", "3").exitCode());
    rejected(List.of("--data", goodData().toString(), "--baseline-model", base.toString()),
        "has 5 features but the data has 3");
  }
}

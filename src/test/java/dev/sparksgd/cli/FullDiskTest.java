package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.FullDiskFileSystem;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A disk that fills up while the run writes: the model directory (its own files, or spark.ml's
 * files written by a Spark job), a checkpoint, an evaluation report. Each ends with exit 6 and one
 * line saying what could not be written, where and why; the earlier model (or report) stays
 * byte for byte, and no temporary file or directory is left behind.
 */
class FullDiskTest {
  @TempDir
  Path tmp;
  Path data;
  Configuration hadoop;

  @BeforeEach
  void setUp() throws IOException {
    data = tmp.resolve("d.libsvm");
    TestData.write(data, 17, 400, 3, 0.1, 1.0);
    hadoop = SparkTestSession.get().sparkContext().hadoopConfiguration();
  }

  @AfterEach
  void tearDown() {
    FullDiskFileSystem.uninstall(hadoop);
  }

  /** Every file under {@code dir} (relative path → bytes), hidden ones included. */
  static Map<String, byte[]> tree(Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        files.put(dir.relativize(p).toString() + (Files.isDirectory(p) ? "/" : ""),
            Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
      }
    }
    return files;
  }

  static void assertSameTree(Map<String, byte[]> before, Map<String, byte[]> after) {
    assertEquals(before.keySet(), after.keySet(), "the same files, none added");
    before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " unchanged"));
  }

  /** The one line of the failure: exit 6, exactly one line of ours on stderr, no stack trace in it. */
  static String failureLine(TestData.Run r) {
    assertEquals(ExitCodes.OUTPUT_FAILED, r.exitCode(), r.err());
    List<String> ours = new ArrayList<>();
    r.err().lines().filter(l -> l.startsWith("spark-sgd:")).forEach(ours::add);
    assertEquals(1, ours.size(), r.err());
    assertFalse(r.err().lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), r.err());
    return ours.get(0);
  }

  TestData.Run train(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--output", out.toString(),
        "--max-iter", "6", "--lr-schedule", "constant", "--step-size", "0.3"));
    args.addAll(List.of(more));
    return TestData.cli(args.toArray(new String[0]));
  }

  /**
   * The disk fills up at one of our own files of the model directory, or at spark.ml's parquet
   * files, which its writer writes in a Spark job (the task's FSError comes back inside the job's
   * failure).
   */
  @ParameterizedTest(name = "full at {0} after {1} bytes")
  @CsvSource({"history.csv, 10", ".parquet, 0"})
  void aFullDiskWhilePublishingKeepsTheEarlierModel(String fullOn, long fullAfter) throws Exception {
    Path out = tmp.resolve("models").resolve("m");
    assertEquals(0, train(out).exitCode());
    Map<String, byte[]> before = tree(tmp.resolve("models"));

    FullDiskFileSystem.install(hadoop, fullOn, fullAfter);
    String line = failureLine(train(out, "--overwrite", "--seed", "5"));
    assertEquals("spark-sgd: error: cannot write the model directory to " + out + ": "
        + FullDiskFileSystem.NO_SPACE, line);
    assertSameTree(before, tree(tmp.resolve("models")));
  }

  @Test
  void aFullDiskWhileCheckpointingEndsTheRunWithNothingLeftBehind() throws Exception {
    Path ck = tmp.resolve("ck");
    Path out = tmp.resolve("m");
    FullDiskFileSystem.install(hadoop, "checkpoint-000000004", 5);
    String line = failureLine(train(out, "--checkpoint-dir", ck.toString(), "--checkpoint-interval", "2"));
    assertEquals("spark-sgd: error: cannot write the checkpoint of iteration 4 to "
        + org.apache.hadoop.fs.Path.getPathWithoutSchemeAndAuthority(new org.apache.hadoop.fs.Path(ck.toUri()))
        + "/checkpoint-000000004.json: " + FullDiskFileSystem.NO_SPACE,
        line.replace("file:", ""));
    // The checkpoint of iteration 2 is kept for a --resume, the failed one left nothing.
    assertEquals(Map.of("checkpoint-000000002.json", true).keySet(), tree(ck).keySet().stream()
        .filter(k -> !k.equals("/")).collect(java.util.stream.Collectors.toSet()));
    assertFalse(Files.exists(out), "no model");
  }

  @Test
  void aFullDiskWhileWritingTheEvaluationReportKeepsTheEarlierReport() throws Exception {
    Path model = tmp.resolve("m");
    assertEquals(0, train(model).exitCode());
    Path reports = tmp.resolve("reports");
    Path report = reports.resolve("eval.json");
    assertEquals(0, TestData.cli("evaluate", "--model", model.toString(), "--data", data.toString(),
        "--output", report.toString()).exitCode());
    Map<String, byte[]> before = tree(reports);

    FullDiskFileSystem.install(hadoop, "eval.json", 3);
    String line = failureLine(TestData.cli("evaluate", "--model", model.toString(), "--data", data.toString(),
        "--output", report.toString(), "--overwrite"));
    assertEquals("spark-sgd: error: cannot write the evaluation report to " + report + ": "
        + FullDiskFileSystem.NO_SPACE, line);
    assertSameTree(before, tree(reports));
  }
}

package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of memory ends with one line on stderr that names the memory and what to change,
 * and exit code 5: in a task (where Spark itself would exit with 52 after a screen of errors)
 * and in the driver, each in a driver JVM of its own with a 512 MB heap.
 */
class OutOfMemoryTest {
  @TempDir
  Path tmp;

  @AfterEach
  void forget() {
    OutOfMemory.install(); // what a test here noted must not silence the shared JVM's log
  }

  /** A feature index of 50 million: the load task's per-feature statistics need 600 MB. */
  @Test
  void aTaskOutOfMemoryIsOneLineAndExitCode5() throws Exception {
    Path data = tmp.resolve("wide.libsvm");
    Files.writeString(data, "1 50000000:1\n0 3:1\n");
    ChildJvm.Result r = ChildJvm.run(tmp, List.of("-Xmx512m"), "train", "--data", data.toString(),
        "--output", tmp.resolve("m").toString());
    assertEquals(ExitCodes.OUT_OF_MEMORY, r.exitCode(), r.err());
    List<String> lines = r.errLines();
    assertEquals(1, lines.size(), "stderr, all of it: " + r.err());
    assertTrue(lines.get(0).startsWith("spark-sgd: error: out of memory in a task (java.lang.OutOfMemoryError"),
        lines.get(0));
    assertTrue(lines.get(0).contains("--driver-memory") && lines.get(0).contains("--num-partitions")
        && lines.get(0).contains("--storage-level"), lines.get(0));
    assertTrue(Files.notExists(tmp.resolve("m")));
  }

  /** --num-features 60 million: the driver's feature statistics alone need 960 MB. */
  @Test
  void aDriverOutOfMemoryIsOneLineAndExitCode5() throws Exception {
    Path data = tmp.resolve("small.libsvm");
    Files.writeString(data, "1 1:1 2:3\n0 3:1\n2 1:2 3:1\n");
    ChildJvm.Result r = ChildJvm.run(tmp, List.of("-Xmx512m"), "train", "--data", data.toString(),
        "--num-features", "60000000", "--output", tmp.resolve("m").toString());
    assertEquals(ExitCodes.OUT_OF_MEMORY, r.exitCode(), r.err());
    List<String> lines = r.errLines();
    assertEquals(1, lines.size(), "stderr, all of it: " + r.err());
    assertTrue(lines.get(0).startsWith("spark-sgd: error: out of memory in the driver (java.lang.OutOfMemoryError"),
        lines.get(0));
    assertTrue(lines.get(0).contains("--driver-memory"), lines.get(0));
  }

  /**
   * On a cluster the executor's JVM dies; the driver only sees the job fail with the task's
   * failure text. The text below is Spark's job-abort message for an executor that exited with
   * SparkExitCode.OOM (52) before it could report the error itself.
   */
  @Test
  void anExecutorLostToOutOfMemoryIsNamedAsSuch() {
    OutOfMemory.install();
    SparkException e = new SparkException("Job aborted due to stage failure: Task 1 in stage 0.0 failed "
        + "4 times, most recent failure: Lost task 1.3 in stage 0.0 (TID 7) (127.0.0.1 executor 2): "
        + "ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason: Command "
        + "exited with code 52\nDriver stacktrace:");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(ExitCodes.OUT_OF_MEMORY, Errors.report(e, new PrintStream(err, true, StandardCharsets.UTF_8)));
    String line = err.toString(StandardCharsets.UTF_8).strip();
    assertTrue(line.startsWith("spark-sgd: error: out of memory in an executor (the executor exited "
        + "with code 52)") && line.contains("--executor-memory"), line);

    OutOfMemory.install();
    assertNull(OutOfMemory.describe(new SparkException("Job aborted: ExecutorLostFailure (executor 2 "
        + "exited caused by one of the running tasks) Reason: Command exited with code 143")));
  }
}

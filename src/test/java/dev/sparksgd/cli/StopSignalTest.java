package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparksgd.testing.BlockingLocalFileSystem;
import dev.sparksgd.testing.ChildJvm;
import dev.sparksgd.testing.Hang;
import dev.sparksgd.testing.Submit;
import dev.sparksgd.testing.TestData;
import dev.sparksgd.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM and SIGINT sent to a real driver JVM (a child process, as submit.sh starts it) while it
 * trains: the run stops inside the running iteration (a test hook makes that iteration's task run
 * until Spark kills it, so without the cancel the run would never end), writes the checkpoint of
 * the iteration before, publishes nothing, prints one line and exits 143 / 130; the same command
 * with --resume then gives the model of an uninterrupted run, bit for bit. A second signal during
 * the publish ends the process at once and leaves the old model whole.
 */
class StopSignalTest {
  static final Duration TIMEOUT = Hang.BOUND;
  @TempDir
  static Path tmp;
  static Path data;
  static long[] uninterrupted;
  static List<String> uninterruptedHistory;

  /**
   * Full batches (the bold driver of --lr-schedule adaptive judges whole objectives; its state is
   * part of the checkpoint), a job per iteration (the stalled task is an iteration's), a holdout.
   */
  private static final String[] BASE = {"--mini-batch-fraction", "1", "--step-size", "2",
      "--min-step-size", "0", "--tol", "0", "--seed", "17", "--num-partitions", "4",
      "--validation-fraction", "0.2", "--validation-interval", "5", "--lr-schedule", "adaptive",
      "--optimizer", "momentum", "--max-iter", "25", "--prefetch-mb", "0"};

  @BeforeAll
  static void referenceRun() throws Exception {
    data = tmp.resolve("data.libsvm");
    TestData.write(data, 3, 4000, 9, 0.5, -1.0);
    Path out = tmp.resolve("reference");
    TestData.Run r = TestData.cli(args(out));
    assertEquals(0, r.exitCode(), r.err());
    uninterrupted = TestData.modelBits(out);
    uninterruptedHistory = TestData.historyWithoutMillis(out);
  }

  static String[] args(Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--output", out.toString()));
    a.addAll(Arrays.asList(BASE));
    a.addAll(Arrays.asList(extra));
    return a.toArray(new String[0]);
  }

  /** An older model directory in --output, which a stopped run must leave as it was. */
  static Map<String, String> oldModel(Path out) throws Exception {
    Files.createDirectories(out);
    Map<String, String> files = new TreeMap<>();
    files.put("model.json", "{\"the\":\"old model\"}\n");
    files.put("history.csv", "iteration\n1\n");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.writeString(out.resolve(f.getKey()), f.getValue());
    }
    return files;
  }

  static void assertUnchanged(Map<String, String> old, Path out) throws Exception {
    assertEquals(List.copyOf(old.keySet()), TestData.fileNames(out));
    for (Map.Entry<String, String> f : old.entrySet()) {
      assertEquals(f.getValue(), Files.readString(out.resolve(f.getKey())), f.getKey());
    }
  }

  static void waitFor(BooleanSupplier condition, Submit.Running child, String what) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (!child.process.isAlive()) {
        fail("the run ended before " + what + ":\n" + child.await(TIMEOUT).describe());
      }
      if (System.nanoTime() > deadline) {
        child.process.destroyForcibly();
        fail("no " + what + " within " + TIMEOUT);
      }
      Thread.sleep(10);
    }
  }

  static void kill(String signal, Submit.Running child) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.process.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor());
  }

  /**
   * Starts the run in a child JVM with partition 0's task of iteration {@code stallAt} running until
   * killed, sends {@code signal} once that task runs, and returns how the run ended.
   */
  static Submit.Result stopInIteration(String name, String signal, int stallAt, Path out, String... extra)
      throws Exception {
    Path marker = tmp.resolve(name + ".stalled");
    Submit.Running child = ChildJvm.start(Files.createDirectories(tmp.resolve(name)), name,
        List.of("-D" + Trainer.STALL_TASK_AT_ITERATION + "=" + stallAt, "-D" + Trainer.STALL_MARKER + "=" + marker),
        line -> { }, args(out, extra));
    waitFor(() -> Files.exists(marker), child, "the task of iteration " + stallAt);
    kill(signal, child);
    return child.await(TIMEOUT);
  }

  /** The lines of the run's own (not Spark's or log) output on stderr. */
  static List<String> ownLines(Submit.Result r) {
    return r.err().lines().filter(l -> l.startsWith("spark-sgd:")).toList();
  }

  @Test
  void sigtermStopsInsideTheIterationKeepsItsCheckpointAndResumesToTheSameBits() throws Exception {
    Path out = tmp.resolve("term-model");
    Path ck = tmp.resolve("term-ck");
    Map<String, String> old = oldModel(out);
    String[] ckArgs = {"--checkpoint-dir", ck.toString(), "--checkpoint-interval", "5", "--overwrite"};
    Submit.Result r = stopInIteration("term", "TERM", 8, out, ckArgs);
    assertEquals(ExitCodes.SIGTERM, r.exitCode(), r.describe());
    assertEquals(List.of("spark-sgd: stopped by SIGTERM after iteration 7; checkpoint file:"
        + ck.resolve("checkpoint-000000007.json") + "; rerun with --resume to continue"), ownLines(r), r.describe());
    int signalled = r.err().indexOf("StopSignals: SIGTERM");
    assertTrue(signalled >= 0, "the signal is logged:\n" + r.err());
    String afterSignal = r.err().substring(signalled);
    assertFalse(afterSignal.contains("Exception"), "no stack trace from the stop:\n" + r.err());
    assertTrue(r.out().stream().noneMatch(l -> l.startsWith("iter 8/")), r.describe());
    // The stop's own checkpoint replaced the one after iteration 5; nothing was published.
    assertEquals(List.of("checkpoint-000000007.json"), TestData.fileNames(ck));
    assertEquals(7, TestData.json(ck.resolve("checkpoint-000000007.json")).get("iteration").asInt());
    assertUnchanged(old, out);

    TestData.Run resumed = TestData.cli(args(out, ckArgs[0], ckArgs[1], ckArgs[2], ckArgs[3], ckArgs[4], "--resume"));
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(resumed.out().contains("iter 8/25") && !resumed.out().contains("iter 7/25"), resumed.out());
    assertArrayEquals(uninterrupted, TestData.modelBits(out), "resumed vs uninterrupted");
    assertEquals(uninterruptedHistory, TestData.historyWithoutMillis(out));
  }

  @Test
  void sigintLikewiseWithItsOwnExitCode() throws Exception {
    Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored by this process (a background job), and so by "
        + "its children: Ctrl-C cannot reach them");
    Path out = tmp.resolve("int-model");
    Path ck = tmp.resolve("int-ck");
    String[] ckArgs = {"--checkpoint-dir", ck.toString(), "--checkpoint-interval", "5"};
    Submit.Result r = stopInIteration("int", "INT", 3, out, ckArgs);
    assertEquals(ExitCodes.SIGINT, r.exitCode(), r.describe());
    assertEquals(List.of("spark-sgd: stopped by SIGINT after iteration 2; checkpoint file:"
        + ck.resolve("checkpoint-000000002.json") + "; rerun with --resume to continue"), ownLines(r), r.describe());
    assertEquals(List.of("checkpoint-000000002.json"), TestData.fileNames(ck), "written by the stop alone");
    assertFalse(Files.exists(out), "nothing published");

    TestData.Run resumed = TestData.cli(args(out, ckArgs[0], ckArgs[1], ckArgs[2], ckArgs[3], "--resume"));
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertArrayEquals(uninterrupted, TestData.modelBits(out), "resumed vs uninterrupted");
    assertEquals(uninterruptedHistory, TestData.historyWithoutMillis(out));
  }

  @Test
  void withoutACheckpointDirectoryTheLineSaysSo() throws Exception {
    Path out = tmp.resolve("none-model");
    Submit.Result r = stopInIteration("none", "TERM", 4, out);
    assertEquals(ExitCodes.SIGTERM, r.exitCode(), r.describe());
    assertEquals(List.of("spark-sgd: stopped by SIGTERM after iteration 3; no checkpoint (give --checkpoint-dir "
        + "to keep progress)"), ownLines(r), r.describe());
    assertFalse(Files.exists(out), "nothing published");
  }

  /**
   * The publish is blocked half-way through history.csv (a file system that never finishes that
   * write). The first SIGTERM lets a publish that has begun go on; the second ends the process at
   * once: the old model is still there, whole, next to the new one's hidden temporary directory.
   */
  @Test
  void aSecondSignalDuringThePublishEndsAtOnceAndLeavesTheOldModelWhole() throws Exception {
    Path parent = tmp.resolve("publish");
    Path out = parent.resolve("model");
    Map<String, String> old = oldModel(out);
    Path marker = tmp.resolve("publish.blocked");
    Path work = Files.createDirectories(tmp.resolve("publish-run"));
    Submit.Running child = ChildJvm.start(work, "publish",
        List.of("-Dspark.hadoop.fs.file.impl=" + BlockingLocalFileSystem.class.getName(),
            "-Dspark.hadoop.fs.file.impl.disable.cache=true",
            "-Dspark.hadoop." + BlockingLocalFileSystem.BLOCK_ON + "=history.csv",
            "-Dspark.hadoop." + BlockingLocalFileSystem.MARKER + "=" + marker),
        line -> { }, args(out, "--overwrite"));
    waitFor(() -> Files.exists(marker), child, "the blocked publish");
    assertTrue(Files.readString(marker).contains("/publish/.model.tmp-"), Files.readString(marker));
    kill("TERM", child);
    Path err = work.resolve("publish.err");
    waitFor(() -> contains(err, "SIGTERM: stopping at the iteration boundary"), child, "the first signal handled");
    kill("TERM", child);
    assertTrue(child.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the second signal ended the process");
    Submit.Result r = child.await(TIMEOUT);
    assertEquals(ExitCodes.SIGTERM, r.exitCode(), r.describe());
    assertEquals(List.of("spark-sgd: stopped at once by a second SIGTERM; rerun with --resume to continue from "
        + "the newest checkpoint, if any"), ownLines(r), r.describe());
    assertUnchanged(old, out);
    try (Stream<Path> s = Files.list(parent)) {
      List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(2, names.size(), names.toString());
      assertTrue(names.get(0).startsWith(".model.tmp-"), names.toString());
    }
  }

  static boolean contains(Path file, String text) {
    try {
      return Files.exists(file) && Files.readString(file).contains(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whether this process ignores SIGINT (then so do its children, and kill -INT does nothing). */
  static boolean sigintIgnored() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << (2 - 1))) != 0;
      }
    }
    return false;
  }
}

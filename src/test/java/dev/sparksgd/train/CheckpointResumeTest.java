package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --checkpoint-dir / --resume through the real train command on the shared local session: a run
 * cut short and resumed equals the uninterrupted run bit for bit, and a checkpoint that belongs to
 * another run is refused with one clear line. (The driver really being killed is ClusterIT's
 * DriverRestartIT, through submit.sh.)
 */
class CheckpointResumeTest {
  @TempDir
  static Path tmp;
  static Path data;
  static long[] uninterrupted;
  static List<String> uninterruptedHistory;

  private static final String[] BASE = {"--mini-batch-fraction", "0.25", "--step-size", "0.2",
      "--min-step-size", "0", "--tol", "0", "--seed", "17", "--num-partitions", "4",
      "--validation-fraction", "0.2"};

  @BeforeAll
  static void referenceRun() throws Exception {
    data = tmp.resolve("data.libsvm");
    TestData.write(data, 3, 4000, 9, 0.5, -1.0);
    Path out = tmp.resolve("reference");
    run(0, out, "--max-iter", "25");
    uninterrupted = TestData.modelBits(out);
    uninterruptedHistory = TestData.historyWithoutMillis(out);
  }

  private static TestData.Run run(int expectedExit, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--output", out.toString()));
    args.addAll(Arrays.asList(BASE));
    args.addAll(Arrays.asList(extra));
    TestData.Run r = TestData.cli(args.toArray(new String[0]));
    assertEquals(expectedExit, r.exitCode(), r.err());
    return r;
  }

  @Test
  void aRunCutShortAndResumedIsBitIdentical() throws Exception {
    Path ck = tmp.resolve("ck-cut");
    // Stops after 12 iterations: out of iterations, so its last state is saved too (and the one
    // after iteration 10 deleted).
    run(0, tmp.resolve("cut"), "--max-iter", "12", "--checkpoint-dir", ck.toString(), "--checkpoint-interval", "5");
    assertEquals(List.of("checkpoint-000000012.json"), TestData.fileNames(ck));
    JsonNode c = TestData.json(ck.resolve("checkpoint-000000012.json"));
    assertEquals(12, c.get("iteration").asInt());
    assertEquals(12, c.get("history").size());
    assertEquals(10, c.get("params").size(), "9 weights and the intercept");
    JsonNode fp = c.get("fingerprint");
    assertEquals(4, fp.get("data").get("numPartitions").asInt());
    assertEquals("file:" + data, fp.get("input").get(0).get("path").asText());
    assertFalse(fp.get("options").has("max-iter"));

    Path out = tmp.resolve("resumed");
    TestData.Run r = run(0, out, "--max-iter", "25", "--checkpoint-dir", ck.toString(), "--checkpoint-interval", "5",
        "--resume");
    assertTrue(r.out().contains("iter 13/25") && !r.out().contains("iter 12/25"), r.out());
    assertArrayEquals(uninterrupted, TestData.modelBits(out));
    assertEquals(uninterruptedHistory, TestData.historyWithoutMillis(out));
    assertEquals(25, TestData.json(out.resolve("model.json")).get("iterations").asInt());
    assertEquals(List.of("checkpoint-000000025.json"), TestData.fileNames(ck), "the last one is kept for a longer run");

    // Resuming a finished run with the same --max-iter trains nothing and gives the same model.
    Path again = tmp.resolve("again");
    r = run(0, again, "--max-iter", "25", "--checkpoint-dir", ck.toString(), "--resume");
    assertFalse(r.out().contains("iter "), r.out());
    assertArrayEquals(uninterrupted, TestData.modelBits(again));
  }

  /**
   * The divergence rule compares with the first iteration's objective, which a resumed run must
   * take from the checkpoint: it then stops at the same iteration as the uninterrupted run.
   */
  @Test
  void aResumedRunDivergesAtTheSameIteration() throws Exception {
    // A constant rate: the mini-batch default (plateau) halves a rate too large and need not diverge.
    TestData.Run whole = run(4, tmp.resolve("div-whole"), "--max-iter", "200", "--step-size", "2.6",
        "--lr-schedule", "constant");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("diverged at iteration (\\d+) ").matcher(whole.err());
    assertTrue(m.find(), whole.err());
    int at = Integer.parseInt(m.group(1));
    assertTrue(at > 8, "diverges after the checkpoint (iteration " + at + ")");
    Path ck = tmp.resolve("ck-div");
    run(0, tmp.resolve("div-cut"), "--max-iter", "6", "--step-size", "2.6", "--lr-schedule", "constant",
        "--checkpoint-dir", ck.toString(), "--checkpoint-interval", "5");
    TestData.Run resumed = run(4, tmp.resolve("div-resumed"), "--max-iter", "200", "--step-size", "2.6",
        "--lr-schedule", "constant", "--checkpoint-dir", ck.toString(), "--resume");
    assertEquals(whole.err(), resumed.err());
  }

  @Test
  void resumeWithAnEmptyDirectoryStartsAtIterationZero() throws Exception {
    Path out = tmp.resolve("fresh");
    TestData.Run r = run(0, out, "--max-iter", "25", "--checkpoint-dir", tmp.resolve("ck-empty").toString(), "--resume");
    assertTrue(r.out().contains("iter 1/25"), r.out());
    assertArrayEquals(uninterrupted, TestData.modelBits(out));
  }

  @Test
  void aCheckpointOfAnotherRunIsRefused() throws Exception {
    Path ck = tmp.resolve("ck-other");
    Path copy = tmp.resolve("copy.libsvm");
    Files.copy(data, copy, StandardCopyOption.COPY_ATTRIBUTES);
    run(0, tmp.resolve("first"), "--max-iter", "6", "--checkpoint-dir", ck.toString(), "--checkpoint-interval", "3");
    assertEquals(List.of("checkpoint-000000006.json"), TestData.fileNames(ck));

    Path out = tmp.resolve("refused");
    TestData.Run r = run(2, out, "--max-iter", "9", "--checkpoint-dir", ck.toString());
    assertEquals("spark-sgd: error: --checkpoint-dir " + ck + " already holds checkpoint-000000006.json; give --resume "
        + "to continue from it, or use another (or an empty) directory\n", r.err());

    r = run(2, out, "--max-iter", "9", "--checkpoint-dir", ck.toString(), "--resume", "--step-size", "0.3");
    assertTrue(r.err().startsWith("spark-sgd: error: --resume: file:" + ck + "/checkpoint-000000006.json was made by a "
        + "run with other options: --step-size 0.3 (checkpoint: 0.2); resume with the original data and options"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());

    r = run(2, out, "--max-iter", "9", "--checkpoint-dir", ck.toString(), "--resume", "--seed", "18", "--reg-param", "0.01");
    assertTrue(r.err().contains("other options: --reg-param 0.01 (checkpoint: 0.0), --seed 18 (checkpoint: 17)"), r.err());

    // Same rows in another file.
    List<String> args = new ArrayList<>(List.of("train", "--data", copy.toString(), "--output", out.toString()));
    args.addAll(Arrays.asList(BASE));
    args.addAll(List.of("--max-iter", "9", "--checkpoint-dir", ck.toString(), "--resume"));
    r = TestData.cli(args.toArray(new String[0]));
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("other input: file:" + copy + " was not part of the checkpointed run"), r.err());

    r = run(2, out, "--max-iter", "5", "--checkpoint-dir", ck.toString(), "--resume", "--overwrite");
    assertTrue(r.err().contains("is at iteration 6, beyond --max-iter 5"), r.err());
    assertFalse(Files.exists(out), "a refused run publishes nothing");

    // The same file, changed after the checkpoint (one more row).
    java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(data);
    Files.writeString(data, "1.5 1:0.5\n", java.nio.file.StandardOpenOption.APPEND);
    try {
      r = run(2, out, "--max-iter", "9", "--checkpoint-dir", ck.toString(), "--resume");
      assertTrue(r.err().contains("other input: file:" + data + " is "), r.err());
    } finally {
      List<String> lines = new ArrayList<>(Files.readAllLines(data));
      lines.remove(lines.size() - 1);
      Files.write(data, lines);
      Files.setLastModifiedTime(data, modified);
    }

  }

  @Test
  void resumeWithoutADirectoryIsAUsageError() {
    TestData.Run r = run(2, tmp.resolve("x"), "--resume");
    assertEquals("spark-sgd: error: --resume needs --checkpoint-dir (the directory to resume from)\n", r.err());
    r = run(2, tmp.resolve("x"), "--checkpoint-dir", tmp.resolve("y").toString(), "--checkpoint-interval", "0");
    assertTrue(r.err().startsWith("spark-sgd: error: --checkpoint-interval must be >= 1"), r.err());
  }
}

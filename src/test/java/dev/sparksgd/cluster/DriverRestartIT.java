package dev.sparksgd.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparksgd.testing.DefaultLineOnly;
import dev.sparksgd.testing.Hang;
import dev.sparksgd.testing.Submit;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Driver loss: {@code ./submit.sh train --checkpoint-dir D --checkpoint-interval 2} is killed with
 * kill -9 (the driver JVM: submit.sh execs it) once a checkpoint after iteration 6 or later exists.
 * Nothing is published and the model that was there stays; the same command with --resume then
 * gives a model bit-identical to an uninterrupted run, and history.csv equal to it but for the
 * wall times.
 */
@DefaultLineOnly
class DriverRestartIT {
  static final Path WORK = Submit.PROJECT_DIR.resolve("target/driver-restart-it");
  static final Duration TIMEOUT = Hang.BOUND;
  static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d+)\\.json");
  static final int MAX_ITER = 100;

  static List<String> args(Path data, Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("--master", "local[2]", "--driver-memory", "512m", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.local.dir=" + WORK.resolve("spark-local"),
        "train", "--data", data.toString(), "--output", out.toString(), "--max-iter", Integer.toString(MAX_ITER),
        "--mini-batch-fraction", "0.1", "--step-size", "0.05", "--lr-schedule", "inverse-sqrt",
        "--min-step-size", "0", "--tol", "0", "--seed", "23", "--num-partitions", "2", "--reg-param", "0.01",
        // one Spark job per iteration: drawn ahead, the run would end before the kill
        "--prefetch-mb", "0"));
    a.addAll(List.of(extra));
    return a;
  }

  static int newestCheckpoint(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return -1;
    }
    int best = -1;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Matcher m = CHECKPOINT.matcher(p.getFileName().toString());
        if (m.matches()) {
          best = Math.max(best, Integer.parseInt(m.group(1)));
        }
      }
    }
    return best;
  }

  @Test
  void aKilledDriverResumesToTheSameBits() throws Exception {
    Files.createDirectories(WORK);
    Path data = WORK.resolve("data.libsvm");
    TestData.write(data, 29, 20000, 10, 0.5, 2.0);

    Path reference = WORK.resolve("uninterrupted");
    Submit.Result ref = Submit.run(Map.of(), WORK, "uninterrupted", TIMEOUT, args(data, reference, "--overwrite"));
    assertEquals(0, ref.exitCode(), ref.describe());

    // An older model in --output: a killed run must leave it as it was.
    Path out = WORK.resolve("model");
    Path ck = WORK.resolve("checkpoints");
    for (Path p : List.of(out, ck)) {
      if (Files.exists(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("model.json"), "{\"the\":\"old model\"}\n");

    List<String> killedArgs = args(data, out, "--overwrite", "--checkpoint-dir", ck.toString(), "--checkpoint-interval", "2");
    Submit.Running driver = Submit.submit(Map.of(), WORK, "killed", line -> { }, killedArgs);
    ProcessHandle jvm = driver.process.toHandle();
    int seen = -1;
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (seen < 6) {
      if (!driver.process.isAlive()) {
        fail("the run ended before a checkpoint after iteration 6 appeared:\n" + driver.await(TIMEOUT).describe());
      }
      if (System.nanoTime() > deadline) {
        driver.process.destroyForcibly();
        fail("no checkpoint after iteration 6 within " + TIMEOUT);
      }
      Thread.sleep(5);
      seen = newestCheckpoint(ck);
    }
    assertTrue(jvm.info().command().orElse("").endsWith("/java"),
        "submit.sh execs the driver JVM, so its pid is the driver's: " + jvm.info());
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(jvm.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor());
    assertTrue(driver.process.waitFor(30, TimeUnit.SECONDS));
    Submit.Result killed = driver.await(TIMEOUT);
    assertEquals(137, killed.exitCode(), "killed by SIGKILL:\n" + killed.describe());
    int at = newestCheckpoint(ck);
    assertTrue(at >= 6 && at < MAX_ITER, "killed mid-run, newest checkpoint after iteration " + at);
    assertTrue(killed.out().stream().noneMatch(l -> l.startsWith("iter " + MAX_ITER + "/")), killed.describe());
    // Nothing published: the old model is still there, alone.
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of(out.resolve("model.json")), s.toList());
    }
    assertEquals("{\"the\":\"old model\"}\n", Files.readString(out.resolve("model.json")));

    // The same command plus --resume.
    List<String> resumeArgs = new ArrayList<>(killedArgs);
    resumeArgs.add("--resume");
    Submit.Result resumed = Submit.run(Map.of(), WORK, "resumed", TIMEOUT, resumeArgs);
    assertEquals(0, resumed.exitCode(), resumed.describe());
    String first = resumed.out().stream().filter(l -> l.startsWith("iter ")).findFirst().orElse("");
    assertTrue(first.startsWith("iter " + (at + 1) + "/" + MAX_ITER + " "), "continues after iteration " + at + ": " + first);
    assertArrayEquals(TestData.modelBits(reference), TestData.modelBits(out), "resumed vs uninterrupted");
    assertEquals(TestData.historyWithoutMillis(reference), TestData.historyWithoutMillis(out));
  }
}

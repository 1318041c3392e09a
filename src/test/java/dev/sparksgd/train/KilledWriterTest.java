package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.model.OutputDirectory;
import dev.sparksgd.testing.Hang;
import dev.sparksgd.testing.TestData;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM killed with kill -9 in the middle of writing a file (KillDuringWrite, a child process)
 * publishes no partial model, leaves an existing model untouched, and leaves the previous
 * checkpoint as the newest readable one.
 */
class KilledWriterTest {
  @TempDir
  Path tmp;

  /** Runs KillDuringWrite, waits until it is stuck half-way through a file, and kills it. */
  private void killMidWrite(String mode, Path target) throws Exception {
    Path marker = tmp.resolve("marker-" + mode);
    Path log = tmp.resolve("child-" + mode + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        KillDuringWrite.class.getName(), mode, target.toString(), marker.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    try {
      long deadline = System.nanoTime() + Hang.BOUND.toNanos();
      while (!Files.exists(marker)) {
        if (!p.isAlive()) {
          fail("the writer exited (" + p.exitValue() + ") before blocking:\n" + Files.readString(log));
        }
        if (System.nanoTime() > deadline) {
          fail("the writer did not reach the blocking write within " + Hang.BOUND + ":\n" + Files.readString(log));
        }
        Thread.sleep(20);
      }
    } finally {
      p.destroyForcibly(); // SIGKILL
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the writer survived kill -9");
    }
    assertEquals(137, p.exitValue(), "killed by SIGKILL");
    assertTrue(Files.readString(marker).contains(mode.equals("checkpoint") ? ".checkpoint-000000010.json.tmp-"
        : "history.csv"), Files.readString(marker));
  }

  @Test
  void aKilledPublishLeavesNoModel() throws Exception {
    Path parent = tmp.resolve("models");
    Path target = parent.resolve("m");
    killMidWrite("publish", target);
    assertFalse(Files.exists(target), "no model directory after a killed publish");
    List<String> left = TestData.fileNames(parent);
    assertEquals(1, left.size(), left.toString());
    assertTrue(left.get(0).startsWith(".m.tmp-"), "only the hidden temporary directory: " + left);
    assertEquals(List.of("history.csv", "model.json"), TestData.fileNames(parent.resolve(left.get(0))),
        "it was killed while writing the second file");

    // The next run publishes normally next to the leftover.
    OutputDirectory.publish(new Configuration(), target.toString(), false, KillDuringWrite.modelFiles("next"));
    assertEquals(List.of("history.csv", "metrics.json", "model.json"), TestData.fileNames(target));
    assertEquals(KillDuringWrite.modelFiles("next").get("history.csv"), Files.readString(target.resolve("history.csv")));
  }

  @Test
  void aKilledOverwriteLeavesTheOldModelUntouched() throws Exception {
    Path target = tmp.resolve("models2").resolve("m");
    OutputDirectory.publish(new Configuration(), target.toString(), false, KillDuringWrite.modelFiles("old"));
    Map<String, String> old = KillDuringWrite.modelFiles("old");
    killMidWrite("publish-overwrite", target);
    assertEquals(List.of("history.csv", "metrics.json", "model.json"), TestData.fileNames(target));
    for (Map.Entry<String, String> f : old.entrySet()) {
      assertEquals(f.getValue(), Files.readString(target.resolve(f.getKey())), f.getKey());
    }
  }

  @Test
  void aKilledCheckpointWriteLeavesThePreviousCheckpoint() throws Exception {
    Path dir = tmp.resolve("ck");
    killMidWrite("checkpoint", dir);
    List<String> left = TestData.fileNames(dir);
    assertEquals(2, left.size(), left.toString());
    assertTrue(left.get(0).startsWith(".checkpoint-000000010.json.tmp-"), left.toString());
    assertEquals("checkpoint-000000005.json", left.get(1));
    String half = Files.readString(dir.resolve(left.get(0)));
    assertTrue(!half.isEmpty() && !half.endsWith("}"), "the temporary file is really half-written: " + half);

    // --resume picks iteration 5, complete, and the next save clears the leftover.
    TrainConfig cfg = TrainConfig.builder().dataPath("unused").outputPath("unused").checkpointDir(dir.toString())
        .checkpointInterval(5).resume(true).build();
    Configuration hadoop = new Configuration();
    Checkpoints ck = Checkpoints.load(hadoop, cfg, KillDuringWrite.fingerprint());
    Checkpoint c = ck.resumed();
    assertEquals(5, c.iteration());
    assertArrayEquals(new double[] {5, 2.5}, c.params());
    assertEquals(KillDuringWrite.state(5, KillDuringWrite.fingerprint()).history(), c.history());
    Checkpoint next = KillDuringWrite.state(10, KillDuringWrite.fingerprint());
    ck.afterIteration(10, next.params(), new dev.sparksgd.optim.Sgd(), Map.of(), Map.of(), next.history());
    assertEquals(List.of("checkpoint-000000010.json"), TestData.fileNames(dir));
    assertEquals(10, Checkpoints.read(FileSystem.getLocal(hadoop),
        new org.apache.hadoop.fs.Path(dir.resolve("checkpoint-000000010.json").toUri())).iteration());
  }
}
